// Spark's `ConsumerStrategies.Assign` on a KafkaJS consumer. KafkaJS reads only through a group,
// so static partitions are a group protocol of their own: each member sends the partitions it was
// given in its join request, and the leader hands every member exactly those. Members come and go
// without moving anyone's partitions, and commits still go to the group, so Kafka's tools see lag.
import { decodeSubscription, encodeAssignment, encodeSubscription, type TopicAssignment } from './consumer-protocol.js';

/** The protocol name every member of an `assign` group uses (a member of another kind cannot join). */
export const ASSIGN_PROTOCOL = 'FlintAssign';

interface GroupMember {
  memberId: string;
  memberMetadata: Buffer;
}

/** A KafkaJS partition assigner (`consumer({ partitionAssigners: [...] })`). */
export type PartitionAssigner = () => {
  name: string;
  version: number;
  protocol(subscription: { topics: string[] }): { name: string; metadata: Buffer };
  assign(group: { members: GroupMember[]; topics: string[] }): Promise<{ memberId: string; memberAssignment: Buffer }[]>;
};

/** What a member says in its join request: the partitions it names, and those it reads now. */
interface AssignRequest {
  wanted: TopicAssignment;
  owned: TopicAssignment;
}

/**
 * An assigner that asks for `wanted` and, as leader, gives each member what it asked for. A
 * partition asked for twice stays with the member that reads it now, else goes to the first
 * by member id; the other sees it missing from its assignment and reports it.
 */
export function assignAssigner(wanted: TopicAssignment, owned: () => TopicAssignment = () => ({})): PartitionAssigner {
  return () => ({
    name: ASSIGN_PROTOCOL,
    version: 0,
    protocol: ({ topics }) => ({
      name: ASSIGN_PROTOCOL,
      metadata: encodeSubscription({ topics, userData: Buffer.from(JSON.stringify({ wanted, owned: owned() } satisfies AssignRequest)) }),
    }),
    assign: async ({ members }) => staticAssignment(members),
  });
}

function staticAssignment(members: GroupMember[]): { memberId: string; memberAssignment: Buffer }[] {
  const requests = [...members]
    .sort((a, b) => (a.memberId < b.memberId ? -1 : 1))
    .map(({ memberId, memberMetadata }) => ({ memberId, ...(JSON.parse(decodeSubscription(memberMetadata).userData.toString()) as AssignRequest) }));
  const owner = new Map<string, string>();
  const claim = (memberId: string, from: TopicAssignment, unless: (key: string) => boolean) => {
    for (const [topic, partitions] of Object.entries(from)) {
      for (const p of partitions) if (!owner.has(`${topic}:${p}`) && !unless(`${topic}:${p}`)) owner.set(`${topic}:${p}`, memberId);
    }
  };
  for (const { memberId, wanted, owned } of requests) claim(memberId, owned, (key) => !includes(wanted, key));
  for (const { memberId, wanted } of requests) claim(memberId, wanted, () => false);
  return requests.map(({ memberId, wanted }) => {
    const given: TopicAssignment = {};
    for (const [topic, partitions] of Object.entries(wanted)) {
      const mine = partitions.filter((p) => owner.get(`${topic}:${p}`) === memberId);
      if (mine.length > 0) given[topic] = mine;
    }
    return { memberId, memberAssignment: encodeAssignment(given) };
  });
}

function includes(assignment: TopicAssignment, key: string): boolean {
  const at = key.lastIndexOf(':');
  return assignment[key.slice(0, at)]?.includes(Number(key.slice(at + 1))) ?? false;
}
