// The parts of a results view (GET /api/results/{name}/view, docs/api.md) that explain the numbers: each model's
// ladder ("why is my chat slower than llama-bench?"), computellm sweep's test matrix (llama-bench's table), and
// the phases during which other processes used the CPU. Every number and every cell's text comes from the server
// (costs in %, TTFT in s, the test names, which columns the matrix has); this file only formats and draws.
import {categoryLineChart, chartCard} from './charts.js';
import {num, serverText, statusText, t} from './i18n.js';
import {h} from './ui.js';
import {jptText, sourceText, whyText} from './energy.js';

const finite = v => typeof v === 'number' && Number.isFinite(v);
// a translation when this version has one, else the server's English
const tr = (key, fallback, params) => (t(key, params) === key ? fallback : t(key, params));

// "12.3", "—" when null; the file's reason for a null as the cell's tooltip.
function numCell(v, digits, why, suffix = '') {
  return h('td', {class: 'n', title: why ?? undefined}, finite(v) ? `${num(v, digits, digits)}${suffix}` : '—');
}

function rungRow(r, d) {
  const name = tr(`ladder.${r.id}`, r.name || '?');
  const adds = r.adds ? tr(`ladder.adds_${r.id}`, r.adds) : '';
  // what the rung adds goes under its name: the table stays narrow enough for a phone
  const head = h('td', {class: 'rung'}, h('span', {class: 'muted'}, `${num(r.step, 0)}. `), name,
    adds ? h('div', {class: 'muted small adds'}, `+ ${adds}`) : null);
  if (r.status !== 'ok')
    return h('tr', {class: `rung-${r.status}`, dataset: {rung: r.id ?? r.step, status: r.status}}, head,
      h('td', {colspan: 4, class: `status-${r.status}`}, r.status ? statusText(r.status) : '—', r.why ? `: ${serverText(r.why)}` : ''));
  return h('tr', {class: 'rung-ok', dataset: {rung: r.id ?? r.step, status: r.status}}, head,
    numCell(r.decode_tps, d.tps, r.why_decode_tps),
    numCell(r.decode_cost, d.cost, r.why_decode_cost, ' %'),
    numCell(r.ttft, d.ttft, r.why_ttft),
    numCell(r.ttft_cost, d.cost, r.why_ttft_cost, ' %'));
}

// One card per model that has a ladder; none when no model has one.
export function ladderCards(models) {
  return (models || []).filter(m => m.ladder).map(m => {
    const L = m.ladder;
    const d = L.digits || {tps: 1, cost: 1, ttft: 3};
    return h('div', {class: 'card ladder', dataset: {model: m.key}},
      h('h3', {}, t('ladder.title', {model: m.name ? `${m.name} (${m.key})` : m.key})),
      h('p', {class: 'muted'}, t('ladder.setup', {backend: L.backend ?? '?', threads: num(L.threads, 0),
        ngl: num(L.ngl, 0), prompt: num(L.prompt_len, 0), gen: num(L.gen_len, 0)})),
      h('div', {class: 'scroll'}, h('table', {class: 'ladder-table', dataset: {model: m.key}},
        h('thead', {},
          h('tr', {}, h('th', {rowspan: 2}, t('ladder.rung')), h('th', {colspan: 2, class: 'group'}, t('ladder.decode')),
            h('th', {colspan: 2, class: 'group'}, t('ladder.ttft'))),
          h('tr', {}, h('th', {class: 'n'}, t('ladder.tps')), h('th', {class: 'n'}, t('ladder.cost')),
            h('th', {class: 'n'}, t('ladder.s')), h('th', {class: 'n'}, t('ladder.cost')))),
        h('tbody', {}, (L.rungs || []).map(r => rungRow(r, d))))),
      h('p', {class: 'muted small'}, t('ladder.note')));
  });
}

// "12.34 ± 0.56" with the marks of the CLI's table (T throttled, N other processes busy), or the status.
function rateCell(x) {
  const marks = [x.throttled > 0 ? 'T' : null, x.noisy ? 'N' : null].filter(Boolean).join(' ');
  const title = [x.throttled > 0 ? t('sw.throttled_n', {n: num(x.throttled, 0)}) : null,
    x.noisy && finite(x.other_cpu_pct) ? t('sw.noisy_pct', {pct: num(x.other_cpu_pct, 0)}) : null]
    .filter(Boolean).join('; ');
  if (!finite(x.rate)) return h('td', {class: `n status-${x.status}`}, x.status ? statusText(x.status) : '—');
  const d = x.rate_digits ?? 2;
  return h('td', {class: 'n', title: title || undefined},
    `${num(x.rate, d, d)}${finite(x.rate_sd) ? ` ± ${num(x.rate_sd, d, d)}` : ''}`,
    marks ? h('span', {class: 'warn'}, ` ${marks}`) : null);
}

// The sweep's matrix as llama-bench prints it, with a status column (a skipped or failed test's reason under it).
export function sweepSection(sw) {
  if (!sw || typeof sw !== 'object') return null;
  const cols = sw.columns || [];
  const synthCol = cols.findIndex(c => c.key === 'model');
  const notes = sw.notes || {};
  const first = sw.tests?.[0];
  const shared = first ? cols.map((c, i) => (c.same ? i : -1)).filter(i => i >= 0) : [];
  // a J/token column when any test was measured (as -o md); else the reason once under the table
  const measured = (sw.tests || []).some(x => finite(x.energy?.jpt));
  const noEnergy = (sw.tests || []).find(x => x.energy && !finite(x.energy.jpt) && x.energy.why && x.status === 'ok');
  return h('div', {id: 'sweep'}, h('h2', {}, t('sw.title')),
    h('div', {class: 'card'},
      finite(sw.repetitions) ? h('p', {}, t('sw.reps', {n: num(sw.repetitions, 0)})) : null,
      // the method as the file words it (English)
      sw.method ? h('p', {class: 'muted small', id: 'sweep-method'}, sw.method) : null,
      sw.status && sw.status !== 'ok'
        ? h('p', {class: sw.status === 'failed' ? 'bad' : 'warn', id: 'sweep-status'}, t('sw.status', {status: statusText(sw.status)}))
        : null,
      // on a phone, the columns every test shares (the server marks them) are said once above the table
      shared.length ? h('p', {class: 'sweep-shared small'}, shared.map(i => `${tr(`sw.col_${cols[i].key}`, cols[i].label)}: ${
        first.cells[i]}${i === synthCol && first.synthetic ? ` ${t('cmpph.synthetic')}` : ''}`).join(' · ')) : null,
      h('div', {class: 'scroll'}, h('table', {id: 'sweep-table'},
        h('thead', {}, h('tr', {}, cols.map(c => h('th', {class: `${c.numeric ? 'n' : ''}${c.same ? ' same' : ''}`},
          tr(`sw.col_${c.key}`, c.label))),
          h('th', {class: 'n'}, t('sw.rate')), measured ? h('th', {class: 'n'}, t('sw.jpt')) : null,
          h('th', {}, t('res.status')))),
        h('tbody', {}, (sw.tests || []).map(x => h('tr', {dataset: {test: x.test, status: x.status}},
          (x.cells || []).map((text, i) => h('td', {class: `${cols[i]?.numeric ? 'n' : `c-${cols[i]?.key}`}${
            cols[i]?.same ? ' same' : ''}`}, text,
            i === synthCol && x.synthetic ? h('span', {class: 'muted'}, ` ${t('cmpph.synthetic')}`) : null)),
          rateCell(x),
          measured ? h('td', {class: 'n c-jpt', title: finite(x.energy?.jpt) ? sourceText(x.energy.source)
            : x.energy?.why ? whyText(x.energy.why) : undefined}, jptText(x.energy?.jpt)) : null,
          h('td', {class: `status-${x.status}`}, x.status ? statusText(x.status) : '—',
            x.why ? h('div', {class: 'muted small'}, serverText(x.why)) : null)))))),
      noEnergy ? h('p', {class: 'muted small energy-why', id: 'sweep-energy-why'},
        t(measured ? 'sw.jpt_some' : 'sw.jpt_none', {why: whyText(noEnergy.energy.why)})) : null,
      measured ? h('p', {class: 'muted small', id: 'sweep-energy-about'}, t('sw.jpt_about')) : null,
      h('p', {class: 'muted small'},
        sw.build ? h('span', {}, t('sw.build', {build: sw.build})) : null,
        notes.synthetic ? h('span', {class: 'sw-note'}, ` ${t('sw.note_synthetic')}`) : null,
        notes.throttled ? h('span', {class: 'sw-note'}, ` ${t('sw.note_throttled')}`) : null,
        notes.noisy ? h('span', {class: 'sw-note'}, ` ${t('sw.note_noisy')}`) : null)));
}

// Which phase a noise note is about, in the GUI's language.
function noiseWhere(n) {
  if (n.section === 'classic') return tr(`fam.${n.name}`, n.name);
  if (n.section === 'ai') return t('res.noise_model', {model: n.model});
  return `${tr(`cmpph.${n.name}`, n.name)} — ${n.model} — ${n.variant}`;
}

// The phases during which other processes used more than 10 % of the CPU (the server's list); null when none.
export function noiseCard(list) {
  if (!list?.length) return null;
  return h('div', {class: 'card noise', id: 'noise'}, h('h3', {class: 'warn'}, t('res.noise_title')),
    h('ul', {}, list.map(n => h('li', {dataset: {section: n.section, name: n.name}},
      h('strong', {}, `${noiseWhere(n)}: `), t('res.noise', {pct: num(n.other_cpu_pct, 0)})))));
}

// t/s against each axis the matrix varies (depth, threads, GPU layers): one line per test kind (and per value of the
// other varying axes), the server's means; drawn into the sweep section, nothing when no axis varies.
// J/token (the tests' energy) the same way, where any test was measured.
export function sweepCharts(section, sw) {
  if (!section || !sw?.tests?.length) return;
  const ok = sw.tests.filter(x => finite(x.rate));
  const axes = ['depth', 'threads', 'ngl'].filter(a => new Set(ok.map(x => x[a])).size > 1);
  if (!axes.length) return;
  const grid = h('div', {class: 'grid', id: 'sweep-charts'});
  section.appendChild(h('div', {class: 'card'}, h('h3', {}, t('sw.charts')), grid));
  const kinds = [{id: '', unit: 't/s', title: 'sw.chart', value: x => x.rate}];
  if (ok.some(x => finite(x.energy?.jpt)))
    kinds.push({id: '-jpt', unit: 'J/token', title: 'sw.chart_jpt', value: x => (finite(x.energy?.jpt) ? x.energy.jpt : null)});
  for (const kind of kinds)
    for (const axis of axes) {
      const xs = [...new Set(ok.map(x => x[axis]))].sort((a, b) => a - b);
      const others = axes.filter(a => a !== axis);
      const groups = new Map();
      for (const x of ok) {
        const name = [x.kind, ...others.map(a => `${t(`sw.axis_short_${a}`)}=${x[a]}`)].join(' ');
        if (!groups.has(name)) groups.set(name, {label: name, unit: kind.unit, data: xs.map(() => null)});
        groups.get(name).data[xs.indexOf(x[axis])] = kind.value(x);
      }
      chartCard(grid, t(kind.title, {axis: t(`sw.axis_${axis}`)}), `sweep-${axis}${kind.id}`,
        [...groups.values()].some(g => g.data.some(finite)),
        c => categoryLineChart(c, xs.map(v => num(v, 0)), [...groups.values()], {unit: kind.unit, xTitle: t(`sw.axis_${axis}`)}),
        {small: true});
    }
}
