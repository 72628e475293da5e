// The Streaming page: keeps the completed batches the server retains, draws uPlot timelines and
// histograms of them, and fills the tables, from the server-sent events of /ui/events.
'use strict';

const METRICS = [
  { key: 'inputRate', label: 'records/sec', color: '#3a6ea5' },
  { key: 'schedulingDelay', label: 'ms', color: '#8e44ad' },
  { key: 'processingDelay', label: 'ms', color: '#16a085' },
  { key: 'totalDelay', label: 'ms', color: '#d35400' },
];
const TABLE_ROWS = 100;
const HISTOGRAM_BINS = 20;

const state = { app: undefined, completed: [], since: 0 };
const charts = {};
window.flintCharts = charts;

function $(id) {
  return document.getElementById(id);
}

function text(value) {
  const span = document.createElement('span');
  span.textContent = value;
  return span.innerHTML;
}

// Milliseconds are shown when batches are not whole seconds apart.
function formatTime(ms) {
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const millis = state.app && state.app.batchDuration % 1000 !== 0 ? `.${pad(d.getMilliseconds(), 3)}` : '';
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${millis}`;
}

function formatMs(ms) {
  if (ms === undefined || ms === null) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

function formatDuration(ms) {
  const s = Math.floor(ms / 1000);
  const parts = [[Math.floor(s / 3600), 'hour'], [Math.floor(s / 60) % 60, 'minute'], [s % 60, 'second']];
  const shown = parts.filter(([n], i) => n > 0 || i === 2);
  return shown.map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`).join(' ');
}

function valueOf(batch, key) {
  return key === 'inputRate' ? (batch.numRecords * 1000) / state.app.batchDuration : batch[key];
}

// Axis labels that fit: 1.5k, 200k, 3.2M.
function compact(v) {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

const compactAxis = (u, splits) => splits.map(compact);

function chartSize(el) {
  return { width: Math.max(200, el.clientWidth), height: el.clientHeight || 150 };
}

function makeTimeline(el, metric) {
  const opts = {
    ...chartSize(el),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{}, { size: 50, values: compactAxis }],
    series: [{}, { label: metric.label, stroke: metric.color, width: 1.5, fill: `${metric.color}22`, points: { show: false } }],
  };
  return new uPlot(opts, [[], []], el);
}

function makeHistogram(el, metric) {
  const opts = {
    ...chartSize(el),
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, max > 0 ? max : 1] } },
    axes: [{ size: 30, values: compactAxis }, { size: 40 }],
    series: [{}, { label: 'batches', stroke: metric.color, fill: `${metric.color}88`, paths: uPlot.paths.bars({ size: [0.9, 60] }), points: { show: false } }],
  };
  return new uPlot(opts, [[], []], el);
}

function histogram(values) {
  if (values.length === 0) return [[], []];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = max > min ? (max - min) / HISTOGRAM_BINS : 1;
  const centers = Array.from({ length: HISTOGRAM_BINS }, (_, i) => min + (i + 0.5) * width);
  const counts = new Array(HISTOGRAM_BINS).fill(0);
  for (const v of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) / width))]++;
  return [centers, counts];
}

function drawCharts() {
  const batches = state.completed;
  const xs = batches.map((b) => b.batchTime / 1000);
  for (const metric of METRICS) {
    const values = batches.map((b) => valueOf(b, metric.key));
    const timeline = $(`timeline-${metric.key}`);
    const hist = $(`histogram-${metric.key}`);
    charts[metric.key] ??= { timeline: makeTimeline(timeline, metric), histogram: makeHistogram(hist, metric) };
    charts[metric.key].timeline.setData([xs, values.map((v) => v ?? null)]);
    charts[metric.key].histogram.setData(histogram(values.filter((v) => typeof v === 'number')));
    timeline.dataset.points = String(xs.length);
    hist.dataset.points = String(values.length);
  }
}

function outputOps(batch) {
  const ops = batch.outputOperationInfos;
  const failed = ops.filter((op) => op.failureReason !== undefined).length;
  const succeeded = ops.filter((op) => op.endTime !== undefined && op.failureReason === undefined).length;
  const cell = `${succeeded}/${ops.length}${failed > 0 ? ` <span class="failed">(${failed} failed)</span>` : ''}`;
  const list = ops
    .map((op) => {
      const duration = op.startTime !== undefined && op.endTime !== undefined ? formatMs(op.endTime - op.startTime) : 'running';
      const reason = op.failureReason;
      const error = reason === undefined ? '' : `<details><summary class="failed">${text(reason.split('\n')[0])}</summary><pre>${text(reason)}</pre></details>`;
      return `<li data-op="${op.id}">${text(op.name)}: ${duration}${error}</li>`;
    })
    .join('');
  return { cell, list: `<ul class="ops">${list}</ul>` };
}

function batchRow(batch, completed) {
  const ops = outputOps(batch);
  const cells = [
    `<td data-field="batchTime">${formatTime(batch.batchTime)}</td>`,
    `<td class="num" data-field="numRecords">${batch.numRecords}</td>`,
    `<td class="num" data-field="schedulingDelay">${formatMs(batch.schedulingDelay)}</td>`,
    `<td class="num" data-field="processingDelay">${formatMs(batch.processingDelay)}</td>`,
  ];
  if (completed) cells.push(`<td class="num" data-field="totalDelay">${formatMs(batch.totalDelay)}</td>`);
  cells.push(`<td data-field="outputOps">${ops.cell}</td>`);
  cells.push(completed ? `<td>${ops.list}</td>` : `<td data-field="status">${batch.status}</td>`);
  return `<tr data-batch-time="${batch.batchTime}">${cells.join('')}</tr>`;
}

function drawTables(update) {
  const shown = state.completed.slice(-TABLE_ROWS).reverse();
  $('completed-batches').tBodies[0].innerHTML = shown.map((b) => batchRow(b, true)).join('');
  $('completed-shown').textContent = String(shown.length);
  $('completed-count').textContent = String(update.statistics.numTotalCompletedBatches);
  $('active-batches').tBodies[0].innerHTML = update.active.map((b) => batchRow(b, false)).join('');
  $('active-count').textContent = String(update.active.length);
  $('receivers').tBodies[0].innerHTML = update.receivers
    .map(
      (r) =>
        `<tr data-stream-id="${r.streamId}"><td>${text(r.streamName)}</td><td>${r.isActive ? 'ACTIVE' : 'INACTIVE'}</td>` +
        `<td class="num">${r.avgEventRate === undefined ? '-' : r.avgEventRate.toFixed(1)}</td><td class="num">${r.droppedRecords}</td>` +
        `<td>${r.lastErrorTime ?? '-'}</td><td class="failed">${text(r.lastErrorMessage ?? '-')}</td></tr>`,
    )
    .join('');
  const pool = update.pool;
  $('pool-section').hidden = !pool;
  if (pool) {
    $('pool').tBodies[0].innerHTML =
      `<tr><td class="num">${pool.threads}</td><td class="num">${pool.workers}</td><td class="num">${pool.tasksRunning}</td>` +
      `<td class="num">${pool.tasksQueued}</td><td class="num">${pool.tasksCompleted}</td><td class="num">${pool.restarts}</td></tr>`;
  }
}

function drawSummary(update) {
  const { app, statistics: s } = update;
  $('app-name').textContent = `${app.name} · ${app.id} · core ${app.core} · ${app.master}`;
  $('api-link').href = `/api/v1/applications/${encodeURIComponent(app.id)}/streaming/statistics`;
  const since = Date.parse(s.startTime.replace('GMT', 'Z'));
  const ran = (app.endTimeEpoch ?? Date.now()) - app.startTimeEpoch;
  $('summary').textContent =
    `Running batches of ${formatMs(app.batchDuration)} for ${formatDuration(ran)} since ${formatTime(since)} ` +
    `(${s.numTotalCompletedBatches} completed batches, ${s.numProcessedRecords} records)`;
  for (const metric of METRICS) {
    const avg = { inputRate: s.avgInputRate, schedulingDelay: s.avgSchedulingDelay, processingDelay: s.avgProcessingTime, totalDelay: s.avgTotalDelay }[metric.key];
    $(`avg-${metric.key}`).textContent = avg === undefined ? '-' : metric.key === 'inputRate' ? avg.toFixed(2) : String(avg);
  }
}

function apply(update) {
  state.app = update.app;
  state.completed.push(...update.completed);
  const keep = update.statistics.numRetainedCompletedBatches;
  if (state.completed.length > keep) state.completed.splice(0, state.completed.length - keep);
  state.since = update.completedTotal;
  drawSummary(update);
  if (update.completed.length > 0 || Object.keys(charts).length === 0) drawCharts();
  drawTables(update);
  document.body.dataset.completedTotal = String(update.completedTotal);
}

// EventSource reconnects by itself, but to its first URL; reconnect by hand with `since` instead.
function connect() {
  const status = $('connection');
  const events = new EventSource(`/ui/events?since=${state.since}`);
  events.onopen = () => {
    status.textContent = 'live';
    status.className = 'connection live';
  };
  events.onmessage = (message) => apply(JSON.parse(message.data));
  events.onerror = () => {
    events.close();
    status.textContent = 'disconnected; retrying';
    status.className = 'connection down';
    setTimeout(connect, 2000);
  };
}

window.addEventListener('resize', () => {
  for (const { timeline, histogram: hist } of Object.values(charts)) {
    timeline.setSize(chartSize(timeline.root.parentElement));
    hist.setSize(chartSize(hist.root.parentElement));
  }
});
connect();
