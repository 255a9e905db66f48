// Page 3: the results list, one result's charts (classic, LLM, comparison phases, serving load), multi-result
// comparison, import and export.
import {api} from '../api.js';
import {barChart, chartBox, chartCard, lineChart} from '../charts.js';
import {comparisonView} from '../compare.js';
import {num, t} from '../i18n.js';
import {appendPhases} from '../phases.js';
import {appendServing} from '../serving.js';
import {h, toast} from '../ui.js';

const state = {list: [], error: null, selected: new Set(), detail: null, detailName: null, cmp: null,
               cmpNames: null, monitorPhase: null};
const cache = new Map();
let root;

export async function mount(el) {
  root = el;
  await reload();
}

export function shown() { reload(); }

async function reload() {
  try { state.list = await api.results(); state.error = null; } catch (e) { state.error = e.message; }
  render();
}

async function load(name) {
  if (!cache.has(name)) cache.set(name, await api.result(name));
  return cache.get(name);
}

async function showDetail(name) {
  try {
    state.detail = await load(name);
    state.detailName = name;
    state.monitorPhase = null;
    render();
    root.querySelector('#detail')?.scrollIntoView({behavior: 'smooth'});
  } catch (e) { toast(t('common.error', {msg: e.message})); }
}

// The server builds the table from the files by name (POST /api/compare): the browser loads none of them.
async function compare() {
  const names = [...state.selected];
  if (names.length < 2) { toast(t('res.compare_need')); return; }
  try {
    state.cmp = await api.compare(names, 0);
    state.cmpNames = names;
    render();
    root.querySelector('#comparison')?.scrollIntoView({behavior: 'smooth'});
  } catch (e) { toast(t('common.error', {msg: e.message})); }
}

async function setBaseline(i) {
  try {
    state.cmp = await api.compare(state.cmpNames, i);
  } catch (e) { toast(t('common.error', {msg: e.message})); }
  render();
}

async function exportComparison() {
  try {
    download('comparison.csv', await api.compare(state.cmpNames, state.cmp.baseline, 'csv'), 'text/csv');
  } catch (e) { toast(t('common.error', {msg: e.message})); }
}

async function importFile(ev) {
  const file = ev.target.files[0];
  if (!file) return;
  try {
    const r = await api.importResult(await file.text());
    toast(t('res.imported', {name: r.name}));
    await reload();
  } catch (e) { toast(t('common.error', {msg: e.message})); }
  ev.target.value = '';
}

async function remove(name) {
  if (!confirm(t('res.delete_confirm', {name}))) return;
  try {
    await api.deleteResult(name);
    cache.delete(name);
    state.selected.delete(name);
    if (state.detailName === name) state.detail = null;
    await reload();
  } catch (e) { toast(t('common.error', {msg: e.message})); }
}

function download(filename, text, type) {
  const a = h('a', {href: URL.createObjectURL(new Blob([text], {type})), download: filename});
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function render(el = root) {
  if (!el) return;
  el.replaceChildren(
    h('div', {class: 'card'}, h('h3', {}, t('res.list')),
      state.error ? h('p', {class: 'bad'}, t('common.error', {msg: state.error})) : listTable(),
      h('div', {class: 'row', style: 'margin-top:.8em'},
        h('button', {id: 'compare', onclick: compare}, t('res.compare')),
        h('label', {}, t('res.import'), ' ', h('input', {type: 'file', id: 'import', accept: '.json,application/json',
          onchange: importFile})))),
    ...(state.detail ? [detailView()] : []),
    ...(state.cmp ? [comparisonView(state.cmp, {onBaseline: setBaseline, onExport: exportComparison})] : []),
  );
}

function listTable() {
  if (!state.list.length) return h('p', {class: 'muted'}, t('res.empty'));
  return h('table', {id: 'results-list'},
    h('tr', {}, h('th', {}, ''), h('th', {}, t('res.name')), h('th', {}, t('res.date')), h('th', {}, t('res.cpu')),
      h('th', {}, t('res.status')), h('th', {}, '')),
    state.list.map(r => h('tr', {},
      h('td', {}, h('input', {type: 'checkbox', checked: state.selected.has(r.name), disabled: !!r.error,
        onchange: e => (e.target.checked ? state.selected.add(r.name) : state.selected.delete(r.name))})),
      h('td', {}, h('a', {href: '#results', onclick: e => { e.preventDefault(); showDetail(r.name); }}, r.name),
        r.error ? h('div', {class: 'bad'}, r.error) : null),
      h('td', {}, r.timestamp ?? '—'), h('td', {}, r.cpu_model ?? '—'), h('td', {}, r.status ?? '—'),
      h('td', {}, h('a', {href: api.jsonUrl(r.name), download: r.name}, t('res.export_json')), ' · ',
        h('a', {href: api.csvUrl(r.name)}, t('res.export_csv')), ' · ',
        h('button', {onclick: () => remove(r.name)}, t('res.delete'))))));
}

// A line saying a section of the file did not run (serve-bench files, --skip-ai, --skip-classic), with its reason.
function notRun(id, what, section) {
  const why = section?.reason || section?.error;
  return h('p', {class: 'muted not-run', id}, t('res.not_run', {what, why: why ? ` — ${why}` : ''}));
}

function detailView() {
  const r = state.detail;
  const b = r.classic_benchmarks?.benchmarks || {};
  const ai = Object.entries(r.ai_benchmarks?.results || {}).filter(([, m]) => m.summary);
  // a section "ran" when it holds any phase or model; otherwise its charts would all be empty
  const classicRan = Object.keys(b).length > 0;
  const aiRan = Object.keys(r.ai_benchmarks?.results || {}).length > 0;
  const box = h('div', {id: 'detail'}, h('h2', {}, `${t('res.details')}: ${state.detailName}`));
  if (aiRan) box.appendChild(modelsTable(r));
  const skipped = [...(classicRan ? [] : [notRun('classic-not-run', t('bench.classic'), r.classic_benchmarks)]),
                   ...(aiRan ? [] : [notRun('ai-not-run', t('bench.ai'), r.ai_benchmarks)])];
  if (skipped.length) box.appendChild(h('div', {class: 'card'}, skipped));
  const grid = h('div', {class: 'grid'});
  box.appendChild(grid);
  // defer drawing until the boxes are in the document, so Chart.js can measure them
  queueMicrotask(() => {
    if (classicRan) {
      const sizes = [...new Set(['cpu_single_thread', 'cpu_multi_thread']
        .flatMap(p => Object.keys(b[p]?.results || {})))];
      chartCard(grid, t('res.gflops'), 'gflops', sizes.length > 0, c => barChart(c, sizes, [
        {label: t('res.single'), data: sizes.map(s => b.cpu_single_thread?.results?.[s]?.gflops ?? null)},
        {label: t('res.multi'), data: sizes.map(s => b.cpu_multi_thread?.results?.[s]?.gflops ?? null)}],
        {unit: 'GFLOPS'}));
      const ops = ['write', 'read', 'copy', 'triad'];
      const mr = b.memory_bandwidth?.results;
      chartCard(grid, t('res.bandwidth'), 'bandwidth', !!mr, c => barChart(c, ops, [
        {label: t('res.single'), data: ops.map(o => mr?.single_thread?.[o]?.gbps ?? null),
         std: ops.map(o => mr?.single_thread?.[o]?.gbps_std ?? null)},
        {label: t('res.multi'), data: ops.map(o => mr?.all_threads?.[o]?.gbps ?? null),
         std: ops.map(o => mr?.all_threads?.[o]?.gbps_std ?? null)}], {unit: 'GB/s'}));
      const gs = b.gpu_compute?.summary;
      const precs = ['fp32', 'tf32', 'fp16', 'bf16'];
      chartCard(grid, t('res.gpu'), 'gpu', !!gs, c => barChart(c, precs, [
        {label: 'TFLOPS', data: precs.map(p => gs?.[`${p}_tflops`] ?? null)}], {unit: 'TFLOPS'}));
    }
    if (aiRan) {
      const keys = ai.map(([k]) => k);
      chartCard(grid, t('res.tps'), 'tps', ai.length > 0, c => barChart(c, keys, [
        {label: 'tokens/s', data: ai.map(([, m]) => m.summary.avg_tokens_per_second ?? null),
         std: ai.map(([, m]) => m.summary.std_tokens_per_second ?? null)}], {unit: 'tokens/s'}));
      chartCard(grid, t('res.ttft'), 'ttft', ai.length > 0, c => barChart(c, keys, [
        {label: 'TTFT', data: ai.map(([, m]) => m.summary.avg_first_token_latency_s ?? null)}], {unit: 's'}));
      chartCard(grid, t('res.itl'), 'itl', ai.length > 0, c => barChart(c, keys,
        ['mean', 'p50', 'p90', 'p99'].map(p => ({label: p,
          data: ai.map(([, m]) => m.summary[`inter_token_latency_${p}_ms`] ?? null)})), {unit: 'ms'}));
    }
    appendPhases(box, r);
    appendServing(box, r);
    // a file with neither classic nor LLM phases (serve-bench) has no monitor series to offer
    if (classicRan || aiRan) box.appendChild(monitorView(r));
  });
  return box;
}

// One line per model of the LLM phase: status (with the error or reason), engine, tokens/s.
function modelsTable(r) {
  const engineText = e => {
    if (!e) return '—';
    if (e.mode) return `${e.library || 'server'} (${t(`res.engine_${e.mode}`)}) ${e.url || ''}`.trim();
    return [e.engine, e.backend].filter(Boolean).join(', ') || '—';
  };
  return h('div', {class: 'card'}, h('h3', {}, t('res.models')), h('div', {class: 'scroll'}, h('table', {id: 'ai-models'},
    h('tr', {}, h('th', {}, t('res.model')), h('th', {}, t('res.status')), h('th', {}, t('res.engine')),
      h('th', {class: 'n'}, 'tokens/s'), h('th', {}, t('cmpph.stability'))),
    Object.entries(r.ai_benchmarks.results).map(([k, m]) => h('tr', {dataset: {model: k}},
      h('td', {}, m?.model?.name ? `${m.model.name} (${k})` : k,
        m?.model?.synthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic')}`) : null),
      h('td', {class: `status-${m?.status}`}, m?.status ?? '—',
        m?.error || m?.reason ? h('div', {class: 'muted small'}, m.error || m.reason) : null),
      h('td', {}, engineText(m?.engine)),
      h('td', {class: 'n'}, m?.summary?.avg_tokens_per_second == null ? '—'
        : `${num(m.summary.avg_tokens_per_second, 1, 1)} ± ${num(m.summary.std_tokens_per_second, 1, 1)}`),
      h('td', {class: m?.summary?.stability === 'unstable' ? 'bad' : ''},
        m?.summary?.stability ? t(`cmpph.${m.summary.stability}`) : '—'))))));
}

// The monitor time series of one phase (or model): its samples are columns keyed like t_s, cpu_pct, ...
function monitorView(r) {
  const phases = [];
  for (const [k, p] of Object.entries(r.classic_benchmarks?.benchmarks || {}))
    if (p?.monitor?.samples?.t_s?.length) phases.push([k, p.monitor.samples]);
  for (const [k, m] of Object.entries(r.ai_benchmarks?.results || {}))
    if (m?.monitor?.samples?.t_s?.length) phases.push([k, m.monitor.samples]);
  const card = h('div', {class: 'card'}, h('h3', {}, t('res.monitor')));
  if (!phases.length) { card.appendChild(h('p', {class: 'muted'}, t('res.no_data'))); return card; }
  const pick = state.monitorPhase && phases.find(p => p[0] === state.monitorPhase) ? state.monitorPhase : phases[0][0];
  card.appendChild(h('label', {}, t('res.phase'), ' ', h('select', {id: 'monitor-phase', onchange: e => {
    state.monitorPhase = e.target.value; card.replaceWith(monitorView(r)); }},
    phases.map(([k]) => h('option', {value: k, selected: k === pick}, k)))));
  const samples = phases.find(p => p[0] === pick)[1];
  const cols = Object.keys(samples).filter(k => k !== 't_s' && k !== 'null_reasons' && Array.isArray(samples[k])
    && samples[k].some(v => v != null));
  const series = cols.map(k => ({label: k, axis: /_pct$/.test(k) ? 'y' : 'y1',
    points: samples.t_s.map((x, i) => ({x, y: samples[k][i]})).filter(p => p.y != null)}));
  // drawn once the card is laid out: Chart.js sizes itself from its box
  requestAnimationFrame(() => {
    lineChart(chartBox(card, {name: 'monitor'}), series, {yTitle: '%', y2Title: 'GiB / W'});
  });
  return card;
}
