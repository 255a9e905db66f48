// Page 2: one Start button for the default plan, its options, live progress over SSE, Cancel, live monitor.
import {api, ApiError} from '../api.js';
import {lineChart, chartBox} from '../charts.js';
import {num, t} from '../i18n.js';
import {h, toast} from '../ui.js';

// progress: the bar's width in %, as the server's events sent it
const state = {config: null, hw: null, form: null, runId: null, running: false, events: [], source: null, done: null,
               progress: 0, monitor: {cpu: [], ram: [], gpu: [], vram: [], temp: [], power: null}, t0: null};
let root, monitorChart = null;

export async function mount(el) {
  root = el;
  el.replaceChildren(h('p', {class: 'muted'}, t('common.loading')));
  const [config, hw, runs] = await Promise.allSettled([api.config(), api.hardware(), api.runs()]);
  state.config = config.value || {models: []};
  state.hw = hw.value || null;
  render(el);
  // a run started elsewhere (another tab, the CLI twin) is followed rather than hidden
  const running = runs.value?.running_id;
  if (running) follow(running);
}

export function shown() { if (!state.running && !state.source) refreshRunning(); }

async function refreshRunning() {
  try { const r = await api.runs(); if (r.running_id) follow(r.running_id); } catch { /* server without runs */ }
}

// Which models fit: the server's own pre-check (cllm_model_check_fit, as the run does it) of the default quantization
// on this machine, with its reason; the page only picks a style.
function fitText(m) {
  const fit = m.fit;
  if (!fit) return [t('bench.fit_unknown'), 'muted', ''];
  const cls = {ok: 'okc', cpu_only: 'warn', skipped_ram: 'bad', bad_quant: 'bad'}[fit.result] || 'muted';
  return [t(`bench.fit_${fit.result}`), cls, fit.reason || ''];
}

// The comparison phases, as POST /api/runs names them (docs/api.md), and their checkbox ids.
const COMPARE = [['quant', 'cmp-quant'], ['temperature', 'cmp-temperature'], ['language', 'cmp-language'],
                 ['prompt-type', 'cmp-prompt-type']];

// What the form holds, kept across re-renders (a language switch redraws the page); the API key stays in memory.
function readForm() {
  if (!root || !root.querySelector('#ph-classic')) return state.form;
  const val = sel => root.querySelector(sel)?.value ?? '';
  state.form = {
    models: [...root.querySelectorAll('input[name=model]:checked')].map(x => x.value),
    classic: root.querySelector('#ph-classic').checked,
    ai: root.querySelector('#ph-ai').checked,
    quant: val('#opt-quant'),
    cpu: root.querySelector('#opt-cpu').checked,
    compare: COMPARE.filter(([, id]) => root.querySelector(`#${id}`).checked).map(([name]) => name),
    engine: root.querySelector('input[name=engine]:checked')?.value || 'in-process',
    llamaServer: val('#srv-path'), serverUrl: val('#srv-url'), serverModel: val('#srv-model'), apiKey: val('#srv-key'),
  };
  return state.form;
}

// Greys what does not apply: the comparison phases without the LLM phase, the fields of the other engines.
function syncForm() {
  const f = readForm();
  root.querySelector('#compare-phases').disabled = !f.ai;
  root.querySelector('#cmp-all').checked = f.compare.length === COMPARE.length;
  root.querySelector('#cmp-all').indeterminate = f.compare.length > 0 && f.compare.length < COMPARE.length;
  root.querySelector('#srv-path').disabled = f.engine !== 'auto';
  for (const id of ['#srv-url', '#srv-model', '#srv-key']) root.querySelector(id).disabled = f.engine !== 'manual';
  root.querySelector('#engine-hint').textContent = t(`bench.engine_hint_${f.engine}`);
}

function toggleAll(ev) {
  for (const [, id] of COMPARE) root.querySelector(`#${id}`).checked = ev.target.checked;
  syncForm();
}

// The POST /api/runs body, or null with a message when a field the chosen engine needs is empty.
function options() {
  const f = readForm();
  const body = {skip_classic: !f.classic, skip_ai: !f.ai, cpu: f.cpu};
  if (f.models.length) body.models = f.models;
  if (f.quant) body.quant = f.quant;
  if (f.ai && f.compare.length) body.compare = f.compare;
  if (f.engine === 'auto') {
    if (!f.llamaServer.trim()) { toast(t('bench.need_path')); return null; }
    Object.assign(body, {engine: 'auto', llama_server: f.llamaServer.trim()});
  } else if (f.engine === 'manual') {
    if (!f.serverUrl.trim()) { toast(t('bench.need_url')); return null; }
    Object.assign(body, {engine: 'manual', server_url: f.serverUrl.trim()});
    if (f.serverModel.trim()) body.server_model = f.serverModel.trim();
    if (f.apiKey) body.api_key = f.apiKey;
  }
  return body;
}

async function start() {
  const body = options();
  if (!body) return;
  if (body.skip_classic && body.skip_ai) { toast(t('bench.nothing')); return; }
  try {
    const r = await api.startRun(body);
    follow(r.id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.body?.running_id) {
      toast(t('bench.already', {id: e.body.running_id}));
      follow(e.body.running_id);
    } else {
      toast(t('common.error', {msg: e.message}));
    }
  }
}

async function cancel() {
  if (!state.runId) return;
  try { await api.cancelRun(state.runId); } catch (e) { toast(t('common.error', {msg: e.message})); }
}

function follow(id) {
  if (state.source) state.source.close();
  Object.assign(state, {runId: id, running: true, events: [], done: null, progress: 0,
                        monitor: {cpu: [], ram: [], gpu: [], vram: [], temp: [], power: null}, t0: performance.now()});
  const src = new EventSource(api.eventsUrl(id));
  state.source = src;
  const on = (type, fn) => src.addEventListener(type, ev => { fn(JSON.parse(ev.data)); update(); });
  // every event carries the bar's width as the server computed it (progress_pct)
  const progress = d => { if (d.progress_pct != null) state.progress = d.progress_pct; };
  on('phase', d => {
    progress(d);
    if (d.event === 'start') {
      state.events.push([t('bench.phase_start', {name: d.name}), '']);
    } else {
      const st = d.status || 'ok';
      state.events.push([t('bench.phase_done', {name: d.name, status: st}), `status-${st}`]);
      // without live samples, each finished phase adds its monitor summary (the server's point) as one point
      if (d.monitor_point && !state.liveMonitor) addMonitorPoint(d.monitor_point);
    }
  });
  on('ai', d => {
    progress(d);
    const cls = d.event === 'run_done' || d.event === 'model_done' ? 'status-ok' : '';
    state.events.push([t('bench.tps', {model: d.model || '', text: d.text || d.event}), cls]);
  });
  // optional live samples, if the server streams them: {t_s, cpu_pct, ram_used_gb, gpu0_util_pct, ...}
  on('monitor', d => { state.liveMonitor = true; addMonitorPoint(d); });
  on('done', d => {
    state.done = d;
    state.running = false;
    state.progress = d.progress_pct ?? 100;
    src.close();
    state.source = null;
  });
  src.onerror = () => {
    if (!state.running) return;
    state.events.push([t('common.error', {msg: 'event stream interrupted; reconnecting'}), 'warn']);
    update();
  };
  update();
}

function addMonitorPoint(d) {
  const x = d.t_s ?? (performance.now() - state.t0) / 1000;
  if (d.cpu_pct != null) state.monitor.cpu.push({x, y: d.cpu_pct});
  if (d.ram_used_gb != null) state.monitor.ram.push({x, y: d.ram_used_gb});
  if (d.gpu0_util_pct != null) state.monitor.gpu.push({x, y: d.gpu0_util_pct});
  if (d.gpu0_vram_used_gb != null) state.monitor.vram.push({x, y: d.gpu0_vram_used_gb});
  if (d.gpu0_temp_c != null) state.monitor.temp.push({x, y: d.gpu0_temp_c});
  if (d.gpu0_power_w != null) state.monitor.power = d.gpu0_power_w;
}

export function render(el = root) {
  if (!el || !state.config) return;
  const models = state.config.models || [];
  const f = readForm() || {models: state.config.defaults?.models || [], classic: true, ai: true, quant: '', cpu: false,
    compare: [], engine: 'in-process', llamaServer: 'llama-server', serverUrl: '', serverModel: '', apiKey: ''};
  const chosen = new Set(f.models);
  const quants = [...new Set(models.flatMap(m => (m.quants || []).map(q => q.name)))];
  const onchange = syncForm;
  const engine = (value, label) => h('label', {class: 'opt'}, h('input', {type: 'radio', name: 'engine', value,
    id: `engine-${value}`, checked: f.engine === value, onchange}), ' ', label);
  el.replaceChildren(
    h('div', {class: 'row'},
      h('button', {class: 'primary', id: 'start', onclick: start}, t('bench.start')),
      h('button', {id: 'cancel', onclick: cancel, disabled: true}, t('bench.cancel'))),
    h('div', {class: 'grid', style: 'margin-top:1em'},
      h('fieldset', {id: 'models'}, h('legend', {}, t('bench.models')),
        models.length === 0 ? h('p', {class: 'muted'}, state.config.models_error || '—') : models.map(m => {
          const [fit, cls, why] = fitText(m);
          return h('label', {class: 'opt', title: why}, h('input', {type: 'checkbox', name: 'model', value: m.key,
            checked: chosen.has(m.key)}), ` ${m.name || m.key} (${m.params || '?'}) `,
            h('span', {class: `fit ${cls}`, dataset: {fit: m.fit?.result || 'unknown'}}, fit));
        })),
      h('div', {},
        h('fieldset', {}, h('legend', {}, t('bench.phases')),
          h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'ph-classic', checked: f.classic}), ' ', t('bench.classic')),
          h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'ph-ai', checked: f.ai, onchange}), ' ', t('bench.ai'))),
        h('fieldset', {id: 'compare-phases'}, h('legend', {}, t('bench.compare')),
          COMPARE.map(([name, id]) => h('label', {class: 'opt'}, h('input', {type: 'checkbox', id, value: name,
            checked: f.compare.includes(name), onchange}), ' ', t(`bench.${id}`))),
          h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'cmp-all', onchange: toggleAll}), ' ', t('bench.cmp-all')),
          h('p', {class: 'muted small'}, t('bench.compare_hint'))),
        h('fieldset', {}, h('legend', {}, t('bench.options')),
          h('label', {class: 'opt'}, t('bench.quant'), ' ', h('select', {id: 'opt-quant'},
            h('option', {value: ''}, t('bench.quant_default')),
            quants.map(q => h('option', {value: q, selected: q === f.quant}, q)))),
          h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'opt-cpu', checked: f.cpu}), ' ', t('bench.cpu_only'))),
        h('fieldset', {id: 'engine'}, h('legend', {}, t('bench.server')),
          engine('in-process', t('bench.engine_in_process')),
          engine('auto', t('bench.server_auto')),
          h('div', {class: 'sub'}, h('label', {for: 'srv-path'}, t('bench.srv_path')),
            h('input', {type: 'text', id: 'srv-path', value: f.llamaServer, placeholder: 'llama-server',
              spellcheck: 'false'})),
          engine('manual', t('bench.server_manual')),
          h('div', {class: 'sub'},
            h('label', {for: 'srv-url'}, t('bench.srv_url')),
            h('input', {type: 'text', id: 'srv-url', value: f.serverUrl, placeholder: 'http://127.0.0.1:8080',
              spellcheck: 'false'}),
            h('label', {for: 'srv-model'}, t('bench.srv_model')),
            h('input', {type: 'text', id: 'srv-model', value: f.serverModel, placeholder: t('bench.srv_model_ph'),
              spellcheck: 'false'}),
            h('label', {for: 'srv-key'}, t('bench.srv_key')),
            h('input', {type: 'password', id: 'srv-key', value: f.apiKey, autocomplete: 'off',
              placeholder: t('bench.srv_key_ph')})),
          h('p', {class: 'muted small', id: 'engine-hint'})))),
    h('div', {class: 'card'}, h('h3', {}, t('bench.progress')), h('p', {id: 'run-status'}),
      h('div', {class: 'progress'}, h('div', {id: 'run-bar'})), h('ul', {class: 'events', id: 'run-events'})),
    h('div', {class: 'card'}, h('h3', {}, t('bench.monitor')), h('div', {id: 'monitor-box'}),
      h('p', {id: 'monitor-power', class: 'muted'})),
  );
  monitorChart = null;
  syncForm();
  update();
}

function update() {
  if (!root || !root.querySelector('#run-status')) return;
  root.querySelector('#start').disabled = state.running;
  root.querySelector('#cancel').disabled = !state.running;
  const status = root.querySelector('#run-status');
  if (state.done) {
    status.replaceChildren(t('bench.done', {status: state.done.status}), ' ',
      state.done.file ? h('a', {href: `#results`, dataset: {file: state.done.file}}, t('bench.see_results')) : '',
      state.done.error ? h('span', {class: 'bad'}, ` ${state.done.error}`) : '');
  } else {
    status.textContent = state.runId ? t('bench.running', {id: state.runId}) : t('bench.idle');
  }
  root.querySelector('#run-bar').style.width = `${state.progress}%`;
  root.querySelector('#run-events').replaceChildren(...state.events.map(([text, cls]) => h('li', {class: cls}, text)));
  const m = state.monitor;
  const series = [{label: 'CPU %', points: m.cpu}, {label: 'RAM GiB', points: m.ram, axis: 'y1'}];
  if (m.gpu.length) series.push({label: 'GPU 0 %', points: m.gpu});
  if (m.vram.length) series.push({label: 'GPU 0 VRAM GiB', points: m.vram, axis: 'y1'});
  if (m.temp.length) series.push({label: 'GPU 0 °C', points: m.temp});
  const power = root.querySelector('#monitor-power');
  if (power) power.textContent = m.power != null ? `GPU 0: ${m.power.toFixed(0)} W` : '';
  if (monitorChart && monitorChart.data.datasets.length !== series.length) {
    monitorChart.destroy();
    root.querySelector('#monitor-box').replaceChildren();
    monitorChart = null;
  }
  if (!monitorChart) {
    const canvas = chartBox(root.querySelector('#monitor-box'), {small: true, name: 'monitor-live'});
    monitorChart = lineChart(canvas, series, {yTitle: '%', y2Title: 'GiB'});
  } else {
    series.forEach((s, i) => { if (monitorChart.data.datasets[i]) monitorChart.data.datasets[i].data = s.points; });
  }
  monitorChart?.update();
}
