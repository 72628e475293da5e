// The Streaming page in a real browser: headless Chromium (Debian's `chromium`, driven by
// playwright-core) opens the page of a running job on each core, waits until every timeline and
// histogram has drawn the batches, follows live updates, and checks the tables against the
// listener's BatchInfo. Without Chromium it is skipped with a printed reason, as the Kafka tests
// are without librdkafka-dev, except under CI (CI set), where it fails: .ci/run installs Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, CHROMIUM_PATH, launchChromium, type Chromium } from '../bench/lib/chromium.js';
import type { BatchInfo } from '../src/index.js';
import { CORES } from './support/harness.js';
import { startUiJob } from './support/ui-job.js';

const skip = !chromiumInstalled() && (process.env.FLINT_SKIP_BROWSER === '1' || !process.env.CI);
if (skip) process.stderr.write(`SKIPPED ui-browser.test.ts: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or FLINT_CHROMIUM=path); under CI it fails instead\n`);

const METRICS = [
  { key: 'inputRate', color: [0x3a, 0x6e, 0xa5] },
  { key: 'schedulingDelay', color: [0x8e, 0x44, 0xad] },
  { key: 'processingDelay', color: [0x16, 0xa0, 0x85] },
  { key: 'totalDelay', color: [0xd3, 0x54, 0x00] },
];

/** The page's text for a delay, as streaming.js writes it. */
const ms = (v: number | undefined): string => (v === undefined ? '-' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(v < 10000 ? 2 : 1)} s`);

describe.skipIf(skip)('Streaming page in headless Chromium', () => {
  let browser: Chromium;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it.each(CORES)('draws the charts and the batch tables from a running job, live (%s core)', async (core) => {
    const job = await startUiJob(core, { batches: 8, failAt: [5000] });
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => void pageErrors.push(error.message));
    try {
      await job.runBatches(3);
      await page.goto(`${job.url}/streaming/`);
      await page.waitForSelector('#timeline-totalDelay[data-points="3"]');
      await page.waitForSelector('#connection.live');
      // Batches completed while the page is open reach it by its event stream.
      await job.runBatches(5);
      await page.waitForSelector('body[data-completed-total="8"]');
      for (const { key } of METRICS) {
        await page.waitForSelector(`#timeline-${key}[data-points="8"]`);
        await page.waitForSelector(`#histogram-${key}[data-points="8"]`);
      }

      // Each chart holds the batches' values, and its series was painted on the canvas: pixels of
      // the series' colour are there (axes and grid are grey).
      const drawn = await page.evaluate((metrics) => {
        const charts = (globalThis as any).flintCharts;
        return metrics.map(({ key, color }) => {
          const painted = (u: any): number => {
            const canvas = u.ctx.canvas;
            const { data } = u.ctx.getImageData(0, 0, canvas.width, canvas.height);
            let n = 0;
            for (let i = 0; i < data.length; i += 4) {
              if (data[i + 3] > 200 && Math.abs(data[i] - color[0]) + Math.abs(data[i + 1] - color[1]) + Math.abs(data[i + 2] - color[2]) < 40) n++;
            }
            return n;
          };
          const { timeline, histogram } = charts[key];
          return { key, xs: timeline.data[0], ys: timeline.data[1], bins: histogram.data[1], timelinePixels: painted(timeline), histogramPixels: painted(histogram) };
        });
      }, METRICS);
      const completed: BatchInfo[] = job.completed;
      expect(completed).toHaveLength(8);
      const expectedValues: Record<string, (b: BatchInfo) => number | undefined> = {
        inputRate: (b) => b.numRecords,
        schedulingDelay: (b) => b.schedulingDelay,
        processingDelay: (b) => b.processingDelay,
        totalDelay: (b) => b.totalDelay,
      };
      for (const chart of drawn) {
        expect(chart.xs, chart.key).toEqual(completed.map((b) => b.batchTime / 1000));
        expect(chart.ys, chart.key).toEqual(completed.map(expectedValues[chart.key]!));
        expect(chart.bins.reduce((a: number, b: number) => a + b, 0), chart.key).toBe(8);
        expect(chart.timelinePixels, `${chart.key} timeline painted`).toBeGreaterThan(20);
        expect(chart.histogramPixels, `${chart.key} histogram painted`).toBeGreaterThan(20);
      }

      // The completed batches table, newest first, against the listener's BatchInfo.
      const rows = await page.$$eval('#completed-batches tbody tr', (trs) =>
        trs.map((tr) => ({
          batchTime: Number((tr as any).dataset.batchTime),
          cells: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [(td as any).dataset.field, td.textContent!.trim()])),
          ops: [...tr.querySelectorAll('li[data-op]')].map((li) => li.textContent!.trim()),
        })),
      );
      expect(rows.map((r) => r.batchTime)).toEqual(completed.map((b) => b.batchTime).reverse());
      for (const row of rows) {
        const b = completed.find((c) => c.batchTime === row.batchTime)!;
        const failed = b.outputOperationInfos.filter((op) => op.failureReason !== undefined).length;
        const succeeded = b.outputOperationInfos.length - failed;
        expect(row.cells).toMatchObject({
          numRecords: String(b.numRecords),
          schedulingDelay: ms(b.schedulingDelay),
          processingDelay: ms(b.processingDelay),
          totalDelay: ms(b.totalDelay),
          outputOps: `${succeeded}/${b.outputOperationInfos.length}${failed > 0 ? ` (${failed} failed)` : ''}`,
        });
        expect(row.ops.map((op) => op.split(':')[0])).toEqual(b.outputOperationInfos.map((op) => op.name));
        if (b.batchTime === 5000) expect(row.ops[1]).toContain('output failed on purpose at 5000');
      }

      const summary = await page.textContent('#summary');
      expect(summary).toContain(`${completed.length} completed batches, ${completed.reduce((n, b) => n + b.numRecords, 0)} records`);
      expect(await page.textContent('#receivers tbody')).toContain('QueueInputDStream');
      expect(await page.textContent('#active-count')).toBe('0');
      expect(await page.isVisible('#pool-section')).toBe(core === 'wasm');
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
      await job.ssc.stop();
    }
  });
});
