// The evaluator's dashboard: reads the leaderboard's interactive-query endpoints and draws plain SVG charts,
// so it works offline and without a front-end build.
'use strict';

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];
// Counters and rates in the training metrics; everything else in them is a loss term.
const NOT_LOSSES = new Set(['grad_norm', 'rollouts', 'dropped_stale', 'dead_lettered', 'response_tokens_per_second']);
const SVG = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 5000;

let selectedRun = new URLSearchParams(location.search).get('run');

function el(tag, attrs, parent) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function fmt(v, digits) {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toFixed(digits);
}

function niceRange(values) {
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) { lo -= Math.abs(lo) * 0.1 + 1e-3; hi += Math.abs(hi) * 0.1 + 1e-3; }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

/**
 * A line chart of series [{name, points: [{x, y, lo?, hi?}]}] into container; x are checkpoint versions.
 * Data attributes let tests (and scripts) read what was drawn.
 */
function lineChart(container, id, series, opts) {
  container.replaceChildren();
  const drawn = series.filter(s => s.points.length > 0);
  if (drawn.length === 0) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = opts.emptyText || 'no data yet';
    container.appendChild(p);
    return;
  }
  const W = 460, H = 240, L = 52, R = 12, T = 12, B = 34;
  const svg = el('svg', {class: 'chart', id, viewBox: `0 0 ${W} ${H}`, width: '100%',
    'data-series': drawn.length, 'data-points': drawn.reduce((n, s) => n + s.points.length, 0)}, container);
  const xs = drawn.flatMap(s => s.points.map(p => p.x));
  const ys = drawn.flatMap(s => s.points.flatMap(p => [p.y, p.lo ?? p.y, p.hi ?? p.y]));
  const [x0, x1] = xs.length === 1 || Math.min(...xs) === Math.max(...xs)
    ? [Math.min(...xs) - 1, Math.max(...xs) + 1] : [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = opts.yRange || niceRange(ys);
  const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const sy = y => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const y = y0 + (y1 - y0) * i / 4;
    el('line', {class: 'grid', x1: L, x2: W - R, y1: sy(y), y2: sy(y)}, svg);
    el('text', {x: L - 6, y: sy(y) + 4, 'text-anchor': 'end'}, svg).textContent = fmt(y, opts.digits ?? 2);
  }
  const versions = [...new Set(xs)].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(versions.length / 10));
  versions.filter((v, i) => i % step === 0).forEach(v =>
    el('text', {x: sx(v), y: H - B + 16, 'text-anchor': 'middle'}, svg).textContent = 'v' + v);
  el('text', {x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle'}, svg).textContent = 'checkpoint';
  el('line', {class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B}, svg);
  el('line', {class: 'axis', x1: L, x2: L, y1: T, y2: H - B}, svg);
  drawn.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    if (s.points.some(p => p.lo !== undefined)) {
      const upper = s.points.map(p => `${sx(p.x)},${sy(p.hi)}`);
      const lower = s.points.slice().reverse().map(p => `${sx(p.x)},${sy(p.lo)}`);
      el('polygon', {class: 'band', fill: color, points: upper.concat(lower).join(' ')}, svg);
    }
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    el('path', {class: 'series', stroke: color, d, 'data-name': s.name, 'data-points': s.points.length}, svg);
    s.points.forEach(p => {
      const c = el('circle', {class: 'point', cx: sx(p.x), cy: sy(p.y), r: 3, fill: color, 'data-version': p.x,
        'data-value': p.y}, svg);
      el('title', {}, c).textContent = `${s.name} v${p.x}: ${fmt(p.y, 4)}`;
    });
    el('text', {x: L + 8 + i * 110, y: T + 12, fill: color, style: `fill:${color}`}, svg).textContent = s.name;
  });
  if (opts.best) {
    el('circle', {class: 'best', cx: sx(opts.best.x), cy: sy(opts.best.y), r: 7, fill: 'none'}, svg);
  }
}

function reliabilityChart(container, bins) {
  container.replaceChildren();
  const used = (bins || []).filter(b => b.count > 0);
  if (used.length === 0) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'no reliability data';
    container.appendChild(p);
    return;
  }
  const W = 460, H = 240, L = 52, R = 12, T = 12, B = 34;
  const svg = el('svg', {class: 'chart', id: 'reliability', viewBox: `0 0 ${W} ${H}`, width: '100%',
    'data-bins': used.length}, container);
  const sx = x => L + x * (W - L - R);
  const sy = y => T + (1 - y) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    el('text', {x: L - 6, y: sy(i / 4) + 4, 'text-anchor': 'end'}, svg).textContent = fmt(i / 4, 2);
    el('text', {x: sx(i / 4), y: H - B + 16, 'text-anchor': 'middle'}, svg).textContent = fmt(i / 4, 2);
  }
  el('text', {x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle'}, svg).textContent = 'confidence';
  el('line', {class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B}, svg);
  el('line', {class: 'axis', x1: L, x2: L, y1: T, y2: H - B}, svg);
  used.forEach(b => {
    const r = el('rect', {class: 'bin', x: sx(b.lower) + 1, width: Math.max(1, sx(b.upper) - sx(b.lower) - 2),
      y: sy(b.accuracy), height: sy(0) - sy(b.accuracy), fill: COLORS[0], opacity: 0.75, 'data-count': b.count}, svg);
    el('title', {}, r).textContent =
      `[${fmt(b.lower, 2)}, ${fmt(b.upper, 2)}): accuracy ${fmt(b.accuracy, 3)}, confidence ${fmt(b.confidence, 3)}, n=${b.count}`;
  });
  el('line', {class: 'diagonal', x1: sx(0), y1: sy(0), x2: sx(1), y2: sy(1)}, svg);
}

function renderRuns(runs) {
  const body = document.querySelector('#runs tbody');
  body.replaceChildren();
  runs.forEach((r, i) => {
    const tr = document.createElement('tr');
    tr.dataset.run = r.runId;
    if (r.runId === selectedRun) tr.className = 'selected';
    [i + 1, r.runId, 'v' + r.best.version, `${fmt(r.best.rougeL, 2)} ± ${fmt(r.best.rougeLStd, 2)}`,
      fmt(r.best.exactMatch, 3), r.checkpoints, 'v' + r.latestVersion].forEach(v => {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    });
    tr.addEventListener('click', () => {
      selectedRun = r.runId;
      history.replaceState(null, '', '?run=' + encodeURIComponent(r.runId));
      refresh();
    });
    body.appendChild(tr);
  });
}

function renderRun(standing) {
  document.getElementById('run-detail').hidden = false;
  document.getElementById('run-name').textContent = standing.runId;
  const h = standing.history;
  lineChart(document.getElementById('chart-rougeL'), 'rougeL', [{
    name: 'Rouge-L',
    points: h.map(c => ({x: c.version, y: c.rougeL, lo: c.rougeL - c.rougeLStd, hi: c.rougeL + c.rougeLStd}))
  }], {digits: 1, best: standing.best && {x: standing.best.version, y: standing.best.rougeL}});
  lineChart(document.getElementById('chart-ece'), 'ece', [
    {name: 'token ECE', points: h.map(c => ({x: c.version, y: c.tokenEce}))},
    {name: 'option ECE', points: h.filter(c => c.ece !== null && c.ece !== undefined).map(c => ({x: c.version, y: c.ece}))}
  ], {digits: 3});
  const terms = [...new Set(h.flatMap(c => Object.keys(c.trainMetrics || {})))]
    .filter(k => !NOT_LOSSES.has(k)).sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
  lineChart(document.getElementById('chart-loss'), 'loss', terms.map(k => ({
    name: k,
    points: h.filter(c => c.trainMetrics && Number.isFinite(c.trainMetrics[k])).map(c => ({x: c.version, y: c.trainMetrics[k]}))
  })), {digits: 3, emptyText: 'no training metrics (initial checkpoints have none)'});
  reliabilityChart(document.getElementById('chart-reliability'), standing.best && standing.best.reliability);
  const body = document.querySelector('#history tbody');
  body.replaceChildren();
  h.forEach(c => {
    const tr = document.createElement('tr');
    tr.dataset.version = c.version;
    ['v' + c.version, fmt(c.rougeL, 2), fmt(c.rougeLStd, 2), fmt(c.exactMatch, 3), fmt(c.tokenEce, 4), fmt(c.ece, 4),
      fmt(c.meanLength, 1), fmt(c.distinct4, 3), fmt(c.rklToTeacher, 3), fmt(c.exAccErr, 1),
      fmt(c.trainMetrics && c.trainMetrics.loss, 4)].forEach(v => {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
}

async function getJson(url) {
  const res = await fetch(url, {cache: 'no-store'});
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `${url}: HTTP ${res.status}`);
  return body;
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    const {runs} = await getJson('leaderboard');
    if (!selectedRun && runs.length > 0) selectedRun = runs[0].runId;
    renderRuns(runs);
    if (selectedRun && runs.some(r => r.runId === selectedRun)) {
      renderRun(await getJson('leaderboard/' + encodeURIComponent(selectedRun)));
    }
    status.className = 'status';
    status.textContent = runs.length === 0 ? 'no evaluations yet' :
      `${runs.length} run(s); updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.loaded = 'true';
  } catch (e) {
    status.className = 'status error';
    status.textContent = e.message;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
