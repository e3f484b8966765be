'use strict';
// The review page. Model outputs are untrusted: every text from the API is set with textContent, never as markup,
// and the Content-Security-Policy forbids inline scripts, so nothing a model writes can run here.

const state = {
  token: sessionStorage.getItem('quantwatch-token') || '',
  model: '', candidate: '', task: '*', tenant: '*', hours: 24,
  filter: { candidate: '', task: '', tenant: '', json: '', window: '', label: '' },
  selected: new Set(),
};

const LABELS = ['regression', 'acceptable', 'noise', 'needs-second-look'];
const RATES = [
  ['identical', 'identical answers'], ['same_top1', 'same top-1 token'], ['json_broken', 'JSON broken'],
  ['eos_early', 'stopped early'], ['eos_late', 'ran late'],
];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

async function api(path, options) {
  const headers = Object.assign({}, (options || {}).headers);
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  const r = await fetch(path, Object.assign({}, options, { headers }));
  if (r.status === 401) { askToken(); throw new Error('this page needs its token'); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || body.title || r.statusText);
  return body;
}

function askToken() {
  const input = el('input', { type: 'password', id: 'token', placeholder: 'review.token' });
  const app = document.getElementById('app');
  app.replaceChildren(el('p', { text: 'This review page needs its token.' }), input,
    el('button', { text: 'Open', onclick: () => { state.token = input.value; sessionStorage.setItem('quantwatch-token', input.value); start(); } }));
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  return q.toString();
}

function time(ms) { return new Date(ms).toISOString().replace('T', ' ').slice(0, 16); }
function pct(v) { return v == null ? '–' : (100 * v).toFixed(1) + ' %'; }

async function start() {
  const candidates = await api('/api/candidates');
  const status = await api('/api/status');
  document.getElementById('status').textContent =
    `ingestion ${status.state} · stored ${status.stored} · replayed ${status.duplicates} · undecodable ${status.malformed}`
    + (status.lastProblem ? ` · last problem: ${status.lastProblem}` : '');
  if (!state.model && candidates.length) state.model = candidates[0].model;
  const app = document.getElementById('app');
  app.replaceChildren(pickers(candidates), el('section', { id: 'timeline' }), el('section', { id: 'queue' }),
    el('section', { id: 'sample' }));
  await Promise.all([timeline(), queue()]);
}

function select(id, values, current, onchange) {
  const s = el('select', { id, onchange: (e) => onchange(e.target.value) });
  for (const [value, label] of values) {
    const o = el('option', { value, text: label });
    if (value === current) o.selected = true;
    s.append(o);
  }
  return s;
}

function pickers(candidates) {
  const models = [...new Set(candidates.map((c) => c.model))];
  const names = [...new Set(candidates.filter((c) => c.model === state.model).map((c) => c.candidate))];
  const input = (id, key) => el('input', { id, value: state[key], size: 10, onchange: (e) => { state[key] = e.target.value || '*'; timeline(); } });
  return el('nav', {},
    el('label', { text: 'model ' }, select('model', models.map((m) => [m, m]), state.model, (v) => { state.model = v; start(); })),
    el('label', { text: ' candidate ' }, select('candidate', [['', 'all'], ...names.map((n) => [n, n])], state.candidate,
      (v) => { state.candidate = v; state.filter.candidate = v; timeline(); queue(); })),
    el('label', { text: ' task ' }, input('task', 'task')),
    el('label', { text: ' tenant ' }, input('tenant', 'tenant')),
    el('label', { text: ' last ' }, select('hours', [['6', '6 h'], ['24', '24 h'], ['168', '7 days']], String(state.hours),
      (v) => { state.hours = Number(v); timeline(); })));
}

async function timeline() {
  const to = Date.now();
  const t = await api('/api/timeline?' + query({ model: state.model, candidate: state.candidate, task: state.task,
    tenant: state.tenant, from: to - state.hours * 3600e3, to }));
  const box = document.getElementById('timeline');
  box.replaceChildren(el('h2', { text: 'Timeline' }));
  const byCandidate = {};
  for (const w of t.windows) (byCandidate[w.candidate] = byCandidate[w.candidate] || []).push(w);
  for (const [candidate, windows] of Object.entries(byCandidate)) {
    const counts = t.labels[candidate] || {};
    box.append(el('h3', { text: `${candidate} — verdict ${windows[windows.length - 1].verdict}` }),
      el('p', { class: 'labels', text: 'labels: ' + (LABELS.map((l) => `${l} ${counts[l] || 0}`).join(' · ')) }));
    const xs = windows.map((w) => w.window_end / 1000);
    const alerts = t.alerts.filter((a) => a.candidate === candidate);
    // FIRING (red) and RESOLVED (green) transitions as vertical lines on every chart of the candidate.
    const markers = { draw: [(u) => {
      const ctx = u.ctx;
      for (const a of alerts) {
        const x = u.valToPos(a.window_end / 1000, 'x', true);
        ctx.save();
        ctx.strokeStyle = a.state === 'FIRING' ? '#c00' : '#080';
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.restore();
      }
    }] };
    for (const [key, title] of RATES) {
      const v = windows.map((w) => w[key].value), lo = windows.map((w) => w[key].lower), hi = windows.map((w) => w[key].upper);
      const div = el('div', { class: 'chart', 'data-metric': key });
      box.append(div);
      if (window.uPlot) {
        new uPlot({ title: `${title} (Wilson 95 % band)`, width: 520, height: 160,
          series: [{}, { label: title, stroke: '#1f5fbf' }, { label: 'lower', stroke: '#9bb' }, { label: 'upper', stroke: '#9bb' }],
          bands: [{ series: [3, 2], fill: 'rgba(31,95,191,0.12)' }],
          scales: { y: { range: [0, 1] } }, hooks: markers }, [xs, v, lo, hi], div);
      }
    }
    const kl = el('div', { class: 'chart', 'data-metric': 'kl' });
    box.append(kl);
    if (window.uPlot) {
      new uPlot({ title: 'KL(reference ‖ candidate), nats', width: 520, height: 160,
        series: [{}, { label: 'mean', stroke: '#b05' }, { label: 'p95', stroke: '#e9a' }], hooks: markers },
      [xs, windows.map((w) => w.mean_kl), windows.map((w) => w.kl_p95)], kl);
      const verdicts = ['INSUFFICIENT_DATA', 'SAFE', 'WATCH', 'STOP_AND_RECONSIDER'];
      const verdict = el('div', { class: 'chart', 'data-metric': 'verdict' });
      box.append(verdict);
      new uPlot({ title: 'verdict (0 insufficient data, 1 safe, 2 watch, 3 stop)', width: 520, height: 160,
        series: [{}, { label: 'verdict', stroke: '#333', paths: uPlot.paths.stepped({ align: 1 }) }],
        scales: { y: { range: [0, 3] } }, hooks: markers },
      [xs, windows.map((w) => verdicts.indexOf(w.verdict))], verdict);
    }
    box.append(el('ul', { class: 'alerts' }, ...alerts.map((a) => el('li', { class: a.state === 'FIRING' ? 'firing' : 'resolved',
      text: `${a.state} ${a.rule} ${a.task}/${a.tenant} at ${time(a.window_end)}: ${a.value} (threshold ${a.threshold}, ${a.samples} samples)` }))));
  }
  if (!t.windows.length) box.append(el('p', { text: 'No closed windows in this range yet.' }));
}

async function queue() {
  const f = state.filter;
  const rows = await api('/api/samples?' + query({ model: state.model, candidate: f.candidate, task: f.task, tenant: f.tenant,
    json: f.json, window: f.window, label: f.label, limit: 200 }));
  const box = document.getElementById('queue');
  const field = (key, placeholder) => el('input', { id: 'filter-' + key, placeholder, value: f[key], size: 12,
    onchange: (e) => { f[key] = e.target.value; queue(); } });
  const labelFilter = select('filter-label', [['', 'any label'], ['unlabelled', 'unlabelled'], ...LABELS.map((l) => [l, l])], f.label,
    (v) => { f.label = v; queue(); });
  state.selected.clear();
  const table = el('table', { id: 'samples' }, el('tr', {}, ...['', 'candidate', 'task', 'tenant', 'window', 'JSON', 'first divergence', 'KL', 'label', 'candidate output']
    .map((h) => el('th', { text: h }))));
  for (const s of rows) {
    const check = el('input', { type: 'checkbox', onchange: (e) => e.target.checked ? state.selected.add(s.id) : state.selected.delete(s.id) });
    table.append(el('tr', { class: 'sample', 'data-id': s.id, onclick: (e) => { if (e.target !== check) open(s.id); } },
      el('td', {}, check), el('td', { text: s.candidate }), el('td', { text: s.task }), el('td', { text: s.tenant }),
      el('td', { text: time(s.window_end) }), el('td', { text: s.json_failure }), el('td', { text: `token ${s.first_divergent_token}` }),
      el('td', { text: s.mean_kl == null ? '–' : s.mean_kl.toFixed(4) }), el('td', { class: 'label', text: s.label || '' }),
      el('td', { class: 'preview', text: s.preview })));
  }
  box.replaceChildren(el('h2', { text: `Queue (${rows.length}, worst first)` }),
    el('div', { class: 'filters' }, field('task', 'task'), field('tenant', 'tenant'), field('json', 'JSON class'),
      field('window', 'window end (ISO)'), labelFilter,
      el('button', { id: 'export-jsonl', text: 'export JSONL', onclick: () => download('/api/export.jsonl', 'quantwatch-labels.jsonl') }),
      el('button', { id: 'export-csv', text: 'export CSV', onclick: () => download('/api/export.csv', 'quantwatch-labels.csv') })),
    labelForm(() => [...state.selected], 'bulk'), table);
}

/** Downloads an export through fetch, so the token goes with it. */
async function download(path, name) {
  const headers = state.token ? { Authorization: 'Bearer ' + state.token } : {};
  const r = await fetch(path + '?' + query({ model: state.model, candidate: state.filter.candidate }), { headers });
  const a = el('a', { href: URL.createObjectURL(await r.blob()), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function labelForm(ids, id) {
  const label = select(id + '-label', LABELS.map((l) => [l, l]), 'regression', () => {});
  const reviewer = el('input', { id: id + '-reviewer', placeholder: 'your name', value: localStorage.getItem('quantwatch-reviewer') || '' });
  const note = el('input', { id: id + '-note', placeholder: 'note', size: 30 });
  const result = el('span', { class: 'result' });
  const save = el('button', { id: id + '-save', text: id === 'bulk' ? 'Label selected' : 'Save label', onclick: async () => {
    localStorage.setItem('quantwatch-reviewer', reviewer.value);
    try {
      const r = await api('/api/labels', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ids: ids(), label: label.value, reviewer: reviewer.value, note: note.value }) });
      result.textContent = `labelled ${r.labelled}`;
      await queue();
    } catch (e) { result.textContent = e.message; }
  } });
  return el('div', { class: 'label-form' }, label, reviewer, note, save, result);
}

/** Both texts pretty-printed when both are JSON; else both as they came, so their characters still line up. */
function display(reference, candidate) {
  try {
    return [JSON.stringify(JSON.parse(reference), null, 2), JSON.stringify(JSON.parse(candidate), null, 2)];
  } catch (e) {
    return [reference, candidate];
  }
}

function commonPrefix(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The text with the shared prefix dimmed and the first divergent character marked. */
function marked(text, prefix, id) {
  return el('pre', { id }, el('span', { class: 'common', text: text.slice(0, prefix) }),
    el('mark', { class: 'divergence', text: text.slice(prefix, prefix + 1) }), el('span', { text: text.slice(prefix + 1) }));
}

async function open(id) {
  const s = await api('/api/samples/' + encodeURIComponent(id));
  const [ref, cand] = display(s.reference_text, s.candidate_text);
  const prefix = commonPrefix(ref, cand);
  const box = document.getElementById('sample');
  box.replaceChildren(el('h2', { text: `Sample ${s.request_id} — ${s.candidate} ${s.task}/${s.tenant}` }),
    el('p', { class: 'figures', text: `JSON ${s.json_failure} · first divergent token ${s.first_divergent_token} · mean KL ${s.mean_kl}`
      + ` · badness ${s.badness} · window ${time(s.window_end)}${s.redacted ? ' · redacted' : ''}` }),
    el('p', { id: 'current-label', text: s.label ? `label: ${s.label} by ${s.reviewer}${s.note ? ' — ' + s.note : ''}` : 'not labelled' }),
    el('div', { class: 'side-by-side' },
      el('div', {}, el('h3', { text: 'reference' }), marked(ref, prefix, 'reference-text')),
      el('div', {}, el('h3', { text: 'candidate' }), marked(cand, prefix, 'candidate-text'))),
    labelForm(() => [s.id], 'one'));
  box.scrollIntoView();
}

document.addEventListener('DOMContentLoaded', () => start().catch((e) => {
  document.getElementById('app').textContent = 'Cannot load: ' + e.message;
}));
