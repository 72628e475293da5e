// A live viewer of the web UI, run as its own process so its parsing costs the job nothing: it
// follows the page's server-sent events and fetches what a page and a scraper fetch each second
// (statistics, batches, /metrics), until its parent disconnects. It reports what it got.
const base = process.argv[2]!;

let events = 0;
let polls = 0;
let failures = 0;

async function follow(): Promise<void> {
  const res = await fetch(`${base}/ui/events`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += decoder.decode(value, { stream: true });
    for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
      JSON.parse(text.slice('data: '.length, end));
      events++;
      text = text.slice(end + 2);
    }
  }
}

async function poll(): Promise<void> {
  const [app] = (await (await fetch(`${base}/api/v1/applications`)).json()) as { id: string }[];
  const api = `${base}/api/v1/applications/${app!.id}/streaming`;
  for (;;) {
    const started = Date.now();
    try {
      await Promise.all([`${api}/statistics`, `${api}/batches`, `${base}/metrics`].map(async (url) => (await fetch(url)).text()));
      polls++;
    } catch {
      failures++;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))));
  }
}

process.on('disconnect', () => {
  process.stdout.write(`${JSON.stringify({ events, polls, failures })}\n`);
  process.exit(0);
});
void follow().catch(() => failures++);
void poll().catch(() => failures++);
