// Page 2: one Start button for the default plan, its options, live progress over SSE, Cancel, live monitor.
import {api, ApiError} from '../api.js';
import {lineChart, chartBox} from '../charts.js';
import {num, t} from '../i18n.js';
import {h, toast} from '../ui.js';

const state = {config: null, hw: null, runId: null, running: false, events: [], source: null, done: null,
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

// Which models fit: RAM from detection against the registry's min_ram_gb, VRAM against the quant's min_vram_gb.
function fitText(m) {
  const have = state.hw?.ram?.total_gb;
  const q = (m.quants || []).find(x => x.name === m.default_quant) || {};
  const vram = Math.max(0, ...(state.hw?.gpu?.devices || []).map(d => d.vram_total_gb || 0));
  if (have != null && m.min_ram_gb != null && m.min_ram_gb > have)
    return [t('bench.fit_no', {need: num(m.min_ram_gb, 1), have: num(have, 1)}), 'bad'];
  if (vram && q.min_vram_gb != null && q.min_vram_gb <= vram) return [t('bench.fit_vram'), 'okc'];
  return [t('bench.fit_ok'), 'muted'];
}

function options() {
  const models = [...root.querySelectorAll('input[name=model]:checked')].map(x => x.value);
  const body = {
    skip_classic: !root.querySelector('#ph-classic').checked,
    skip_ai: !root.querySelector('#ph-ai').checked,
    cpu: root.querySelector('#opt-cpu').checked,
  };
  const quant = root.querySelector('#opt-quant').value;
  if (models.length) body.models = models;
  if (quant) body.quant = quant;
  return body;
}

async function start() {
  const body = options();
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
  on('phase', d => {
    if (d.event === 'start') {
      state.events.push([t('bench.phase_start', {name: d.name}), '']);
    } else {
      const st = d.phase?.status || 'ok';
      state.events.push([t('bench.phase_done', {name: d.name, status: st}), `status-${st}`]);
      state.progress = Math.max(state.progress, (d.index + 1) / Math.max(1, d.count) * (state.aiPlanned ? 0.5 : 1));
      // without live samples, each finished phase adds its monitor summary as one point
      const s = d.phase?.monitor?.summary;
      if (s && !state.liveMonitor) addMonitorPoint({cpu_pct: s.cpu_pct_mean, ram_used_gb: s.ram_used_gb_peak,
        gpu0_util_pct: s.gpus?.[0]?.util_pct_mean});
    }
  });
  on('ai', d => {
    const cls = d.event === 'run_done' || d.event === 'model_done' ? 'status-ok' : '';
    state.events.push([t('bench.tps', {model: d.model || '', text: d.text || d.event}), cls]);
    if (d.fraction != null) state.progress = Math.max(state.progress, 0.5 + d.fraction / 2);
  });
  // optional live samples, if the server streams them: {t_s, cpu_pct, ram_used_gb, gpu0_util_pct, ...}
  on('monitor', d => { state.liveMonitor = true; addMonitorPoint(d); });
  on('done', d => {
    state.done = d;
    state.running = false;
    state.progress = 1;
    src.close();
    state.source = null;
  });
  src.onerror = () => {
    if (!state.running) return;
    state.events.push([t('common.error', {msg: 'event stream interrupted; reconnecting'}), 'warn']);
    update();
  };
  state.aiPlanned = true;
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
  const defaults = new Set(state.config.defaults?.models || []);
  const quants = [...new Set(models.flatMap(m => (m.quants || []).map(q => q.name)))];
  el.replaceChildren(
    h('div', {class: 'row'},
      h('button', {class: 'primary', id: 'start', onclick: start}, t('bench.start')),
      h('button', {id: 'cancel', onclick: cancel, disabled: true}, t('bench.cancel'))),
    h('div', {class: 'grid', style: 'margin-top:1em'},
      h('fieldset', {id: 'models'}, h('legend', {}, t('bench.models')),
        models.length === 0 ? h('p', {class: 'muted'}, state.config.models_error || '—') : models.map(m => {
          const [fit, cls] = fitText(m);
          return h('label', {class: 'opt'}, h('input', {type: 'checkbox', name: 'model', value: m.key,
            checked: defaults.has(m.key)}), ` ${m.name || m.key} (${m.params || '?'}) `, h('span', {class: cls}, fit));
        })),
      h('div', {},
        h('fieldset', {}, h('legend', {}, t('bench.phases')),
          h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'ph-classic', checked: true}), ' ', t('bench.classic')),
          h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'ph-ai', checked: true}), ' ', t('bench.ai'))),
        h('fieldset', {}, h('legend', {}, t('bench.options')),
          h('label', {class: 'opt'}, t('bench.quant'), ' ', h('select', {id: 'opt-quant'},
            h('option', {value: ''}, t('bench.quant_default')), quants.map(q => h('option', {value: q}, q)))),
          h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'opt-cpu'}), ' ', t('bench.cpu_only'))),
        // wired when the llama-server engine lands; greyed with the reason until then
        h('fieldset', {disabled: true, title: t('bench.server_unavailable')}, h('legend', {}, t('bench.server')),
          h('label', {class: 'opt'}, h('input', {type: 'radio', name: 'srv'}), ' ', t('bench.server_auto'), ' ',
            h('input', {type: 'text', placeholder: '/usr/local/bin/llama-server'})),
          h('label', {class: 'opt'}, h('input', {type: 'radio', name: 'srv'}), ' ', t('bench.server_manual'), ' ',
            h('input', {type: 'text', placeholder: 'http://127.0.0.1:8080'})),
          h('p', {class: 'muted'}, t('bench.server_unavailable'))))),
    h('div', {class: 'card'}, h('h3', {}, t('bench.progress')), h('p', {id: 'run-status'}),
      h('div', {class: 'progress'}, h('div', {id: 'run-bar'})), h('ul', {class: 'events', id: 'run-events'})),
    h('div', {class: 'card'}, h('h3', {}, t('bench.monitor')), h('div', {id: 'monitor-box'}),
      h('p', {id: 'monitor-power', class: 'muted'})),
  );
  monitorChart = null;
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
  root.querySelector('#run-bar').style.width = `${Math.round(state.progress * 100)}%`;
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
