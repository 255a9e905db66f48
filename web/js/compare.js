// Drawing of the comparison table that the server builds (POST /api/compare, the rows `computellm compare` prints,
// from src/report/compare.c): the machines' hardware side by side, a chart per family and the ratio table. Nothing
// is computed here.
import {barChart, chartCard} from './charts.js';
import {machineLabel, num, t, unitText} from './i18n.js';
import {h} from './ui.js';

// Enough decimals for the small values (latencies in s: an ITL of 0.0102 s keeps its 4 decimals).
const valueDigits = v => (v == null ? 2 : Math.abs(v) < 0.1 ? 4 : Math.abs(v) < 1 ? 3 : 2);

// "[2] i9-13900K": the machine's number and its CPU without the vendor's words, for legends and headers; the full
// label goes in the tooltip.
export function shortMachine(label, i) {
  const cpu = String(label || '').split(' / ')[0]
    .replace(/\((R|TM|tm|r)\)|®|™/g, '').replace(/\b(Intel|AMD|Core|Processor|CPU|with Radeon Graphics)\b/gi, '')
    .replace(/@.*$/, '').replace(/\d+-Core/i, '').replace(/\s+/g, ' ').trim();
  const name = cpu.length > 18 ? `${cpu.slice(0, 17)}…` : cpu || '?';
  return `[${i + 1}] ${name}`;
}

// A row's name in the GUI's language (the memory kernels: write, read, copy, triad).
function rowName(r) {
  const k = `membw.${r.name}`;
  return r.family === 'memory_bandwidth' && t(k) !== k ? t(k) : r.name;
}

// A machine's verdict against the baseline (stats[i] of a row, computed by the server: Welch's t, Fieller's CI).
export function verdictText(s) {
  if (!s) return '—';
  if (s.verdict === 'no_difference' || s.verdict === 'not_enough_runs') return t(`res.v_${s.verdict}`);
  const bounded = s.ci_low != null && s.ci_high != null;
  const d = bounded && s.ci_high - s.ci_low < 0.02 ? 3 : 2;   // as the CLI: a narrow interval keeps its ends apart
  const ci = bounded ? t('res.ci', {lo: num(s.ci_low, d, d), hi: num(s.ci_high, d, d)}) : t('res.ci_unbounded');
  return t(`res.v_${s.verdict}`, {ratio: num(s.ratio, d, d), ci});
}

function verdictCell(s) {
  return h('td', {class: s && ['slower', 'worse'].includes(s.verdict) ? 'warn' : '', dataset: {verdict: s?.verdict || ''},
    title: s && s.p_value != null ? t('res.verdict_tip', {p: num(s.p_value, 4), nb: s.n_b, na: s.n_a}) : ''},
  verdictText(s));
}

// The machines' hardware, one column per file (rows as each file's view lists them).
function hardwareTable(cmp, machines) {
  if (!machines?.some(Boolean)) return null;
  const keys = [];
  for (const m of machines) for (const r of m || []) if (!keys.includes(r.key)) keys.push(r.key);
  const cell = (m, key) => {
    const rows = (m || []).filter(r => r.key === key);
    if (!rows.length) return '—';
    return rows.map(r => (r.value == null ? t('common.unknown')
      : r.key === 'gpu' ? (r.value === 'none' ? t('common.none') : `${r.value}${r.vram != null ? ` · ${num(r.vram, 1)} ${unitText('GiB')}` : ''}`)
      : typeof r.value === 'number' ? `${num(r.value, r.digits)}${r.unit ? ` ${unitText(r.unit)}` : ''}` : r.value)).join('; ');
  };
  return h('div', {class: 'card'}, h('h3', {}, t('res.cmp_hardware')), h('div', {class: 'scroll'},
    h('table', {id: 'cmp-hardware'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('res.part')),
        cmp.machines.map((m, i) => h('th', {scope: 'col', title: m.label}, shortMachine(m.label, i))))),
      h('tbody', {}, keys.map(k => h('tr', {dataset: {key: k}}, h('th', {scope: 'row'}, machineLabel(k)),
        machines.map(m => h('td', {}, cell(m, k)))))))));
}

// cmp: the JSON of cllm_compare_to_json; onBaseline(index) and onExport() are the page's actions; machines: each
// file's machine view (or null).
export function comparisonView(cmp, {onBaseline, onExport, machines}) {
  const base = cmp.baseline;
  const box = h('div', {id: 'comparison'}, h('h2', {}, t('res.comparison')),
    h('div', {class: 'row'},
      h('label', {}, t('res.baseline'), ' ', h('select', {id: 'baseline', onchange: e => onBaseline(Number(e.target.value))},
        cmp.machines.map((m, i) => h('option', {value: i, selected: i === base}, `[${i + 1}] ${m.label}`)))),
      h('button', {id: 'export-cmp', onclick: onExport}, t('res.export_cmp'))),
    h('ol', {class: 'machines small'}, cmp.machines.map(m => h('li', {}, m.label, m.origin ? h('span', {class: 'muted'}, ` — ${m.origin}`) : null))),
    h('p', {class: 'muted'}, t('res.ratio_note')), h('p', {class: 'muted'}, t('res.verdict_note')));
  const hw = hardwareTable(cmp, machines);
  if (hw) box.appendChild(hw);
  const grid = h('div', {class: 'grid'});
  box.appendChild(grid);
  const families = [];
  for (const r of cmp.rows) {
    let f = families.find(x => x.key === r.family);
    if (!f) families.push(f = {key: r.family, unit: r.unit, better: r.better, rows: []});
    f.rows.push(r);
  }
  queueMicrotask(() => {
    for (const f of families)
      chartCard(grid, `${t(`fam.${f.key}`)} (${unitText(f.unit)}, ${t(`res.${f.better}`)})`, `cmp-${f.key}`, true,
        c => barChart(c, f.rows.map(rowName), cmp.machines.map((m, i) => ({label: shortMachine(m.label, i),
          full: `[${i + 1}] ${m.label}`, unit: unitText(f.unit),
          data: f.rows.map(r => r.values[i]), std: f.rows.map(r => r.std[i])})), {unit: unitText(f.unit)}));
  });
  const others = cmp.machines.map((_, i) => i).filter(i => i !== base);
  box.appendChild(h('div', {class: 'card scroll'}, h('table', {id: 'ratio-table'},
    h('tr', {}, h('th', {scope: 'col'}, t('res.metric')), h('th', {scope: 'col'}, t('res.unit')),
      h('th', {scope: 'col'}, t('res.better')),
      cmp.machines.map((m, i) => h('th', {scope: 'col', class: 'n', title: m.label}, `[${i + 1}]`)),
      others.map(i => h('th', {scope: 'col', class: 'n'}, `[${i + 1}]/[${base + 1}]`)),
      others.map(i => h('th', {scope: 'col'}, `[${i + 1}] vs [${base + 1}]`))),
    cmp.rows.map(r => h('tr', {}, h('td', {}, `${t(`fam.${r.family}`)} ${rowName(r)}`), h('td', {}, r.unit),
      h('td', {class: r.better === 'lower' ? 'warn' : ''}, t(`res.${r.better}`)),
      r.values.map(v => h('td', {class: 'n'}, num(v, valueDigits(v)))),
      others.map(i => h('td', {class: 'n'}, r.ratios[i] == null ? '—' : `${num(r.ratios[i], 2, 2)}×`)),
      others.map(i => verdictCell(r.stats?.[i])))))));
  return box;
}
