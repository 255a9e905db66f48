// Energy of a results view (GET /api/results/{name}/view, docs/api.md): each model's J/token and mean power over
// the decode and prompt windows with their source, each timed run's, and the reason where nothing was measured.
// Every number is the file's (the server reads it through the field tables); this file only formats.
import {num, serverText, statusText, t} from './i18n.js';
import {h} from './ui.js';

const finite = v => typeof v === 'number' && Number.isFinite(v);

// J/token: four decimals below 1 J (a GPU's 0.0123 J/token), two above.
export const jptText = v => (finite(v) ? num(v, Math.abs(v) < 1 ? 4 : 2, Math.abs(v) < 1 ? 4 : 2) : '—');
const wattText = v => (finite(v) ? num(v, 1, 1) : '—');
const tpjText = v => (finite(v) ? num(v, 1, 1) : '—');

// "NVML energy counter + RAPL (CPU package)" from the file's energy_source ("nvml_energy_counter+rapl").
export function sourceText(src) {
  if (!src) return '—';
  return src.split('+').map(s => (t(`esrc.${s}`) === `esrc.${s}` ? s : t(`esrc.${s}`))).join(' + ');
}

// "no energy reading: CPU package: …; GPU: …" in the GUI's language where it knows the words.
export const whyText = why => serverText(why || t('energy.not_measured'));

// A cell with a number, or "—" with the file's reason as its tooltip.
function cell(text, why) {
  return h('td', {class: 'n', title: text === '—' && why ? whyText(why) : undefined}, text);
}

// The energy card: one row per model with energy keys; a model where nothing was measured says why in a muted note.
// null when no model of the file has energy keys (a file older than them).
export function energyCard(models) {
  const with_ = (models || []).filter(m => m.energy);
  if (!with_.length) return null;
  const th = (text, n) => h('th', {scope: 'col', class: n ? 'n' : null}, text);
  return h('div', {class: 'card', id: 'energy'}, h('h3', {}, t('energy.title')),
    h('div', {class: 'scroll'}, h('table', {id: 'energy-table'},
      h('thead', {}, h('tr', {}, th(t('res.model')), th(t('energy.decode_jpt'), true), th(t('energy.prompt_jpt'), true),
        th(t('energy.decode_w'), true), th(t('energy.prompt_w'), true), th(t('energy.decode_tpj'), true),
        th(t('energy.source')))),
      h('tbody', {}, with_.map(m => {
        const e = m.energy;
        const name = h('td', {}, m.name ? `${m.name} (${m.key})` : m.key);
        if (!finite(e.decode_jpt) && !finite(e.prompt_jpt))
          return h('tr', {dataset: {model: m.key, measured: 'no'}}, name,
            h('td', {colspan: 6, class: 'muted small energy-why'}, t('energy.none', {why: whyText(e.why_decode)})));
        return h('tr', {dataset: {model: m.key, measured: 'yes'}}, name,
          cell(jptText(e.decode_jpt), e.why_decode), cell(jptText(e.prompt_jpt), e.why_prompt),
          cell(wattText(e.decode_watts), e.why_decode), cell(wattText(e.prompt_watts), e.why_prompt),
          cell(tpjText(e.decode_tpj), e.why_decode),
          h('td', {class: 'energy-source', title: e.domains ? t('energy.domains', {d: e.domains}) : undefined},
            sourceText(e.source),
            finite(e.runs) ? h('div', {class: 'muted small'}, t('energy.runs', {n: num(e.runs, 0)})) : null,
            !finite(e.prompt_jpt) && e.why_prompt
              ? h('div', {class: 'muted small energy-why'}, t('energy.prompt_none', {why: whyText(e.why_prompt)})) : null));
      })))),
    h('p', {class: 'muted small'}, t('energy.about')));
}

// Every timed run of every model: tokens, rates, first token, and each window's J/token and watts. null when no
// model has runs.
export function runsCard(models) {
  const with_ = (models || []).filter(m => m.runs?.length);
  if (!with_.length) return null;
  const th = (text, n) => h('th', {scope: 'col', class: n ? 'n' : null}, text);
  const win = (w, what) => (w ? [cell(jptText(w.jpt), w.why), cell(wattText(w.watts), w.why)] : [cell('—'), cell('—')])
    .map(c => { c.dataset.window = what; return c; });
  return h('div', {class: 'card', id: 'runs'},
    h('details', {}, h('summary', {}, h('h3', {class: 'inline'}, t('runs.title'))),
      with_.map(m => h('div', {class: 'runs-model'}, with_.length > 1 ? h('h4', {}, m.name ? `${m.name} (${m.key})` : m.key) : null,
        h('div', {class: 'scroll'}, h('table', {class: 'runs-table', dataset: {model: m.key}},
          h('thead', {}, h('tr', {}, th(t('runs.run')), th(t('res.status')), th(t('runs.tokens'), true), th('tokens/s', true),
            th(t('metric.decode_tps'), true), th(t('runs.ttft'), true), th(t('energy.decode_jpt'), true),
            th(t('energy.decode_w'), true), th(t('energy.prompt_jpt'), true), th(t('energy.prompt_w'), true))),
          h('tbody', {}, m.runs.map(r => h('tr', {dataset: {run: r.run}},
            h('td', {}, num(r.run, 0)),
            h('td', {class: `status-${r.status}`}, r.status ? statusText(r.status) : '—',
              r.why ? h('div', {class: 'muted small'}, serverText(r.why)) : null),
            cell(num(r.generated_tokens, 0)), cell(finite(r.tps) ? num(r.tps, 1, 1) : '—'),
            cell(finite(r.decode_tps) ? num(r.decode_tps, 1, 1) : '—'), cell(finite(r.ttft) ? num(r.ttft, 3, 3) : '—'),
            ...win(r.decode_energy, 'decode'), ...win(r.prompt_energy, 'prompt')))))),
        // one reason for the whole table when no run of the model was measured
        m.runs.every(r => !finite(r.decode_energy?.jpt)) && m.runs.some(r => r.decode_energy?.why)
          ? h('p', {class: 'muted small energy-why'}, t('energy.none', {why: whyText(m.runs.find(r => r.decode_energy?.why).decode_energy.why)}))
          : null))));
}
