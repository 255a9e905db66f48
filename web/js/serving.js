// The serving load of one results file (serving_benchmarks, written by `computellm serve-bench`), drawn from the
// server's view of it (GET /api/results/{name}/view, docs/api.md): the server and parameters, a table per
// concurrency level (the columns of the CLI's table), the SLA search's answer and probes, the server's own /metrics
// per level, the first errors, and charts per level — throughput, TTFT p50/p99, ITL p50/p99. Every number comes in
// the unit shown; this file only formats.
import {categoryLineChart, chartCard, palette} from './charts.js';
import {num, pct, serverText, statusText, t} from './i18n.js';
import {h, kv} from './ui.js';

const finite = v => typeof v === 'number' && Number.isFinite(v);

// A value, or "—" with the file's reason beside it (and as a tooltip) when it is null.
function withReason(text, why) {
  const w = serverText(why);
  return w ? h('span', {title: w}, text, h('span', {class: 'muted small'}, ` (${w})`)) : text;
}

function serverCard(s) {
  const srv = s.server || {};
  const pairs = [
    [t('srv.url'), srv.url],
    [t('srv.library'), srv.library],
    [t('srv.model'), srv.model == null ? null : h('span', {}, srv.model,
      srv.model_source ? h('span', {class: 'muted'}, ` (${t('srv.model_source', {src: srv.model_source})})`) : null)],
  ];
  if (srv.has_props) {
    pairs.push([t('srv.build'), srv.build_info]);
    pairs.push([t('srv.slots'), `${num(srv.total_slots, 0)} / ${num(srv.n_ctx, 0)}`]);
    pairs.push([t('srv.model_path'), srv.model_path]);
  } else if (srv.props_why) {
    pairs.push([t('srv.props'), h('span', {class: 'muted'}, serverText(srv.props_why))]);
  }
  pairs.push([t('srv.client'), srv.client]);
  return h('div', {class: 'card', id: 'serving-server'}, h('h3', {}, t('srv.server')), kv(pairs));
}

// The p99 SLOs each level is checked against ("TTFT p99 ≤ 150 ms, ..."), or none.
function sloP99Text(q) {
  const parts = [['ttft_ms', 'TTFT'], ['itl_ms', 'ITL'], ['e2e_ms', 'E2E'], ['tpot_ms', 'TPOT']]
    .filter(([k]) => finite(q?.[k])).map(([k, name]) => `${name} p99 ≤ ${num(q[k], 1)} ms`);
  return parts.length ? parts.join(', ') : t('srv.slo_p99_none');
}

function paramsCard(s) {
  const p = s.params || {};
  const yesNo = v => (v == null ? '—' : t(v ? 'common.yes' : 'common.no'));
  const slo = finite(p.slo_ttft_ms) || finite(p.slo_itl_ms)
    ? t('srv.slo_value', {ttft: finite(p.slo_ttft_ms) ? num(p.slo_ttft_ms, 1) : '—',
                          itl: finite(p.slo_itl_ms) ? num(p.slo_itl_ms, 2) : '—'})
    : t('srv.slo_none');
  return h('div', {class: 'card', id: 'serving-params'}, h('h3', {}, t('srv.params')), kv([
    p.request_rate?.length
      ? [t('srv.rates'), p.request_rate.map(r => (r === 'inf' ? 'inf' : `${num(Number(r))} req/s`)).join(', ')]
      : [t('srv.levels'), p.concurrency?.length ? p.concurrency.map(c => num(c, 0)).join(', ')
        : s.search ? t('srv.by_search') : withReason('—', p.levels_why)],
    [t('srv.requests'), withReason(p.requests == null ? '—' : num(p.requests, 0), p.requests_why)],
    [t('srv.duration'), withReason(p.duration_s == null ? '—' : `${num(p.duration_s, 1)} s`, p.duration_why)],
    [t('srv.max_tokens'), `${num(p.max_tokens, 0)} / ${yesNo(p.ignore_eos)}`],
    [t('srv.sampling'), `${num(p.temperature, 2)} / ${num(p.top_p, 2)} / ${num(p.seed, 0)}`],
    [t('srv.stall'), finite(p.stall_s) ? `${num(p.stall_s, 1)} s` : null],
    [t('srv.prompt'), p.prompt],
    [t('srv.slo'), slo],
    [t('srv.slo_p99'), sloP99Text(p.slo_p99)],
  ]));
}

// One cell of a level's metric row, formatted with the row's digits; a null's reason as the tooltip.
function metricCell(m) {
  const text = m.percent ? pct(m.value, m.digits) : num(m.value, m.digits, m.digits);
  return h('td', {class: `n${m.bad ? ' bad' : ''}`, title: m.why ?? undefined}, text);
}

// A level as its heading: an open-loop one by its rate (req/s, or inf: all at once), a closed-loop one by its
// concurrency.
const openLoop = s => (s.levels || []).some(L => L.mode === 'open-loop');
function levelText(L) {
  if (L.mode !== 'open-loop') return num(L.concurrency, 0);
  const r = /^rate=(.*)$/.exec(L.label || '')?.[1];
  return r === 'inf' ? 'inf' : r != null ? `${num(Number(r))} req/s` : '—';
}

function levelRow(L) {
  const st = L.status ?? '—';
  return h('tr', {class: `level-${st}`, dataset: {concurrency: L.concurrency}},
    h('td', {class: 'n'}, levelText(L)),
    // the level's error in full is under the first errors; here as a tooltip, so the row stays one line
    h('td', {class: `status-${st}`, title: L.error ?? undefined}, L.status ? statusText(st) : st),
    h('td', {class: 'n'}, `${num(L.n_ok, 0)} / ${num(L.n_requests, 0)}`),
    (L.metrics || []).map(metricCell));
}

// The column headings, translated by the view's column key.
const HEAD = {wall: 'srv.wall', rps: 'srv.rps', tps: 'srv.tps', ttft_p50: 'srv.ttft_p50', ttft_p99: 'srv.ttft_p99',
  itl_p50: 'srv.itl_p50', itl_p99: 'srv.itl_p99', e2e_p50: 'srv.e2e_p50', e2e_p99: 'srv.e2e_p99',
  error_rate: 'srv.err', good_rps: 'srv.good_rps', good_pct: 'srv.good_pct'};

function levelsCard(s) {
  const th = (text, n = true) => h('th', {class: n ? 'n' : ''}, text);
  const notRun = s.not_run || [];
  return h('div', {class: 'card'}, h('h3', {}, t('srv.table')),
    h('div', {class: 'scroll'}, h('table', {id: 'serving-levels'},
      h('thead', {}, h('tr', {}, th(openLoop(s) ? t('srv.rate') : t('srv.c')), th(t('res.status'), false), th(t('srv.ok_total')),
        (s.columns || []).map(c => th(HEAD[c.key] ? t(HEAD[c.key]) : c.label)))),
      h('tbody', {}, (s.levels || []).map(levelRow)))),
    notRun.length ? h('p', {class: 'warn', id: 'serving-not-run'},
      t('srv.not_run', {levels: notRun.map(c => `c = ${num(c, 0)}`).join(', ')})) : null,
    h('p', {class: 'muted small'}, t('srv.table_note')));
}

// Each level's first distinct errors, a failed level's own error first (the server lists them).
function errorsCard(levels) {
  const per = levels.filter(L => L.errors?.length);
  return h('div', {class: 'card', id: 'serving-errors'}, h('h3', {}, t('srv.errors')),
    per.length ? per.map(L => h('div', {dataset: {concurrency: L.concurrency}},
      h('h4', {}, L.mode === 'open-loop' ? levelText(L) : t('srv.level', {c: num(L.concurrency, 0)})),
      h('ul', {class: 'errors'}, L.errors.map(e => h('li', {}, e)))))
      : h('p', {class: 'muted'}, t('srv.no_errors')));
}

// The server's own /metrics over each level (the CLI's "server's view"): KV cache at most, requests running and
// waiting at most, and the tokens each level added; one line with the reason when no level was measured.
const SV_HEAD = {kv_cache_usage: 'srv.sv_kv', requests_running: 'srv.sv_running', requests_waiting: 'srv.sv_waiting',
  prompt_tokens: 'srv.sv_prompt', prompt_tokens_cached: 'srv.sv_cached', generation_tokens: 'srv.sv_gen'};
const SV_UNIT = {'%': 'srv.sv_pct', max: 'srv.sv_max', '+': 'srv.sv_added'};

function serverViewCard(s, sv) {
  if (!sv || (!sv.any && !sv.why)) return null;
  const card = h('div', {class: 'card', id: 'serving-metrics'}, h('h3', {}, t('srv.sv_title')));
  if (!sv.any) {
    card.appendChild(h('p', {class: 'muted', id: 'serving-metrics-none'}, t('srv.sv_none', {why: serverText(sv.why)})));
    return card;
  }
  const cols = sv.columns || [];
  const th = text => h('th', {class: 'n'}, text);
  const levels = s.levels || [];
  card.appendChild(h('div', {class: 'scroll'}, h('table', {id: 'serving-metrics-table'},
    h('thead', {}, h('tr', {}, th(openLoop(s) ? t('srv.rate') : t('srv.c')),
      cols.map(c => th(`${t(SV_HEAD[c.key] ?? c.key)} (${t(SV_UNIT[c.unit] ?? c.unit)})`)))),
    h('tbody', {}, (sv.rows || []).map((r, i) => h('tr', {class: r.measured ? '' : 'muted'},
      h('td', {class: 'n'}, levels[i] ? levelText(levels[i]) : r.label),
      r.measured
        ? r.cells.map((c, k) => h('td', {class: 'n', title: c.why ? serverText(c.why) : undefined},
          num(c.value, cols[k]?.unit === '%' ? 1 : 0, cols[k]?.unit === '%' ? 1 : 0)))
        : h('td', {colspan: String(cols.length), class: 'muted'},
          t('srv.sv_unavailable', {why: serverText(r.why ?? '')}))))))));
  card.appendChild(h('p', {class: 'muted small'}, t('srv.sv_note')));
  return card;
}

// How the search chose its probes, in the reader's language (the file's rule is English).
function ruleText(q) {
  const conc = q.mode === 'concurrency';
  const probe = {n: num(q.probe_requests, 0), s: num(q.probe_s, 1), w: pct(q.warmup_share, 0)};
  return `${t(conc ? 'srv.sr_rule_c' : 'srv.sr_rule_r', {start: num(q.start_rate), limit: num(q.limit, 0),
    res: pct(q.resolution, 0)})} ${t(q.probe_s > 0 ? 'srv.sr_probe_s' : 'srv.sr_probe', probe)}`;
}

// The SLA search (--find-max): the answer in a sentence, then each probe in the order run, met or what missed.
function searchCard(q) {
  if (!q) return null;
  const conc = q.mode === 'concurrency';
  const value = v => (conc ? num(v, 0) : `${num(v)} req/s`);
  const answer = q.found
    ? t(conc ? 'srv.sr_best_c' : 'srv.sr_best_r', {v: value(q.best)}) + (q.limit_reached ? ` ${t('srv.sr_limit')}` : '')
    : t(conc ? 'srv.sr_none_c' : 'srv.sr_none_r');
  const th = (text, n = true) => h('th', {class: n ? 'n' : ''}, text);
  return h('div', {class: 'card', id: 'serving-search'},
    h('h3', {}, t(conc ? 'srv.sr_title_c' : 'srv.sr_title_r')),
    h('p', {id: 'serving-search-answer', class: q.found ? '' : 'warn'}, h('strong', {}, answer)),
    h('div', {class: 'scroll'}, h('table', {id: 'serving-search-probes'},
      h('thead', {}, h('tr', {}, th('#'), th(conc ? t('srv.c') : t('srv.rate')), th(t('srv.sr_result'), false))),
      h('tbody', {}, (q.probes || []).map((p, i) => h('tr', {class: p.met ? 'probe-met' : 'probe-missed'},
        h('td', {class: 'n'}, String(i + 1)), h('td', {class: 'n'}, value(p.value)),
        h('td', {class: p.met ? 'okc' : 'bad'},
          p.met ? t('srv.sr_met') : `${t('srv.sr_missed')}${p.why ? ` — ${serverText(p.why)}` : ''}`)))))),
    h('p', {class: 'muted small', id: 'serving-search-rule'}, ruleText(q)));
}

// Colours per chart and series: the second series of the throughput chart on its own axis, p99 dashed.
const STYLE = {
  'serving-throughput': [{}, {ci: 2}],
  'serving-ttft': [{ci: 1}, {ci: 6, dash: [5, 3]}],
  'serving-itl': [{ci: 4}, {ci: 3, dash: [5, 3]}],
};

// The view's charts, one point per level; a "no data" line instead when the server found no value.
function drawCharts(grid, charts) {
  const tr = k => (t(k) === k ? k : t(k));
  for (const c of charts) {
    const series = c.series.map((s, i) => ({label: tr(s.label), data: s.values,
      ...(s.axis === 'y1' ? {axis: 'y1'} : {}), dash: STYLE[c.id]?.[i]?.dash,
      color: STYLE[c.id]?.[i]?.ci != null ? palette()[STYLE[c.id][i].ci] : undefined}));
    const opts = {unit: c.unit, xTitle: t('srv.x'), ...(c.unit2 ? {unit2: c.unit2} : {})};
    chartCard(grid, tr(c.title), c.id, c.has_data, cv => categoryLineChart(cv, c.labels, series, opts));
  }
}

// Appends the serving section of view v (the server's view of a results file) to parent (already in the page);
// nothing when the file has none.
export function appendServing(parent, v) {
  const s = v?.serving;
  if (!s || typeof s !== 'object') return;
  const levels = s.levels || [];
  const wrap = h('div', {id: 'serving'}, h('h2', {}, t('srv.title')), h('p', {class: 'muted'}, t(openLoop(s) ? 'srv.about_open' : 'srv.about')));
  if (s.status && s.status !== 'ok')
    wrap.appendChild(h('p', {class: s.status === 'failed' ? 'bad' : 'warn', id: 'serving-status'},
      t('srv.status', {status: statusText(s.status)}), s.error ? ` — ${serverText(s.error)}` : ''));
  wrap.appendChild(h('div', {class: 'grid'}, serverCard(s), paramsCard(s)));
  wrap.appendChild(levelsCard(s));
  for (const card of [searchCard(s.search), serverViewCard(s, s.server_view)])
    if (card) wrap.appendChild(card);
  const grid = h('div', {class: 'grid'});
  wrap.appendChild(grid);
  wrap.appendChild(errorsCard(levels));
  parent.appendChild(wrap);
  drawCharts(grid, s.charts || []);
}
