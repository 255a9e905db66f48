// The serving load of one results file (serving_benchmarks, written by `computellm serve-bench`;
// docs/results-schema.md): the server and parameters, a table per concurrency level (the columns of the CLI's
// table), the first errors, and charts per level — throughput, TTFT p50/p99, ITL p50/p99.
import {categoryLineChart, chartCard} from './charts.js';
import {num, pct, t} from './i18n.js';
import {h, kv} from './ui.js';

const finite = v => typeof v === 'number' && Number.isFinite(v);
const ms = v => (finite(v) ? v * 1e3 : null);

// The value, or "—" with the file's reason as a tooltip when it is null.
function withReason(text, obj, key) {
  const why = obj?.null_reasons?.[key];
  return why ? h('span', {title: why}, text, h('span', {class: 'muted small'}, ` (${why})`)) : text;
}

function serverCard(s) {
  const srv = s.server || {};
  const props = srv.props;
  const pairs = [
    [t('srv.url'), srv.url],
    [t('srv.library'), srv.library],
    [t('srv.model'), srv.model == null ? null : h('span', {}, srv.model,
      srv.model_source ? h('span', {class: 'muted'}, ` (${t('srv.model_source', {src: srv.model_source})})`) : null)],
  ];
  if (props && typeof props === 'object') {
    pairs.push([t('srv.build'), props.build_info]);
    pairs.push([t('srv.slots'), `${num(props.total_slots, 0)} / ${num(props.n_ctx, 0)}`]);
    pairs.push([t('srv.model_path'), props.model_path]);
  } else if (srv.null_reasons?.props) {
    pairs.push([t('srv.props'), h('span', {class: 'muted'}, srv.null_reasons.props)]);
  }
  pairs.push([t('srv.client'), srv.client]);
  return h('div', {class: 'card', id: 'serving-server'}, h('h3', {}, t('srv.server')), kv(pairs));
}

function paramsCard(s) {
  const p = s.params || {};
  const yesNo = v => (v == null ? '—' : t(v ? 'common.yes' : 'common.no'));
  const slo = p.slo && (finite(p.slo.ttft_ms) || finite(p.slo.itl_ms))
    ? t('srv.slo_value', {ttft: finite(p.slo.ttft_ms) ? num(p.slo.ttft_ms, 1) : '—',
                          itl: finite(p.slo.itl_ms) ? num(p.slo.itl_ms, 2) : '—'})
    : t('srv.slo_none');
  return h('div', {class: 'card', id: 'serving-params'}, h('h3', {}, t('srv.params')), kv([
    [t('srv.levels'), Array.isArray(p.concurrency) ? p.concurrency.map(c => num(c, 0)).join(', ') : null],
    [t('srv.requests'), withReason(p.requests == null ? '—' : num(p.requests, 0), p, 'requests')],
    [t('srv.duration'), withReason(p.duration_s == null ? '—' : `${num(p.duration_s, 1)} s`, p, 'duration_s')],
    [t('srv.max_tokens'), `${num(p.max_tokens, 0)} / ${yesNo(p.ignore_eos)}`],
    [t('srv.sampling'), `${num(p.temperature, 2)} / ${num(p.top_p, 2)} / ${num(p.seed, 0)}`],
    [t('srv.stall'), finite(p.stall_s) ? `${num(p.stall_s, 1)} s` : null],
    [t('srv.prompt'), p.prompt],
    [t('srv.slo'), slo],
  ]));
}

function levelRow(L) {
  const st = L?.status ?? '—';
  const g = L?.goodput;
  const cell = (text, title) => h('td', {class: 'n', title}, text);
  return h('tr', {class: `level-${st}`, dataset: {concurrency: L?.concurrency}},
    h('td', {class: 'n'}, num(L?.concurrency, 0)),
    // the level's error in full is under the first errors; here as a tooltip, so the row stays one line
    h('td', {class: `status-${st}`, title: L?.error}, st),
    cell(`${num(L?.n_ok, 0)} / ${num(L?.n_requests, 0)}`),
    cell(num(L?.wall_s, 2, 2)),
    cell(num(L?.requests_per_second, 2, 2)),
    cell(num(L?.output_tokens_per_second, 1, 1)),
    cell(num(ms(L?.ttft_s?.p50), 1, 1), L?.ttft_s?.null_reasons?.p50),
    cell(num(ms(L?.ttft_s?.p99), 1, 1), L?.ttft_s?.null_reasons?.p99),
    cell(num(ms(L?.itl_s?.p50), 2, 2), L?.itl_s?.null_reasons?.p50),
    cell(num(ms(L?.itl_s?.p99), 2, 2), L?.itl_s?.null_reasons?.p99),
    cell(num(L?.e2e_s?.p50, 3, 3), L?.e2e_s?.null_reasons?.p50),
    cell(num(L?.e2e_s?.p99, 3, 3), L?.e2e_s?.null_reasons?.p99),
    h('td', {class: `n${finite(L?.error_rate) && L.error_rate > 0 ? ' bad' : ''}`}, pct(L?.error_rate)),
    cell(num(g?.requests_per_second, 2, 2), L?.null_reasons?.goodput),
    cell(pct(g?.fraction), L?.null_reasons?.goodput));
}

function levelsCard(levels, params) {
  const th = (key, n = true) => h('th', {class: n ? 'n' : ''}, t(key));
  // levels asked for but not run (after a failed level, or Ctrl-C)
  const ran = new Set(levels.map(L => L?.concurrency));
  const missing = (Array.isArray(params?.concurrency) ? params.concurrency : []).filter(c => !ran.has(c));
  return h('div', {class: 'card'}, h('h3', {}, t('srv.table')),
    h('div', {class: 'scroll'}, h('table', {id: 'serving-levels'},
      h('thead', {}, h('tr', {}, th('srv.c'), th('res.status', false), th('srv.ok_total'), th('srv.wall'),
        th('srv.rps'), th('srv.tps'), th('srv.ttft_p50'), th('srv.ttft_p99'), th('srv.itl_p50'), th('srv.itl_p99'),
        th('srv.e2e_p50'), th('srv.e2e_p99'), th('srv.err'), th('srv.good_rps'), th('srv.good_pct'))),
      h('tbody', {}, levels.map(levelRow)))),
    missing.length ? h('p', {class: 'warn', id: 'serving-not-run'},
      t('srv.not_run', {levels: missing.map(c => `c = ${num(c, 0)}`).join(', ')})) : null,
    h('p', {class: 'muted small'}, t('srv.table_note')));
}

// Each level's first distinct errors (the file keeps up to 5), and a failed level's own error.
function errorsCard(levels) {
  const per = levels.map(L => [L, [...new Set([L?.error, ...(Array.isArray(L?.errors) ? L.errors : [])]
    .filter(e => typeof e === 'string' && e))]]).filter(([, es]) => es.length);
  return h('div', {class: 'card', id: 'serving-errors'}, h('h3', {}, t('srv.errors')),
    per.length ? per.map(([L, es]) => h('div', {dataset: {concurrency: L?.concurrency}},
      h('h4', {}, t('srv.level', {c: num(L?.concurrency, 0)})),
      h('ul', {class: 'errors'}, es.map(e => h('li', {}, e)))))
      : h('p', {class: 'muted'}, t('srv.no_errors')));
}

// A titled chart in grid; a "no data" line instead when no value is a number.
const chart = (grid, title, name, values, draw) => chartCard(grid, title, name, values.some(finite), draw);

function drawCharts(grid, levels) {
  const labels = levels.map(L => `c=${L?.concurrency}`);
  const pick = f => levels.map(L => { const v = f(L); return finite(v) ? v : null; });
  const tps = pick(L => L?.output_tokens_per_second), rps = pick(L => L?.requests_per_second);
  const x = t('srv.x');
  chart(grid, t('srv.chart_tput'), 'serving-throughput', [...tps, ...rps], c => categoryLineChart(c, labels, [
    {label: t('srv.ds_tps'), data: tps},
    {label: t('srv.ds_rps'), data: rps, axis: 'y1', color: '#ff725c'}], {unit: 'tokens/s', unit2: 'req/s', xTitle: x}));
  const ttft50 = pick(L => ms(L?.ttft_s?.p50)), ttft99 = pick(L => ms(L?.ttft_s?.p99));
  chart(grid, t('srv.chart_ttft'), 'serving-ttft', [...ttft50, ...ttft99], c => categoryLineChart(c, labels, [
    {label: 'p50', data: ttft50, color: '#efb118'}, {label: 'p99', data: ttft99, color: '#b45f06', dash: [5, 3]}],
    {unit: 'ms', xTitle: x}));
  const itl50 = pick(L => ms(L?.itl_s?.p50)), itl99 = pick(L => ms(L?.itl_s?.p99));
  chart(grid, t('srv.chart_itl'), 'serving-itl', [...itl50, ...itl99], c => categoryLineChart(c, labels, [
    {label: 'p50', data: itl50, color: '#3ca951'}, {label: 'p99', data: itl99, color: '#1f6b30', dash: [5, 3]}],
    {unit: 'ms', xTitle: x}));
}

// Appends the serving section of result r to parent (already in the page); nothing when r has none.
export function appendServing(parent, r) {
  const s = r?.serving_benchmarks;
  if (!s || typeof s !== 'object') return;
  const levels = Array.isArray(s.levels) ? s.levels : [];
  const wrap = h('div', {id: 'serving'}, h('h2', {}, t('srv.title')), h('p', {class: 'muted'}, t('srv.about')));
  if (s.status && s.status !== 'ok')
    wrap.appendChild(h('p', {class: s.status === 'failed' ? 'bad' : 'warn', id: 'serving-status'},
      t('srv.status', {status: s.status}), s.error ? ` — ${s.error}` : ''));
  wrap.appendChild(h('div', {class: 'grid'}, serverCard(s), paramsCard(s)));
  wrap.appendChild(levelsCard(levels, s.params));
  const grid = h('div', {class: 'grid'});
  wrap.appendChild(grid);
  wrap.appendChild(errorsCard(levels));
  parent.appendChild(wrap);
  drawCharts(grid, levels);
}
