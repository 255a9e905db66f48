// The comparison phases of one results file (ai_benchmarks.comparisons, docs/results-schema.md): for each phase
// and model, a table of the variants and bar charts — tokens/s ± std, first-token latency ± std, and the
// phase's own quantity (file size and load time per quantization, prompt tokens per language or prompt type).
import {barChart, chartCard} from './charts.js';
import {num, t} from './i18n.js';
import {h} from './ui.js';

// The variants in the pipeline's order (src/app/ai_phase.c); keys a file has beyond these follow them.
export const PHASES = [
  {key: 'quantization', variants: ['Q2_K', 'Q3_K_M', 'Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0'], extra: 'quant'},
  {key: 'temperature', variants: ['low', 'medium', 'high'], extra: null},
  {key: 'language', variants: ['en', 'fr', 'zh', 'es', 'de', 'ar'], extra: 'prompt'},
  {key: 'prompt_type', variants: ['general', 'code', 'reasoning', 'creative', 'math'], extra: 'prompt'},
];

const finite = v => typeof v === 'number' && Number.isFinite(v);

// Sample standard deviation (n - 1), as the pipeline's summaries; null under two values.
function std(xs) {
  const v = xs.filter(finite);
  if (v.length < 2) return null;
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

function variantLabel(phase, key, v) {
  if (phase === 'temperature') return finite(v?.temperature) ? `${t(`var.${key}`)} (${num(v.temperature, 2, 2)})` : t(`var.${key}`);
  if (phase === 'language') return `${t(`langname.${key}`)} (${key})`;
  if (phase === 'prompt_type') return t(`ptype.${key}`);
  return key;
}

// [key, variant] pairs of one model in the phase's order.
function ordered(phase, perModel) {
  const keys = Object.keys(perModel || {});
  return [...phase.variants.filter(k => keys.includes(k)), ...keys.filter(k => !phase.variants.includes(k))]
    .map(k => [k, perModel[k]]);
}

function statusCell(v) {
  const st = v?.status ?? '—';
  const why = v?.error || v?.reason;
  return h('td', {class: `status-${st}`}, st, why ? h('div', {class: 'muted small'}, why) : null);
}

function row(phase, key, v, allSynthetic) {
  const s = v?.summary || {};
  const ttfts = (v?.runs || []).filter(r => r.status === 'ok').map(r => r.first_token_latency_s);
  const tps = finite(s.avg_tokens_per_second)
    ? `${num(s.avg_tokens_per_second, 1, 1)}${finite(s.std_tokens_per_second) ? ` ± ${num(s.std_tokens_per_second, 1, 1)}` : ''}`
    : '—';
  const ttftStd = std(ttfts);
  const ttft = finite(s.avg_first_token_latency_s)
    ? `${num(s.avg_first_token_latency_s, 3, 3)}${ttftStd != null ? ` ± ${num(ttftStd, 3, 3)}` : ''}` : '—';
  const extra = {
    quant: [h('td', {class: 'n'}, num(v?.actual_file_size_gb, 3)), h('td', {class: 'n'}, num(v?.model_load_time_s, 2, 2))],
    prompt: [h('td', {class: 'n'}, num(v?.prompt_tokens, 0))],
  }[phase.extra];
  return h('tr', {dataset: {variant: key}},
    h('td', {}, variantLabel(phase.key, key, v),
      v?.synthetic && !allSynthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic')}`) : null),
    statusCell(v),
    h('td', {class: 'n'}, tps),
    h('td', {class: 'n'}, ttft),
    h('td', {class: 'n'}, num(s.inter_token_latency_mean_ms, 1, 1)),
    h('td', {class: 'n'}, num(s.peak_memory_gb, 2, 2)),
    h('td', {class: s.stability === 'unstable' ? 'bad' : ''}, s.stability ? t(`cmpph.${s.stability}`) : '—'),
    extra);
}

function head(phase) {
  const extra = {
    quant: [h('th', {class: 'n'}, t('cmpph.file_size')), h('th', {class: 'n'}, t('cmpph.load_time'))],
    prompt: [h('th', {class: 'n'}, t('cmpph.prompt_tokens'))],
  }[phase.extra];
  return h('tr', {},
    h('th', {}, t('cmpph.variant')), h('th', {}, t('res.status')), h('th', {class: 'n'}, t('cmpph.tps')),
    h('th', {class: 'n'}, t('cmpph.ttft')), h('th', {class: 'n'}, t('cmpph.itl')), h('th', {class: 'n'}, t('cmpph.peak')),
    h('th', {}, t('cmpph.stability')), extra);
}

// A small titled chart in grid; a "no data" line instead when no value is a number.
const chart = (grid, title, name, values, draw) => chartCard(grid, title, name, values.some(finite), draw, {small: true});

function section(phase, model, perModel, modelName) {
  const vs = ordered(phase, perModel);
  const labels = vs.map(([k, v]) => variantLabel(phase.key, k, v));
  const sum = vs.map(([, v]) => v?.summary || {});
  // a synthetic model is said once in the title when every variant used one
  const allSynthetic = vs.length > 0 && vs.every(([, v]) => v?.synthetic);
  const box = h('div', {class: 'card phase-section', dataset: {phase: phase.key, model}},
    h('h3', {}, `${t(`cmpph.${phase.key}`)} — ${modelName || model}`,
      allSynthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic_model')}`) : null),
    h('p', {class: 'muted'}, t(`cmpph.${phase.key}_about`)),
    h('div', {class: 'scroll'}, h('table', {class: 'phase-table'}, h('thead', {}, head(phase)),
      h('tbody', {}, vs.map(([k, v]) => row(phase, k, v, allSynthetic))))));
  const grid = h('div', {class: 'grid phase-charts'});
  box.appendChild(grid);
  // drawn once the section is in the page: Chart.js sizes itself from its box
  const draw = () => {
    const tps = sum.map(s => (finite(s.avg_tokens_per_second) ? s.avg_tokens_per_second : null));
    chart(grid, t('cmpph.chart_tps'), 'phase-tps', tps, c => barChart(c, labels, [{label: 'tokens/s', data: tps,
      std: sum.map(s => (finite(s.std_tokens_per_second) ? s.std_tokens_per_second : null))}], {unit: 'tokens/s', legend: false}));
    const ttft = sum.map(s => (finite(s.avg_first_token_latency_s) ? s.avg_first_token_latency_s : null));
    chart(grid, t('cmpph.chart_ttft'), 'phase-ttft', ttft, c => barChart(c, labels, [{label: 'TTFT', data: ttft,
      std: vs.map(([, v]) => std((v?.runs || []).filter(r => r.status === 'ok').map(r => r.first_token_latency_s))),
      color: '#efb118'}], {unit: 's', legend: false}));
    if (phase.extra === 'quant') {
      const size = vs.map(([, v]) => (finite(v?.actual_file_size_gb) ? v.actual_file_size_gb : null));
      const load = vs.map(([, v]) => (finite(v?.model_load_time_s) ? v.model_load_time_s : null));
      chart(grid, t('cmpph.chart_size_load'), 'phase-size-load', [...size, ...load], c => barChart(c, labels, [
        {label: t('cmpph.file_size'), data: size, color: '#6cc5b0'},
        {label: t('cmpph.load_time'), data: load, axis: 'y1', color: '#a463f2'}], {unit: t('cmpph.gb'), unit2: 's'}));
    } else if (phase.extra === 'prompt') {
      const pt = vs.map(([, v]) => (finite(v?.prompt_tokens) ? v.prompt_tokens : null));
      chart(grid, t('cmpph.chart_prompt_tokens'), 'phase-prompt-tokens', pt, c => barChart(c, labels,
        [{label: t('cmpph.prompt_tokens'), data: pt, color: '#3ca951'}], {unit: 'tokens', legend: false}));
    }
  };
  return [box, draw];
}

// Appends the comparison sections of result r to parent (already in the page); nothing when r has none.
export function appendPhases(parent, r) {
  const cmp = r?.ai_benchmarks?.comparisons;
  if (!cmp) return;
  const names = Object.fromEntries(Object.entries(r.ai_benchmarks.results || {}).map(([k, m]) => [k, m?.model?.name]));
  const wrap = h('div', {id: 'phases'}, h('h2', {}, t('cmpph.title')));
  if (cmp.status && cmp.status !== 'ok')
    wrap.appendChild(h('p', {class: cmp.status === 'failed' ? 'bad' : 'warn'},
      t('cmpph.status', {status: cmp.status}), cmp.error ? ` — ${cmp.error}` : ''));
  parent.appendChild(wrap);
  const draws = [];
  for (const phase of PHASES)
    for (const [model, perModel] of Object.entries(cmp[phase.key] || {})) {
      const [box, draw] = section(phase, model, perModel, names[model]);
      wrap.appendChild(box);
      draws.push(draw);
    }
  draws.forEach(d => d());
}
