// Drawing of the comparison table that the server builds (POST /api/compare, the rows `computellm compare` prints,
// from src/report/compare.c): a chart per family and the ratio table. Nothing is computed here.
import {barChart, chartCard} from './charts.js';
import {num, t} from './i18n.js';
import {h} from './ui.js';

// Enough decimals for the small values (latencies in s: an ITL of 0.0102 s keeps its 4 decimals).
const valueDigits = v => (v == null ? 2 : Math.abs(v) < 0.1 ? 4 : Math.abs(v) < 1 ? 3 : 2);

// cmp: the JSON of cllm_compare_to_json; onBaseline(index) and onExport() are the page's actions.
export function comparisonView(cmp, {onBaseline, onExport}) {
  const base = cmp.baseline;
  const box = h('div', {id: 'comparison'}, h('h2', {}, t('res.comparison')),
    h('div', {class: 'row'},
      h('label', {}, t('res.baseline'), ' ', h('select', {id: 'baseline', onchange: e => onBaseline(Number(e.target.value))},
        cmp.machines.map((m, i) => h('option', {value: i, selected: i === base}, `[${i + 1}] ${m.label}`)))),
      h('button', {id: 'export-cmp', onclick: onExport}, t('res.export_cmp'))),
    h('p', {class: 'muted'}, t('res.ratio_note')));
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
      chartCard(grid, `${t(`fam.${f.key}`)} (${f.unit}, ${t(`res.${f.better}`)})`, `cmp-${f.key}`, true,
        c => barChart(c, f.rows.map(r => r.name), cmp.machines.map((m, i) => ({label: `[${i + 1}] ${m.label}`,
          data: f.rows.map(r => r.values[i]), std: f.rows.map(r => r.std[i])})), {unit: f.unit}));
  });
  const others = cmp.machines.map((_, i) => i).filter(i => i !== base);
  box.appendChild(h('div', {class: 'card scroll'}, h('table', {id: 'ratio-table'},
    h('tr', {}, h('th', {}, t('res.metric')), h('th', {}, t('res.unit')), h('th', {}, t('res.better')),
      cmp.machines.map((m, i) => h('th', {class: 'n', title: m.label}, `[${i + 1}]`)),
      others.map(i => h('th', {class: 'n'}, `[${i + 1}]/[${base + 1}]`))),
    cmp.rows.map(r => h('tr', {}, h('td', {}, `${t(`fam.${r.family}`)} ${r.name}`), h('td', {}, r.unit),
      h('td', {class: r.better === 'lower' ? 'warn' : ''}, t(`res.${r.better}`)),
      r.values.map(v => h('td', {class: 'n'}, num(v, valueDigits(v)))),
      others.map(i => h('td', {class: 'n'}, r.ratios[i] == null ? '—' : `${num(r.ratios[i], 2, 2)}×`)))))));
  return box;
}
