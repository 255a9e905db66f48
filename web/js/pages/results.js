// Page 3: the results list, one result's charts (classic, LLM, comparison phases, serving load), multi-result
// comparison, import and export.
import {api} from '../api.js';
import {barChart, chartBox, chartCard, lineChart} from '../charts.js';
import {comparisonView} from '../compare.js';
import {machineLabel, monitorLabel, num, serverError, serverText, statusText, t, unitText} from '../i18n.js';
import {ladderCards, noiseCard, sweepCharts, sweepSection} from '../ladder.js';
import {appendPhases, metric, metricText, stabilityCell} from '../phases.js';
import {energyCard, jptText, runsCard, whyText} from '../energy.js';
import {appendServing} from '../serving.js';
import {h, toast} from '../ui.js';

const state = {list: [], error: null, selected: new Set(), detail: null, view: null, detailName: null, detailError: null,
               cmp: null, cmpNames: null, cmpMachines: null, monitorPhase: null};
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

// The server's view of a file (what the detail draws).
async function load(name) {
  if (!cache.has(name)) cache.set(name, api.resultView(name));
  try { return await cache.get(name); } catch (e) { cache.delete(name); throw e; }
}

// A file that cannot be read (not JSON, not a results file) opens as its error, kept until another file is opened.
async function showDetail(name) {
  state.detailName = name;
  state.monitorPhase = null;
  const listed = state.list.find(r => r.name === name);
  try {
    if (listed?.error) throw new Error(listed.error);
    state.view = await load(name);
    state.detail = true;
    state.detailError = null;
  } catch (e) {
    state.view = state.detail = null;
    state.detailError = e.message;
  }
  render();
  root.querySelector('#detail, #detail-error')?.scrollIntoView({behavior: 'smooth'});
}

// The server builds the table from the files by name (POST /api/compare); the machines' hardware comes from each
// file's view.
async function compare() {
  const names = [...state.selected];
  if (names.length < 2) { toast(t('res.compare_need')); return; }
  try {
    state.cmp = await api.compare(names, 0);
    state.cmpNames = names;
    state.cmpMachines = await Promise.all(names.map(n => load(n).then(v => v.machine).catch(() => null)));
    render();
    root.querySelector('#comparison')?.scrollIntoView({behavior: 'smooth'});
  } catch (e) { toast(t('common.error', {msg: serverError(e.message)})); }
}

async function setBaseline(i) {
  try {
    state.cmp = await api.compare(state.cmpNames, i);
  } catch (e) { toast(t('common.error', {msg: serverError(e.message)})); }
  render();
}

async function exportComparison() {
  try {
    download('comparison.csv', await api.compare(state.cmpNames, state.cmp.baseline, 'csv'), 'text/csv');
  } catch (e) { toast(t('common.error', {msg: serverError(e.message)})); }
}

async function importFile(ev) {
  const file = ev.target.files[0];
  if (!file) return;
  try {
    const r = await api.importResult(await file.text());
    toast(t('res.imported', {name: r.name}));
    await reload();
  } catch (e) { toast(t('common.error', {msg: serverError(e.message)})); }
  ev.target.value = '';
}

async function remove(name) {
  if (!confirm(t('res.delete_confirm', {name}))) return;
  try {
    await api.deleteResult(name);
    cache.delete(name);
    state.selected.delete(name);
    if (state.detailName === name) state.detail = state.view = state.detailError = null;
    await reload();
  } catch (e) { toast(t('common.error', {msg: serverError(e.message)})); }
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
    h('div', {class: 'card'}, h('h2', {}, t('res.list')),
      state.error ? h('p', {class: 'bad', role: 'alert'}, t('common.error', {msg: serverError(state.error)}))
        : h('div', {class: 'scroll'}, listTable()),
      h('div', {class: 'row', style: 'margin-top:.8em'},
        h('button', {id: 'compare', onclick: compare}, t('res.compare')),
        h('label', {}, t('res.import'), ' ', h('input', {type: 'file', id: 'import', accept: '.json,application/json',
          onchange: importFile})))),
    ...(state.detailError ? [errorView()] : []),
    ...(state.detail ? [detailView()] : []),
    ...(state.cmp ? [comparisonView(state.cmp, {onBaseline: setBaseline, onExport: exportComparison,
      machines: state.cmpMachines})] : []),
  );
}

// "2026-12-03 08:09" from the file's ISO timestamp, as written (the machine's local time of the run).
const shortDate = ts => (typeof ts === 'string' ? ts.replace('T', ' ').slice(0, 16) : '—');

// A long name shortened in the middle, the full name as its tooltip.
function shortName(name, max = 44) {
  if (name.length <= max) return name;
  return `${name.slice(0, max - 16)}…${name.slice(-15)}`;
}

function listTable() {
  if (!state.list.length) return h('p', {class: 'muted'}, t('res.empty'));
  return h('table', {id: 'results-list', class: 'list'},
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, t('res.select'))),
      h('th', {scope: 'col'}, t('res.name')), h('th', {scope: 'col'}, t('res.date')),
      h('th', {scope: 'col'}, t('res.cpu')), h('th', {scope: 'col'}, t('res.status')),
      h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, t('res.actions'))))),
    h('tbody', {}, state.list.map(r => h('tr', {class: r.error ? 'file-bad' : null},
      h('td', {}, h('input', {type: 'checkbox', checked: state.selected.has(r.name), disabled: !!r.error,
        'aria-label': t('res.select_one', {name: r.name}),
        onchange: e => (e.target.checked ? state.selected.add(r.name) : state.selected.delete(r.name))})),
      h('td', {class: 'c-name', 'data-label': t('res.name')},
        h('a', {href: '#results', title: r.name, onclick: e => { e.preventDefault(); showDetail(r.name); }}, r.name),
        r.error ? h('div', {class: 'bad small'}, t('res.unreadable')) : null),
      h('td', {class: 'c-date', 'data-label': t('common.label', {what: t('res.date')})}, shortDate(r.timestamp)),
      h('td', {class: 'c-cpu', title: r.cpu_model ?? undefined, 'data-label': t('common.label', {what: t('res.cpu')})}, r.cpu_model ?? '—'),
      h('td', {class: `status-${r.status ?? 'none'}`, 'data-label': t('common.label', {what: t('res.status')})},
        r.status ? statusText(r.status) : '—'),
      h('td', {class: 'c-actions'}, h('a', {href: api.jsonUrl(r.name), download: r.name}, t('res.export_json')), ' · ',
        h('a', {href: api.csvUrl(r.name)}, t('res.export_csv')), ' · ',
        h('button', {onclick: () => remove(r.name)}, t('res.delete')))))));
}

function errorView() {
  return h('div', {id: 'detail-error', class: 'card', role: 'alert'},
    h('h2', {}, t('res.details_of', {name: state.detailName})),
    h('p', {class: 'bad'}, t('res.cannot_open')),
    h('pre', {class: 'err-text'}, serverError(state.detailError)),
    h('p', {class: 'muted'}, t('res.cannot_open_hint')));
}

// A value of the machine view with its unit, or "unknown" with the file's reason (shown, and as the tooltip).
function machineValue(r) {
  if (r.key === 'gpu' && r.value === 'none') return t('hw.no_gpu');
  if (r.value == null) return h('span', {class: 'unknown', title: r.why ?? undefined}, t('common.unknown'),
    r.why ? h('span', {class: 'muted small why'}, ` (${serverText(r.why)})`) : null);
  if (r.key === 'gpu') return `${r.value}${r.vram != null ? ` · ${num(r.vram, 1)} ${unitText('GiB')}` : ''}`;
  if (typeof r.value === 'number') return `${num(r.value, r.digits)}${r.unit ? ` ${unitText(r.unit)}` : ''}`;
  return String(r.value);
}

function machineCard(rows) {
  if (!rows?.length) return null;
  return h('div', {class: 'card', id: 'machine'}, h('h3', {}, t('res.machine')),
    h('dl', {class: 'kv'}, rows.flatMap(r => [h('dt', {}, machineLabel(r.key)), h('dd', {dataset: {key: r.key}}, machineValue(r))])),
    h('p', {class: 'muted small'}, t('common.units_note')));
}

function settingsCard(rows) {
  if (!rows?.length) return null;
  return h('div', {class: 'card', id: 'settings'},
    h('details', {}, h('summary', {}, h('h3', {class: 'inline'}, t('res.settings'))),
      h('div', {class: 'scroll'}, h('table', {id: 'settings-table'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('res.setting')), h('th', {scope: 'col'}, t('res.value')))),
        h('tbody', {}, rows.map(r => h('tr', {}, h('td', {}, h('code', {}, r.key)), h('td', {}, r.value))))))));
}

// Each model's measured decode rate beside the roofline's ceiling (model bytes per token over the measured
// bandwidth), with the ratio; models without a roofline say why.
function rooflineCard(models, grid) {
  const with_ = models.filter(m => m.roofline);
  if (!with_.length) return null;
  const card = h('div', {class: 'card', id: 'roofline'}, h('h3', {}, t('res.roofline')),
    h('p', {class: 'muted small'}, t('res.roofline_about')),
    h('ul', {class: 'small'}, with_.map(m => {
      const r = m.roofline;
      return h('li', {dataset: {model: m.key}}, h('strong', {}, `${m.key}: `), r.max_tps == null
        ? h('span', {class: 'muted'}, serverText(r.why || t('common.unknown')))
        : t('res.roofline_line', {ratio: num(r.ratio * 100, 0), max: num(r.max_tps, 1), bw: num(r.bandwidth_gbps, 1),
            size: num(r.bytes_per_token_gib, 2), basis: r.basis ? ` (${r.basis})` : ''}));
    })));
  const drawable = with_.filter(m => m.roofline.max_tps != null);
  if (drawable.length)
    queueMicrotask(() => {
      const c = chartBox(card, {small: true, name: 'roofline'});
      if (!c) return;
      c.dataset.title = t('res.roofline');
      barChart(c, drawable.map(m => m.key), [
        {label: t('res.decode_measured'), unit: 'tokens/s', data: drawable.map(m => metric(m, 'decode_tps').value ?? null)},
        {label: t('res.roofline_max'), unit: 'tokens/s', data: drawable.map(m => m.roofline.max_tps)}], {unit: 'tokens/s'});
    });
  grid.appendChild(card);
  return card;
}

// What the server computed for the file (GET /api/results/{name}/view): this page formats and draws it.
function detailView() {
  const v = state.view;
  const box = h('div', {id: 'detail'}, h('h2', {}, t('res.details_of', {name: state.detailName})));
  const noise = noiseCard(v.noise);
  if (noise) box.appendChild(noise);
  const top = h('div', {class: 'grid'});
  box.appendChild(top);
  const mc = machineCard(v.machine);
  if (mc) top.appendChild(mc);
  if (v.ai.ran) box.appendChild(modelsTable(v.ai));
  const energy = v.ai.ran ? energyCard(v.ai.models) : null;
  if (energy) box.appendChild(energy);
  const runs = v.ai.ran ? runsCard(v.ai.models) : null;
  if (runs) box.appendChild(runs);
  if (v.ai.ran) for (const card of ladderCards(v.ai.models)) box.appendChild(card);
  // one line listing what did not run or gave no chart, with the reasons: no empty cards
  const missing = [];
  if (!v.classic.ran) missing.push(['classic-not-run', t('bench.classic'), v.classic.why]);
  if (!v.ai.ran && !v.sweep) missing.push(['ai-not-run', t('bench.ai'), v.ai.why]);
  if (v.classic.ran) for (const c of v.classic.charts) if (!c.has_data) missing.push([`${c.id}-not-run`, t(`res.${c.id}`), c.why]);
  const sweep = sweepSection(v.sweep);
  if (sweep) box.appendChild(sweep);
  const grid = h('div', {class: 'grid', id: 'charts'});
  box.appendChild(grid);
  if (missing.length)
    box.insertBefore(h('div', {class: 'card', id: 'not-run'}, h('h3', {}, t('res.not_run_title')),
      h('ul', {class: 'small'}, missing.map(([id, what, why]) => h('li', {id, class: 'not-run'},
        t('res.not_run', {what, why: why ? ` — ${serverText(why)}` : ''}))))), sweep || grid);
  const settings = settingsCard(v.settings);
  // defer drawing until the boxes are in the document, so Chart.js can measure them
  queueMicrotask(() => {
    if (v.classic.ran)
      for (const c of v.classic.charts) {
        const labels = c.id === 'bandwidth' ? c.labels.map(l => t(`membw.${l}`)) : c.labels;
        const series = c.series.map(s => ({label: t(`res.${s.key}`) === `res.${s.key}` ? c.unit : t(`res.${s.key}`),
          unit: unitText(c.unit), data: s.values, std: s.sd}));
        chartCard(grid, t(`res.${c.id}`), c.id, c.has_data, cv => barChart(cv, labels, series, {unit: unitText(c.unit)}));
      }
    if (v.ai.ran) {
      const models = v.ai.models.filter(m => m.has_summary);
      for (const c of v.ai.charts) {
        const series = c.metrics.map(key => {
          const rows = models.map(m => metric(m, key));
          const first = rows.find(m => m.label) || {label: key};
          const label = t(`metric.${key}`) === `metric.${key}` ? first.label : t(`metric.${key}`);
          return {label, unit: unitText(first.unit || ''), data: rows.map(m => m.value ?? null),
            std: rows.some(m => m.sd != null) ? rows.map(m => m.sd ?? null) : undefined};
        });
        const unit = unitText(metric(models[0], c.metrics[0]).unit || '');
        chartCard(grid, t(`res.${c.id}`), c.id, models.length > 0 && series.some(s => s.data.some(x => x != null)),
          cv => barChart(cv, models.map(m => m.key), series, {unit, legend: series.length > 1}));
      }
      rooflineCard(models, grid);
    }
    if (v.sweep) sweepCharts(sweep, v.sweep);
    appendPhases(box, v);
    appendServing(box, v);
    // a file with neither classic nor LLM phases (serve-bench) has no monitor series to offer
    if ((v.classic.ran || v.ai.ran) && v.monitor.length) box.appendChild(monitorView(v.monitor));
    if (settings) box.appendChild(settings);
  });
  return box;
}

// One line per model of the LLM phase: status (with the error or reason), engine, tokens/s, prompt and decode
// rates, peak memory.
function modelsTable(ai) {
  const engineText = e => {
    if (e?.mode) return `${e.library || 'server'} (${t(`res.engine_${e.mode}`)}) ${e.url || ''}`.trim();
    return e?.text || '—';
  };
  const th = (text, n) => h('th', {scope: 'col', class: n ? 'n' : null}, text);
  return h('div', {class: 'card'}, h('h3', {}, t('res.models')), h('div', {class: 'scroll'}, h('table', {id: 'ai-models'},
    h('thead', {}, h('tr', {}, th(t('res.model')), th(t('res.status')), th(t('res.engine')), th('tokens/s', true),
      th(t('metric.prompt_tps'), true), th(t('metric.decode_tps'), true), th(`${t('metric.peak')} (${unitText('GiB')})`, true),
      th(t('energy.decode_jpt'), true), th(t('cmpph.stability')))),
    h('tbody', {}, ai.models.map(m => h('tr', {dataset: {model: m.key}},
      h('td', {}, m.name ? `${m.name} (${m.key})` : m.key,
        m.synthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic')}`) : null),
      h('td', {class: `status-${m.status}`}, m.status ? statusText(m.status) : '—',
        m.why ? h('div', {class: 'muted small'}, serverText(m.why)) : null),
      h('td', {}, engineText(m.engine)),
      h('td', {class: 'n'}, metricText(metric(m, 'tps'))),
      h('td', {class: 'n'}, metricText(metric(m, 'prompt_tps'))),
      h('td', {class: 'n'}, metricText(metric(m, 'decode_tps'))),
      h('td', {class: 'n'}, metricText(metric(m, 'peak'))),
      h('td', {class: 'n c-jpt', title: m.energy && m.energy.decode_jpt == null ? whyText(m.energy.why_decode) : undefined},
        jptText(m.energy?.decode_jpt)),
      stabilityCell(m)))))));
}

// The phase names of the monitor's list, in the GUI's language.
const phaseName = name => (t(`fam.${name}`) === `fam.${name}` ? t('res.noise_model', {model: name}) : t(`fam.${name}`));

// Every phase's samples laid end to end on one time axis, a marker where each starts.
function joined(phases) {
  let offset = 0;
  const marks = [], keys = new Map();
  for (const p of phases) {
    marks.push({x: offset, label: phaseName(p.name)});
    for (const s of p.series) {
      if (!keys.has(s.key)) keys.set(s.key, {key: s.key, axis: s.axis, unit: s.unit, points: []});
      const into = keys.get(s.key).points;
      p.t_s.forEach((x, i) => { if (s.values[i] != null) into.push({x: offset + x, y: s.values[i]}); });
    }
    const last = p.t_s.at(-1) ?? 0;
    const step = p.t_s.length > 1 ? p.t_s[1] - p.t_s[0] : 0.5;
    offset += last + step;
  }
  return {marks, series: [...keys.values()]};
}

// The monitor time series: all phases end to end (phase markers on the time axis), or one phase.
function monitorView(phases) {
  const card = h('div', {class: 'card', id: 'monitor'}, h('h3', {}, t('res.monitor')));
  const pick = phases.find(p => p.name === state.monitorPhase);
  card.appendChild(h('label', {}, t('res.phase'), ' ', h('select', {id: 'monitor-phase', onchange: e => {
    state.monitorPhase = e.target.value; card.replaceWith(monitorView(phases)); }},
    h('option', {value: '', selected: !pick}, t('res.all_phases')),
    phases.map(p => h('option', {value: p.name, selected: p === pick}, phaseName(p.name))))));
  const {marks, series: raw} = pick
    ? {marks: [], series: pick.series.map(s => ({...s, points: pick.t_s.map((x, i) => ({x, y: s.values[i]})).filter(q => q.y != null)}))}
    : joined(phases);
  // clocks (MHz), temperatures (°C) and this process's CPU (100 per core) would flatten the GiB and W lines: they
  // start hidden, one click on the legend shows them
  const series = raw.map(s => ({label: monitorLabel(s.key), unit: unitText(s.unit || ''), axis: s.axis,
    points: s.points, hidden: ['MHz', '°C', '% of a core'].includes(s.unit)}));
  const right = [...new Set(series.filter(s => s.axis === 'y1' && !s.hidden).map(s => s.unit))].join(' / ');
  card.appendChild(h('p', {class: 'muted small'}, t('res.monitor_hint')));
  // drawn once the card is laid out: Chart.js sizes itself from its box
  requestAnimationFrame(() => {
    const c = chartBox(card, {name: 'monitor'});
    if (c) c.dataset.title = t('res.monitor');
    lineChart(c, series, {xTitle: t('res.time_s'), yTitle: t('res.cpu_axis'), y2Title: right, yMax: 100, marks});
  });
  return card;
}
