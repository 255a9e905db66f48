// Page 3: the results list, one result's charts (classic, LLM, comparison phases, serving load), multi-result
// comparison, import and export.
import {api} from '../api.js';
import {barChart, chartBox, chartCard, lineChart} from '../charts.js';
import {comparisonView} from '../compare.js';
import {num, t} from '../i18n.js';
import {ladderCards, noiseCard, sweepSection} from '../ladder.js';
import {appendPhases, metric, metricText, stabilityCell} from '../phases.js';
import {appendServing} from '../serving.js';
import {h, toast} from '../ui.js';

const state = {list: [], error: null, selected: new Set(), detail: null, view: null, detailName: null, cmp: null,
               cmpNames: null, monitorPhase: null};
const cache = new Map();
let root;

// arg: a results file to open (#results/FILE, the run page's link to the run it just finished)
export async function mount(el, arg) {
  root = el;
  await reload();
  if (arg) showDetail(arg);
}

export async function shown(el, arg) {
  await reload();
  if (arg) showDetail(arg);
}

async function reload() {
  try { state.list = await api.results(); state.error = null; } catch (e) { state.error = e.message; }
  render();
}

// The file and the server's view of it (what the detail draws).
async function load(name) {
  if (!cache.has(name)) cache.set(name, await Promise.all([api.result(name), api.resultView(name)]));
  return cache.get(name);
}

async function showDetail(name) {
  try {
    [state.detail, state.view] = await load(name);
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
    if (state.detailName === name) state.detail = state.view = null;
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
      state.error ? h('p', {class: 'bad'}, t('common.error', {msg: state.error})) : h('div', {class: 'scroll'}, listTable()),
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
function notRun(id, what, why) {
  return h('p', {class: 'muted not-run', id}, t('res.not_run', {what, why: why ? ` — ${why}` : ''}));
}

// What the server computed for the file (GET /api/results/{name}/view): this page formats and draws it.
function detailView() {
  const v = state.view;
  const box = h('div', {id: 'detail'}, h('h2', {}, `${t('res.details')}: ${state.detailName}`));
  const noise = noiseCard(v.noise);
  if (noise) box.appendChild(noise);
  if (v.ai.ran) box.appendChild(modelsTable(v.ai));
  if (v.ai.ran) for (const card of ladderCards(v.ai.models)) box.appendChild(card);
  // a sweep file's LLM part is its test matrix: no "not run" line for it
  const skipped = [...(v.classic.ran ? [] : [notRun('classic-not-run', t('bench.classic'), v.classic.why)]),
                   ...(v.ai.ran || v.sweep ? [] : [notRun('ai-not-run', t('bench.ai'), v.ai.why)])];
  if (skipped.length) box.appendChild(h('div', {class: 'card'}, skipped));
  const sweep = sweepSection(v.sweep);
  if (sweep) box.appendChild(sweep);
  const grid = h('div', {class: 'grid'});
  box.appendChild(grid);
  // defer drawing until the boxes are in the document, so Chart.js can measure them
  queueMicrotask(() => {
    if (v.classic.ran)
      for (const c of v.classic.charts) {
        const series = c.series.map(s => ({label: t(`res.${s.key}`) === `res.${s.key}` ? c.unit : t(`res.${s.key}`),
          data: s.values, std: s.sd}));
        chartCard(grid, t(`res.${c.id}`), c.id, c.has_data, cv => barChart(cv, c.labels, series, {unit: c.unit}));
      }
    if (v.ai.ran) {
      const models = v.ai.models.filter(m => m.has_summary);
      for (const c of v.ai.charts) {
        const series = c.metrics.map(key => {
          const rows = models.map(m => metric(m, key));
          const first = rows.find(m => m.label) || {label: key};
          return {label: first.label, data: rows.map(m => m.value ?? null),
            std: rows.some(m => m.sd != null) ? rows.map(m => m.sd ?? null) : undefined};
        });
        const unit = metric(models[0], c.metrics[0]).unit || '';
        chartCard(grid, t(`res.${c.id}`), c.id, models.length > 0, cv => barChart(cv, models.map(m => m.key), series,
          {unit}));
      }
    }
    appendPhases(box, v);
    appendServing(box, v);
    // a file with neither classic nor LLM phases (serve-bench) has no monitor series to offer
    if (v.classic.ran || v.ai.ran) box.appendChild(monitorView(v.monitor));
  });
  return box;
}

// One line per model of the LLM phase: status (with the error or reason), engine, tokens/s.
function modelsTable(ai) {
  const engineText = e => {
    if (e?.mode) return `${e.library || 'server'} (${t(`res.engine_${e.mode}`)}) ${e.url || ''}`.trim();
    return e?.text || '—';
  };
  return h('div', {class: 'card'}, h('h3', {}, t('res.models')), h('div', {class: 'scroll'}, h('table', {id: 'ai-models'},
    h('tr', {}, h('th', {}, t('res.model')), h('th', {}, t('res.status')), h('th', {}, t('res.engine')),
      h('th', {class: 'n'}, 'tokens/s'), h('th', {}, t('cmpph.stability'))),
    ai.models.map(m => h('tr', {dataset: {model: m.key}},
      h('td', {}, m.name ? `${m.name} (${m.key})` : m.key,
        m.synthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic')}`) : null),
      h('td', {class: `status-${m.status}`}, m.status ?? '—', m.why ? h('div', {class: 'muted small'}, m.why) : null),
      h('td', {}, engineText(m.engine)),
      h('td', {class: 'n'}, metricText(metric(m, 'tps'))),
      stabilityCell(m))))));
}

// The monitor time series of one phase (or model), as the server's view lists them.
function monitorView(phases) {
  const card = h('div', {class: 'card'}, h('h3', {}, t('res.monitor')));
  if (!phases.length) { card.appendChild(h('p', {class: 'muted'}, t('res.no_data'))); return card; }
  const pick = phases.find(p => p.name === state.monitorPhase) || phases[0];
  card.appendChild(h('label', {}, t('res.phase'), ' ', h('select', {id: 'monitor-phase', onchange: e => {
    state.monitorPhase = e.target.value; card.replaceWith(monitorView(phases)); }},
    phases.map(p => h('option', {value: p.name, selected: p === pick}, p.name)))));
  const series = pick.series.map(s => ({label: s.key, axis: s.axis,
    points: pick.t_s.map((x, i) => ({x, y: s.values[i]})).filter(p => p.y != null)}));
  // drawn once the card is laid out: Chart.js sizes itself from its box
  requestAnimationFrame(() => {
    lineChart(chartBox(card, {name: 'monitor'}), series, {yTitle: '%', y2Title: 'GiB / W'});
  });
  return card;
}
