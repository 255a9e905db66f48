// The comparison phases of one results file, as the server's view gives them (GET /api/results/{name}/view,
// docs/api.md): for each phase and model, a table of the variants (in the server's order) and bar charts of the
// metrics the server names. Every number comes computed from the server (means, standard deviations); this file
// only formats and draws.
import {barChart, chartCard, palette} from './charts.js';
import {num, serverText, statusText, t} from './i18n.js';
import {h} from './ui.js';

const finite = v => typeof v === 'number' && Number.isFinite(v);

// The metric row `key` of a variant (or model): {key, label, unit, digits, value, sd}; {} when absent.
export const metric = (item, key) => (item?.metrics || []).find(m => m.key === key) || {};

// A label of the GUI's own language for a metric key, else the server's English label.
export function metricLabel(col) {
  const k = `cmpph.${col.key}`;
  const s = t(k);
  return s === k ? `${col.label}${col.unit ? ` (${col.unit})` : ''}` : s;
}

// "12.3 ± 0.4" (value and sd as the server computed them), "—" when unknown.
export function metricText(m) {
  if (!finite(m.value)) return '—';
  const d = m.digits ?? 2;
  return `${num(m.value, d, d)}${finite(m.sd) ? ` ± ${num(m.sd, d, d)}` : ''}`;
}

// "all runs OK, CV 3.2 %" (or "some runs failed"): stability keeps its meaning (every run succeeded), the runs'
// coefficient of variation beside it, both as the server gives them; a busy machine is noted under it.
export function stabilityCell(item) {
  const text = item.runs_ok == null ? '—' : t(item.runs_ok ? 'res.runs_ok' : 'res.runs_failed');
  return h('td', {class: `stability${item.runs_ok === false ? ' bad' : ''}`},
    text, finite(item.cv_pct) ? h('span', {title: t('res.cv_title')}, `, ${t('res.cv', {cv: num(item.cv_pct, 1, 1)})}`) : null,
    item.noisy ? h('div', {class: 'warn small noisy'}, t('res.noisy_short', {pct: num(item.other_cpu_pct, 0)})) : null);
}

function variantLabel(phase, v) {
  if (phase === 'temperature') return finite(v.temperature) ? `${t(`var.${v.key}`)} (${num(v.temperature, 2, 2)})` : t(`var.${v.key}`);
  if (phase === 'language') return `${t(`langname.${v.key}`)} (${v.key})`;
  if (phase === 'prompt_type') return t(`ptype.${v.key}`);
  return v.key;
}

function statusCell(v) {
  const st = v.status ?? '—';
  return h('td', {class: `status-${st}`}, v.status ? statusText(st) : st,
    v.why ? h('div', {class: 'muted small'}, serverText(v.why)) : null);
}

function row(sec, v) {
  return h('tr', {dataset: {variant: v.key}},
    h('td', {}, variantLabel(sec.phase, v),
      v.synthetic && !sec.all_synthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic')}`) : null),
    statusCell(v),
    sec.columns.map(c => h('td', {class: 'n'}, metricText(metric(v, c.key)))),
    stabilityCell(v));
}

function head(sec) {
  return h('tr', {},
    h('th', {}, t('cmpph.variant')), h('th', {}, t('res.status')),
    sec.columns.map(c => h('th', {class: 'n'}, metricLabel(c))),
    h('th', {}, t('cmpph.stability')));
}

const colors = [0, 1, 3, 5, 4];

function section(sec) {
  const labels = sec.variants.map(v => variantLabel(sec.phase, v));
  const box = h('div', {class: 'card phase-section', dataset: {phase: sec.phase, model: sec.model}},
    h('h3', {}, `${t(`cmpph.${sec.phase}`)} — ${sec.model_name || sec.model}`,
      sec.all_synthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic_model')}`) : null),
    h('p', {class: 'muted'}, t(`cmpph.${sec.phase}_about`)),
    h('div', {class: 'scroll'}, h('table', {class: 'phase-table'}, h('thead', {}, head(sec)),
      h('tbody', {}, sec.variants.map(v => row(sec, v))))));
  const grid = h('div', {class: 'grid phase-charts'});
  box.appendChild(grid);
  // drawn once the section is in the page: Chart.js sizes itself from its box
  const draw = () => {
    for (const c of sec.charts || []) {
      const series = c.metrics.map((key, i) => {
        const col = sec.columns.find(x => x.key === key) || {key, label: key, unit: ''};
        const rows = sec.variants.map(v => metric(v, key));
        return {label: metricLabel(col), unit: col.unit, axis: i > 0 ? 'y1' : undefined, color: palette()[colors[i % colors.length]],
          data: rows.map(m => (finite(m.value) ? m.value : null)),
          std: rows.some(m => finite(m.sd)) ? rows.map(m => (finite(m.sd) ? m.sd : null)) : undefined};
      });
      chartCard(grid, t(`cmpph.${c.title}`), c.id, series.some(s => s.data.some(finite)), cv => barChart(cv, labels,
        series, {unit: series[0]?.unit || '', unit2: series[1]?.unit || '', legend: series.length > 1}), {small: true});
    }
  };
  return [box, draw];
}

// Appends the comparison sections of a results view to parent (already in the page); nothing when it has none.
export function appendPhases(parent, view) {
  const ph = view?.phases;
  if (!ph?.present) return;
  const wrap = h('div', {id: 'phases'}, h('h2', {}, t('cmpph.title')));
  if (ph.status && ph.status !== 'ok')
    wrap.appendChild(h('p', {class: ph.status === 'failed' ? 'bad' : 'warn'},
      t('cmpph.status', {status: statusText(ph.status)}), ph.error ? ` — ${serverText(ph.error)}` : ''));
  parent.appendChild(wrap);
  const draws = [];
  for (const sec of ph.sections || []) {
    const [box, draw] = section(sec);
    wrap.appendChild(box);
    draws.push(draw);
  }
  draws.forEach(d => d());
}
