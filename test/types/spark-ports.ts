// Type test: Spark Streaming programs ported line by line, with no casts. `npm test` type-checks
// this file under strict (tsc -p test/tsconfig.json) and never runs it; each annotation states
// the type the port must infer. Sources: Spark's examples/ (NetworkWordCount,
// StatefulNetworkWordCount, QueueStream, CustomReceiver) and the programming guide.
import { Batch, DStream, Minutes, Receiver, Seconds, State, StateSpec, StreamingContext } from '../../src/index.js';

/** NetworkWordCount.scala. */
export function networkWordCount(hostname: string, port: number): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), appName: 'NetworkWordCount' });
  const lines = ssc.socketTextStream(hostname, port);
  const words = lines.flatMap((x) => x.split(' '));
  const wordCounts: DStream<[string, number]> = words.map((x) => [x, 1]).reduceByKey((a, b) => a + b);
  wordCounts.print();
  return ssc;
}

/** StatefulNetworkWordCount.scala (Spark 1.6 on): mapWithState with an initial state. */
export function statefulNetworkWordCount(hostname: string, port: number): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), appName: 'StatefulNetworkWordCount' });
  ssc.checkpoint('.');
  const initialRDD: [string, number][] = [
    ['hello', 1],
    ['world', 1],
  ];
  const lines = ssc.socketTextStream(hostname, port);
  const words = lines.flatMap((x) => x.split(' '));
  const wordDstream = words.map((x) => [x, 1]);
  // Update the cumulative count using mapWithState; this gives a DStream of (word, count).
  const mappingFunc = (word: string, one: number | undefined, state: State<number>) => {
    const sum = (one ?? 0) + (state.getOption() ?? 0);
    const output: [string, number] = [word, sum];
    state.update(sum);
    return output;
  };
  const stateDstream: DStream<[string, number]> = wordDstream.mapWithState(StateSpec.function(mappingFunc).initialState(initialRDD));
  stateDstream.print();
  return ssc;
}

/** The same with the mapping function written in place, returning the pair directly. */
export function statefulWordCountInline(lines: DStream<string>): void {
  const stateDstream = lines
    .flatMap((x) => x.split(' '))
    .map((x) => [x, 1])
    .mapWithState(
      StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
        const sum = (one ?? 0) + (state.getOption() ?? 0);
        state.update(sum);
        return [word, sum];
      }),
    );
  const pairs: DStream<[string, number]> = stateDstream;
  pairs.print();
}

/** StatefulNetworkWordCount.scala before Spark 1.6: updateStateByKey. */
export function updateStateByKeyWordCount(lines: DStream<string>): DStream<[string, number]> {
  const updateFunc = (values: number[], state: number | undefined) => {
    const currentCount = values.reduce((a, b) => a + b, 0);
    const previousCount = state ?? 0;
    return currentCount + previousCount;
  };
  const wordDstream = lines.flatMap((x) => x.split(' ')).map((x) => [x, 1]);
  return wordDstream.updateStateByKey(updateFunc);
}

/**
 * The same with the update function written in place. As in Scala, the state's type cannot come
 * from the body alone: the `state` parameter is annotated (Spark writes `updateStateByKey[Int]`).
 */
export function updateStateByKeyInline(lines: DStream<string>): void {
  const runningCounts = lines
    .flatMap((x) => x.split(' '))
    .map((x) => [x, 1])
    .updateStateByKey((values, state: number | undefined) => values.reduce((a, b) => a + b, 0) + (state ?? 0));
  const pairs: DStream<[string, number]> = runningCounts;
  pairs.print();
}

/** Window operations from the programming guide. */
export function windowedWordCounts(pairs: DStream<[string, number]>, lines: DStream<string>): void {
  // Reduce last 30 seconds of data, every 10 seconds.
  const windowedWordCounts: DStream<[string, number]> = pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(30), Seconds(10));
  windowedWordCounts.print();
  // The incremental form, with the inverse reduce function and partitions.
  const incremental: DStream<[string, number]> = lines
    .flatMap((line) => line.split(' '))
    .map((word) => [word, 1])
    .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Minutes(10), Seconds(2), 2);
  incremental.print();
  const counts: DStream<number> = lines.countByWindow(Seconds(30), Seconds(10));
  const byValue: DStream<[string, number]> = lines.countByValueAndWindow(Seconds(30), Seconds(10));
  const longest: DStream<number> = lines.map((line) => line.length).reduceByWindow((a, b) => Math.max(a, b), Seconds(30), Seconds(10));
  counts.print();
  byValue.print();
  longest.print();
}

/** Joins from the programming guide: stream-stream, windowed, and stream-dataset with transform. */
export function joins(lines1: DStream<string>, lines2: DStream<string>): void {
  const stream1 = lines1.map((line) => [line.split(',')[0] ?? '', line]);
  const stream2 = lines2.map((line) => [line.split(',')[0] ?? '', line.length]);
  const joinedStream: DStream<[string, [string, number]]> = stream1.join(stream2);
  const windowedStream1 = stream1.window(Seconds(20));
  const windowedStream2 = stream2.window(Minutes(1));
  const windowedJoin: DStream<[string, [string, number]]> = windowedStream1.join(windowedStream2);
  const outer: DStream<[string, [string | undefined, number | undefined]]> = stream1.fullOuterJoin(stream2);
  const dataset = Batch.of([
    ['a', true],
    ['b', false],
  ]).map(([key, flag]) => [String(key), Boolean(flag)]);
  const joinedWithDataset: DStream<[string, [string, boolean]]> = windowedStream1.transform((rdd) => rdd.join(dataset));
  for (const s of [joinedStream, windowedJoin, outer, joinedWithDataset]) s.print();
}

/** transform and foreachRDD from the programming guide: batch (RDD) operations inside. */
export function transformAndForeachRDD(lines: DStream<string>, spamInfo: Batch<[string, boolean]>): void {
  const wordCounts = lines.flatMap((line) => line.split(' ')).map((word) => [word, 1]).reduceByKey((a, b) => a + b);
  const cleanedDStream: DStream<[string, number]> = wordCounts.transform((rdd) =>
    rdd
      .leftOuterJoin(spamInfo)
      .filter(([, [, spam]]) => spam !== true)
      .map(([word, [count]]) => [word, count]),
  );
  cleanedDStream.foreachRDD((rdd, time) => {
    const top: [string, number][] = rdd.map(([word, count]) => [word, count * 2]).reduceByKey((a, b) => a + b).take(10);
    console.log(time, top);
  });
}

/** QueueStream.scala. */
export function queueStream(): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), appName: 'QueueStream' });
  const rddQueue: Batch<number>[] = [];
  const inputStream = ssc.queueStream(rddQueue);
  const mappedStream = inputStream.map((x) => [x % 10, 1]);
  const reducedStream: DStream<[number, number]> = mappedStream.reduceByKey((a, b) => a + b);
  reducedStream.print();
  for (let i = 1; i <= 30; i++) rddQueue.push(Batch.of(Array.from({ length: 1000 }, (_, j) => j + 1), 10));
  return ssc;
}

/** CustomReceiver.scala, reduced to its receiver and its word count. */
class CustomReceiver extends Receiver<string> {
  onStart(): void {
    this.store('hello world');
  }

  onStop(): void {}
}

/** CustomReceiver.scala's pipeline. */
export function customReceiverWordCount(ssc: StreamingContext): DStream<[string, number]> {
  const lines = ssc.receiverStream(new CustomReceiver());
  const words = lines.flatMap((x) => x.split(' '));
  return words.map((x) => [x, 1]).reduceByKey((a, b) => a + b);
}
