// The results hub's pages (computellm hub; docs/api.md "Results hub"), by URL hash:
//   #leaderboard              the filters become the query of GET /api/leaderboard, the rows a table; rows picked
//                             with their checkbox open the comparison
//   #machine/FP               GET /api/machines/FP: the hardware (the newest file's, as the GUI shows a machine) and
//                             every run over time, a table and decode t/s per model on a chart
//   #compare/ID/FP,ID/FP,...  GET /api/compare: the GUI's comparison (compare.js: hardware side by side, charts,
//                             ratios and the Welch / Fieller verdict column), computed by the server
// Numbers in the page's language, unknown ones as an em dash; EN/FR through i18n.js; theme as the GUI's.
import {categoryLineChart, chartCard} from './charts.js';
import {comparisonView} from './compare.js';
import {applyI18n, getLang, machineLabel, num, onLangChange, serverError, setLang, t, unitText} from './i18n.js';
import {h, kv, toast} from './ui.js';

const form = document.getElementById('filters');
const body = document.querySelector('#board tbody');
const status = document.getElementById('status');
const pages = ['leaderboard', 'machine', 'compare'];
const picked = new Map();   // "ID/FP" → row label, kept across filter changes
let rows = [];
let machine = null, machineError = null;
let cmp = null, cmpKeys = [], cmpError = null;
let current = 'leaderboard';

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function getJson(url) {
  const res = await fetch(url, {credentials: 'same-origin'});
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (res.status === 401) throw new HttpError(401, t('hub.unauthorized'));
  if (!res.ok) throw new HttpError(res.status, serverError((data && data.error) || `HTTP ${res.status}`));
  return data;
}

const rowKey = r => `${r.result_id}/${r.machine}`;
const day = ts => (ts || '').slice(0, 10);

// ---- leaderboard ----

// The form as the API's query; "until" is inclusive in the page (the API's is exclusive: the next day).
function query() {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) {
    if (!v) continue;
    if (k === 'until') {
      const d = new Date(`${v}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1);
      q.set(k, d.toISOString().slice(0, 10));
    } else q.set(k, v);
  }
  return q.toString();
}

function markPicked() {
  document.getElementById('picked').textContent = picked.size ? t('hub.picked', {n: picked.size}) : '';
}

function renderBoard() {
  body.replaceChildren();
  status.textContent = rows.length ? t('hub.count', {n: rows.length}) : t('hub.empty');
  for (const r of rows) {
    const key = rowKey(r);
    const box = h('input', {type: 'checkbox', class: 'pick', 'aria-label': t('hub.pick_row', {model: r.model, host: r.hostname, date: day(r.timestamp)}),
      dataset: {key}, checked: picked.has(key),
      onchange: e => { if (e.target.checked) picked.set(key, r); else picked.delete(key); markPicked(); }});
    body.appendChild(h('tr', {dataset: {key, machine: r.machine}},
      h('td', {}, box),
      h('td', {class: 'n'}, r.rank ?? ''),
      h('td', {}, r.model, r.synthetic ? h('span', {class: 'muted'}, ` (${t('hub.synthetic_yes')})`) : null),
      h('td', {}, r.quant), h('td', {}, r.backend),
      h('td', {class: 'n', dataset: {col: 'score'}}, num(r.score, 0)),
      h('td', {class: 'n', dataset: {col: 'decode'}}, num(r.decode_tps, 1)),
      h('td', {class: 'n', dataset: {col: 'prompt'}}, num(r.prompt_tps, 1)),
      h('td', {class: 'n', dataset: {col: 'ttft'}}, num(r.ttft_ms, 1)),
      h('td', {class: 'n', dataset: {col: 'jpt'}}, num(r.j_per_token, 3)),
      h('td', {}, h('a', {href: `#machine/${r.machine}`, class: 'machine'}, r.hostname), h('br'),
        h('span', {class: 'muted small'}, r.cpu)),
      h('td', {}, r.gpu_name || (r.gpu_vendor === 'none' ? t('common.none') : r.gpu_vendor)),
      h('td', {}, r.os),
      h('td', {}, h('time', {datetime: r.timestamp}, day(r.timestamp)))));
  }
  markPicked();
}

// The datalists of the filter boxes: the values the unfiltered board has.
function fillLists(all) {
  for (const k of ['backend', 'gpu_vendor', 'os'])
    document.getElementById(`dl-${k}`).replaceChildren(...[...new Set(all.map(r => r[k]))].sort().map(v => h('option', {value: v})));
}

async function loadBoard() {
  const q = query();
  document.getElementById('csv').href = '/api/leaderboard.csv' + (q ? '?' + q : '');
  status.textContent = t('common.loading');
  try {
    const data = await getJson('/api/leaderboard' + (q ? '?' + q : ''));
    rows = data.rows;
    if (!q) fillLists(rows);
    renderBoard();
  } catch (e) {
    rows = [];
    body.replaceChildren();
    status.textContent = e.status === 401 ? e.message : t('common.error', {msg: e.message});
  }
}

form.addEventListener('submit', e => { e.preventDefault(); loadBoard(); });
form.addEventListener('reset', () => setTimeout(loadBoard));
document.getElementById('compare').addEventListener('click', () => {
  if (picked.size < 2) { toast(t('hub.compare_need')); return; }
  location.hash = `#compare/${[...picked.keys()].join(',')}`;
});

// ---- machine page ----

function hardwareList(view) {
  if (!view?.length) return h('p', {class: 'muted'}, t('hub.no_hardware'));
  return kv(view.map(r => [machineLabel(r.key), r.value == null ? t('common.unknown')
    : r.key === 'gpu' ? (r.value === 'none' ? t('common.none') : `${r.value}${r.vram != null ? ` · ${num(r.vram, 1)} ${unitText('GiB')}` : ''}`)
      : typeof r.value === 'number' ? `${num(r.value, r.digits)}${r.unit ? ` ${unitText(r.unit)}` : ''}` : r.value]));
}

const RUN_COLS = ['hub.date', 'hub.model', 'hub.quant', 'hub.backend', 'hub.score', 'hub.decode', 'hub.prompt', 'hub.ttft',
  'hub.jpt', 'hub.result'];

function runsTable(runs) {
  const row = r => h('tr', {dataset: {key: rowKey(r)}},
    h('td', {}, h('time', {datetime: r.timestamp}, r.timestamp.replace('T', ' ').slice(0, 19))),
    h('td', {}, r.model, r.synthetic ? h('span', {class: 'muted'}, ` (${t('hub.synthetic_yes')})`) : null),
    h('td', {}, r.quant), h('td', {}, r.backend),
    h('td', {class: 'n'}, num(r.score, 0)), h('td', {class: 'n'}, num(r.decode_tps, 1)),
    h('td', {class: 'n'}, num(r.prompt_tps, 1)), h('td', {class: 'n'}, num(r.ttft_ms, 1)),
    h('td', {class: 'n'}, num(r.j_per_token, 3)),
    h('td', {}, h('a', {href: `/api/results/${encodeURIComponent(r.result_id)}/${r.machine}`,
      download: `${r.result_id}.json`}, r.result_id)));
  return h('table', {id: 'machine-runs'},
    h('thead', {}, h('tr', {}, RUN_COLS.map((k, i) => h('th', {scope: 'col', class: i >= 4 && i <= 8 ? 'n' : ''}, t(k))))),
    h('tbody', {}, runs.map(row)));
}

function renderMachine(el) {
  if (machineError) { el.replaceChildren(h('p', {class: 'bad', role: 'alert'}, t('common.error', {msg: machineError}))); return; }
  if (!machine) { el.replaceChildren(h('p', {role: 'status'}, t('common.loading'))); return; }
  const m = machine;
  const runs = m.runs;
  // one series per model × quant × backend, decode t/s at each submitted file's time
  const times = [...new Set(runs.map(r => r.timestamp))];
  const groups = new Map();
  for (const r of runs) {
    const g = `${r.model} ${r.quant} ${r.backend}`;
    if (!groups.has(g)) groups.set(g, new Map());
    groups.get(g).set(r.timestamp, r.decode_tps);
  }
  const labels = times.map(ts => new Date(ts).toLocaleString(getLang(), {dateStyle: 'short', timeStyle: 'medium'}));
  const charts = h('div', {class: 'grid'});
  el.replaceChildren(
    h('p', {}, h('a', {href: '#leaderboard'}, `← ${t('hub.back')}`)),
    h('h2', {id: 'machine-name'}, m.hostname),
    h('p', {class: 'muted'}, t('hub.fingerprint', {fp: m.machine}), ' · ', t('hub.runs_count', {n: m.count})),
    h('div', {class: 'card', id: 'machine-hw'}, h('h3', {}, t('hub.hardware')),
      m.hardware_from ? h('p', {class: 'muted small'}, t('hub.hardware_from', {id: m.hardware_from})) : null,
      hardwareList(m.hardware)),
    charts,
    h('div', {class: 'card'}, h('h3', {}, t('hub.runs_over_time')), h('div', {class: 'scroll'}, runsTable(runs))));
  chartCard(charts, `${t('hub.decode_over_time')} (${unitText('tokens/s')})`, 'machine-decode', runs.length > 0,
    c => categoryLineChart(c, labels, [...groups].map(([g, byTime]) => ({label: g, unit: unitText('tokens/s'),
      data: times.map(ts => byTime.get(ts) ?? null)})), {unit: unitText('tokens/s')}));
}

async function loadMachine(fp) {
  machine = machineError = null;
  renderMachine(document.getElementById('page-machine'));
  try { machine = await getJson(`/api/machines/${encodeURIComponent(fp)}`); } catch (e) { machineError = e.message; }
  renderMachine(document.getElementById('page-machine'));
}

// ---- comparison ----

const compareUrl = (baseline, format) =>
  `/api/compare?results=${encodeURIComponent(cmpKeys.join(','))}&baseline=${baseline}&format=${format}`;

function renderCompare(el) {
  if (cmpError) { el.replaceChildren(h('p', {class: 'bad', role: 'alert'}, t('common.error', {msg: cmpError}))); return; }
  if (!cmp) { el.replaceChildren(h('p', {role: 'status'}, t('common.loading'))); return; }
  const view = comparisonView(cmp, {machines: cmp.hardware, onBaseline: i => loadCompare(cmpKeys, i), onExport: exportCompare});
  // the page's h1 already says "Comparison": the view's own title says what is compared
  const h2 = view.querySelector('h2');
  if (h2) h2.textContent = t('hub.compared', {n: cmp.machines.length});
  el.replaceChildren(h('p', {}, h('a', {href: '#leaderboard'}, `← ${t('hub.back')}`)), view);
}

async function exportCompare() {
  try {
    const res = await fetch(compareUrl(cmp.baseline, 'csv'), {credentials: 'same-origin'});
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const a = h('a', {href: URL.createObjectURL(await res.blob()), download: 'comparison.csv'});
    document.body.appendChild(a); a.click(); a.remove();
  } catch (e) { toast(t('common.error', {msg: e.message})); }
}

async function loadCompare(keys, baseline = 0) {
  cmpKeys = keys;
  cmpError = null;
  if (!cmp) renderCompare(document.getElementById('page-compare'));
  try { cmp = await getJson(compareUrl(baseline, 'json')); } catch (e) { cmp = null; cmpError = e.message; }
  renderCompare(document.getElementById('page-compare'));
}

// ---- pages ----

function heading() {
  const key = {leaderboard: 'hub.leaderboard', machine: 'hub.machine_page', compare: 'hub.compare_page'}[current];
  document.getElementById('page-h1').textContent = t(key);
  document.title = `${t(key)} · ${t('hub.title')}`;
}

// #leaderboard, #machine/FP, #compare/ID/FP,ID/FP
function show() {
  const [page, ...rest] = location.hash.slice(1).split('/');
  current = pages.includes(page) ? page : 'leaderboard';
  document.getElementById('toast').hidden = true;   // a message of the page left behind
  const arg = decodeURIComponent(rest.join('/'));
  for (const p of pages) document.getElementById(`page-${p}`).hidden = p !== current;
  const nav = document.querySelector('header nav a');
  if (current === 'leaderboard') nav.setAttribute('aria-current', 'page'); else nav.removeAttribute('aria-current');
  heading();
  if (current === 'machine') loadMachine(arg);
  else if (current === 'compare') { cmp = null; loadCompare(arg.split(',').filter(Boolean)); }
}

function markLang() {
  document.querySelectorAll('header .lang button').forEach(b => {
    b.classList.toggle('active', b.dataset.lang === getLang());
    b.setAttribute('aria-pressed', String(b.dataset.lang === getLang()));
  });
  document.querySelectorAll('[data-i18n-aria]').forEach(el => el.setAttribute('aria-label', t(el.dataset.i18nAria)));
}

// Theme: system (no choice stored) → light → dark → system, as the GUI's (theme.js applies the choice early).
const THEMES = ['auto', 'light', 'dark'];
const theme = () => document.documentElement.dataset.theme || 'auto';
function markTheme() {
  const b = document.getElementById('theme');
  b.setAttribute('aria-label', t(`theme.${theme()}`));
  b.title = t(`theme.${theme()}`);
  b.textContent = {auto: '◐', light: '☀', dark: '☾'}[theme()];
}
function redraw() {
  renderBoard();
  if (current === 'machine') renderMachine(document.getElementById('page-machine'));
  if (current === 'compare') renderCompare(document.getElementById('page-compare'));
}
document.getElementById('theme').addEventListener('click', () => {
  const next = THEMES[(THEMES.indexOf(theme()) + 1) % THEMES.length];
  if (next === 'auto') { delete document.documentElement.dataset.theme; localStorage.removeItem('computellm.theme'); }
  else { document.documentElement.dataset.theme = next; localStorage.setItem('computellm.theme', next); }
  markTheme();
  redraw();
});
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { if (theme() === 'auto') redraw(); });
document.querySelectorAll('[data-lang]').forEach(b => b.addEventListener('click', () => setLang(b.dataset.lang)));
onLangChange(() => { markLang(); markTheme(); applyI18n(); heading(); redraw(); });
window.addEventListener('hashchange', show);
markLang();
markTheme();
applyI18n();
show();
loadBoard();
