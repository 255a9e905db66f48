// Page 2: one Start button for the default plan, its options, live progress (the server's plan: steps done,
// elapsed and remaining time), Cancel, the event log, the live monitor, and the finished run's headline numbers.
// The run's state always comes from the server (GET /api/runs/{id}, its events stream, GET /api/runs as a
// heartbeat), so a reload or a second tab shows the same run; when the server cannot be reached the page says so
// and retries with a growing delay until it answers again.
import {api, ApiError} from '../api.js';
import {lineChart, chartBox} from '../charts.js';
import {monitorLabel, num, t, unitText} from '../i18n.js';
import {h} from '../ui.js';

const HEARTBEAT_MS = 2000;      // GET /api/runs while a run goes on: fresh times, and a server that stopped answering
const REQUEST_TIMEOUT_MS = 4000;
const RETRY_MS = [1000, 2000, 4000, 8000, 15000];   // backoff while the server cannot be reached

const emptyMonitor = () => ({cpu: [], ram: [], gpu: [], vram: [], temp: [], power: null});
const state = {
  config: null, hw: null, form: null,
  runId: null,          // the run shown (going on, or the last one)
  run: null,            // its state as the server sent it last ({status, steps_done, steps_total, step, pct, ...})
  runAt: 0,             // performance.now() when `run` arrived (the times count on between updates)
  settings: null,       // what the run was asked to do (GET /api/runs/{id}): the form shows it during the run
  running: false,
  events: [],           // the log: [{text, cls, n, key}], repeated lines folded (n)
  source: null, done: null, headline: null, headlineError: null,
  contact: 'ok',        // 'ok', 'lost' (no answer), 'token' (answers 401: restarted with another token)
  retry: 0, retryAt: 0, retryTimer: null, beatTimer: null,
  gone: null,           // the run the server no longer knows (it was restarted while the run went on)
  errors: {},           // field id → message of the page's own checks, shown at the field until it is edited
  apiErrors: {},        // field id → the server's refusal, likewise
  monitor: emptyMonitor(), t0: null, liveMonitor: false,
};
let root, monitorChart = null, tickTimer = null;

export async function mount(el) {
  root = el;
  el.replaceChildren(h('p', {class: 'muted'}, t('common.loading')));
  const [config, hw, runs] = await Promise.allSettled([api.config(), api.hardware(), api.runs()]);
  state.config = config.value || {models: []};
  state.hw = hw.value || null;
  render(el);
  startHeartbeat();
  // a run started elsewhere (another tab, the CLI twin, before a reload) is followed rather than hidden; else the
  // last run of this server is shown as it ended
  const r = runs.value;
  const id = r?.running_id || r?.runs?.[0]?.id;
  if (id) follow(id);
}

export function shown() { if (!state.running && state.contact === 'ok') refreshRunning(); }

async function refreshRunning() {
  try { const r = await api.runs(); if (r.running_id && r.running_id !== state.runId) follow(r.running_id); }
  catch { /* the heartbeat says when the server is gone */ }
}

// A request that gives up after REQUEST_TIMEOUT_MS (a stopped server keeps the connection open without answering).
function timed(promise) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), REQUEST_TIMEOUT_MS);
  })]).finally(() => clearTimeout(timer));
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

const defaults = () => state.config?.defaults || {};
const defaultForm = () => ({models: defaults().models || [], classic: true, ai: true, quant: '', cpu: false, compare: [],
  engine: 'in-process', llamaServer: 'llama-server', serverUrl: '', serverModel: '', apiKey: '',
  runs: String(defaults().runs?.count ?? 3), maxTokens: String(defaults().inference?.max_tokens ?? 256),
  prompt: defaults().prompt ?? ''});

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
    runs: val('#opt-runs'), maxTokens: val('#opt-max-tokens'), prompt: val('#opt-prompt'),
  };
  return state.form;
}

// The form as a run's settings say (GET /api/runs/{id} "settings"): what that run does, not the defaults.
function formOfSettings(s) {
  return {...defaultForm(), models: s.models || [], classic: !s.skip_classic, ai: !s.skip_ai, quant: s.quant || '',
    cpu: !!s.cpu, compare: s.compare || [], engine: s.engine || 'in-process',
    llamaServer: s.llama_server || 'llama-server', serverUrl: s.server_url || '', serverModel: s.server_model || '',
    apiKey: '', runs: String(s.runs ?? ''), maxTokens: String(s.max_tokens ?? ''), prompt: s.prompt ?? ''};
}

// Puts f into the form in place (a followed run's settings; the API key field keeps what it holds: no run gives
// it back).
function applyForm(f) {
  if (!root || !root.querySelector('#ph-classic')) { state.form = f; return; }
  const q = sel => root.querySelector(sel);
  root.querySelectorAll('input[name=model]').forEach(x => { x.checked = f.models.includes(x.value); });
  q('#ph-classic').checked = f.classic;
  q('#ph-ai').checked = f.ai;
  const quant = q('#opt-quant');
  if (f.quant && ![...quant.options].some(o => o.value === f.quant)) quant.appendChild(h('option', {value: f.quant}, f.quant));
  quant.value = f.quant;
  q('#opt-cpu').checked = f.cpu;
  for (const [name, id] of COMPARE) q(`#${id}`).checked = f.compare.includes(name);
  const radio = q(`#engine-${f.engine}`);
  if (radio) radio.checked = true;
  q('#srv-path').value = f.llamaServer;
  q('#srv-url').value = f.serverUrl;
  q('#srv-model').value = f.serverModel;
  q('#opt-runs').value = f.runs;
  q('#opt-max-tokens').value = f.maxTokens;
  q('#opt-prompt').value = f.prompt;
  syncForm();
}

// Greys what does not apply: the comparison phases without the LLM phase, the fields of the other engines; says
// what Start will run.
function syncForm() {
  const f = readForm();
  root.querySelector('#compare-phases').disabled = !f.ai;
  root.querySelector('#cmp-all').checked = f.compare.length === COMPARE.length;
  root.querySelector('#cmp-all').indeterminate = f.compare.length > 0 && f.compare.length < COMPARE.length;
  root.querySelector('#srv-path').disabled = f.engine !== 'auto';
  for (const id of ['#srv-url', '#srv-model', '#srv-key']) root.querySelector(id).disabled = f.engine !== 'manual';
  root.querySelector('#engine-hint').textContent = t(`bench.engine_hint_${f.engine}`);
  for (const id of ['#opt-runs', '#opt-max-tokens', '#opt-prompt']) root.querySelector(id).disabled = !f.ai;
  root.querySelector('#plan-summary').textContent = planSummary(f);
  const note = root.querySelector('#models-note');
  const dm = defaultModels();
  note.hidden = !(f.ai && f.models.length === 0 && f.engine !== 'manual');
  note.textContent = t('run.no_model', {models: dm.map(m => m.name ? `${m.name} (${m.key})` : m.key).join(', ')});
}

// The config's default models, with their names from the registry.
function defaultModels() {
  const keys = defaults().models || [];
  return keys.map(k => (state.config.models || []).find(m => m.key === k) || {key: k});
}

// One line saying what Start runs with the form as it is.
function planSummary(f) {
  const parts = [];
  if (f.classic) parts.push(t('run.sum_classic'));
  if (f.ai) {
    const keys = f.engine === 'manual' ? [f.serverModel || t('bench.srv_model_ph')]
      : f.models.length ? f.models : defaultModels().map(m => `${m.key} (${t('run.default')})`);
    parts.push(t('run.sum_ai', {models: keys.join(', '), runs: f.runs || '?', tokens: f.maxTokens || '?'}));
    if (f.compare.length) parts.push(t('run.sum_compare', {n: f.compare.length}));
  }
  return parts.length ? t('run.sum', {what: parts.join(' + ')}) : t('bench.nothing');
}

function toggleAll(ev) {
  for (const [, id] of COMPARE) root.querySelector(`#${id}`).checked = ev.target.checked;
  syncForm();
}

// Inline errors: each at its field (aria-invalid, described by the message) until the field is edited.
// The server's refusals (apiErrors) stay until their field is edited or a run starts; the page's own checks
// (errors) are made again at each Start.
function setError(field, msg) {
  state.apiErrors[field] = msg;
  showErrors();
}

function clearError(field) {
  if (!(field in state.errors) && !(field in state.apiErrors)) return;
  delete state.errors[field];
  delete state.apiErrors[field];
  showErrors();
}

function showErrors() {
  if (!root) return;
  root.querySelectorAll('.field-error').forEach(p => {
    const msg = state.errors[p.dataset.for] || state.apiErrors[p.dataset.for];
    p.textContent = msg || '';
    p.hidden = !msg;
    const input = root.querySelector(`#${p.dataset.for}`);
    if (input) input.toggleAttribute('aria-invalid', !!msg);
  });
}

// Which field an API refusal is about: the key it names first ("runs (--runs): 0 is out of range", "llama_server:
// ...", "config: inference.max_tokens: ..."); the form's own message place otherwise.
function fieldOfError(msg) {
  if (/inference\.max_tokens/.test(msg)) return 'opt-max-tokens';
  if (/(^|\W)prompt:/.test(msg)) return 'opt-prompt';
  const key = (msg.match(/^([a-z_]+)[ :(]/) || [])[1];
  return {models: 'models', runs: 'opt-runs', quant: 'opt-quant', compare: 'compare-phases', llama_server: 'srv-path',
    server_url: 'srv-url', server_model: 'srv-model', api_key: 'srv-key', engine: 'engine', skip_ai: 'phases',
    skip_classic: 'phases'}[key] || 'form';
}

// The POST /api/runs body, or null with the errors shown at their fields.
function options() {
  const f = readForm();
  const errs = {};
  const body = {skip_classic: !f.classic, skip_ai: !f.ai, cpu: f.cpu};
  if (!f.classic && !f.ai) errs.phases = t('bench.nothing');
  if (f.models.length) body.models = f.models;
  if (f.quant) body.quant = f.quant;
  if (f.ai && f.compare.length) body.compare = f.compare;
  if (f.ai) {
    const d = defaults();
    const runs = Number(f.runs), tokens = Number(f.maxTokens), nctx = d.inference?.n_ctx ?? 2048;
    if (!Number.isInteger(runs) || runs < 1 || runs > 100) errs['opt-runs'] = t('run.err_runs');
    else if (runs !== (d.runs?.count ?? 3)) body.runs = runs;
    if (!Number.isInteger(tokens) || tokens < 1 || tokens >= nctx) errs['opt-max-tokens'] = t('run.err_tokens', {max: nctx - 1});
    const config = {};
    if (tokens !== (d.inference?.max_tokens ?? 256)) config.inference = {max_tokens: tokens};
    if (!f.prompt.trim()) errs['opt-prompt'] = t('run.err_prompt');
    else if (new TextEncoder().encode(f.prompt).length > 2047) errs['opt-prompt'] = t('run.err_prompt_long');
    else if (f.prompt !== (d.prompt ?? '')) config.prompt = f.prompt;
    if (Object.keys(config).length) body.config = config;
  }
  if (f.engine === 'auto') {
    if (!f.llamaServer.trim()) errs['srv-path'] = t('bench.need_path');
    Object.assign(body, {engine: 'auto', llama_server: f.llamaServer.trim()});
  } else if (f.engine === 'manual') {
    if (!f.serverUrl.trim()) errs['srv-url'] = t('bench.need_url');
    Object.assign(body, {engine: 'manual', server_url: f.serverUrl.trim()});
    if (f.serverModel.trim()) body.server_model = f.serverModel.trim();
    if (f.apiKey) body.api_key = f.apiKey;
  }
  state.errors = errs;
  showErrors();
  if (Object.keys(errs).length) {
    root.querySelector('.field-error:not([hidden])')?.scrollIntoView({block: 'center'});
    return null;
  }
  return body;
}

async function start() {
  const body = options();
  if (!body) return;
  state.starting = true;
  try {
    const r = await api.startRun(body);
    state.apiErrors = {};
    showErrors();
    follow(r.id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.body?.running_id) {
      setError('form', t('bench.already', {id: e.body.running_id}));
      follow(e.body.running_id);
    } else if (e instanceof ApiError && e.status === 400) {
      setError(fieldOfError(e.message), t('run.refused', {msg: e.message}));
    } else {
      setError('form', t('common.error', {msg: e instanceof ApiError ? e.message : t('run.lost_short')}));
    }
  } finally {
    state.starting = false;
  }
}

async function cancel() {
  if (!state.runId || !state.running) return;
  // the button stays disabled from now on: the run stops at its next check
  state.run = {...(state.run || {}), status: 'cancelling'};
  update();
  try { await timed(api.cancelRun(state.runId)); } catch (e) { setError('form', t('common.error', {msg: e.message})); }
}

// Follows run id: its settings and state from GET /api/runs/{id}, then its events stream (every event from the
// first, so the log and the monitor are rebuilt as the server has them).
async function follow(id) {
  stopStream();
  Object.assign(state, {runId: id, running: true, events: [], done: null, headline: null, headlineError: null,
    gone: null, monitor: emptyMonitor(), liveMonitor: false, t0: performance.now(), run: null, settings: null,
    lastEventId: -1});
  state.logDirty = true;
  update();
  await attach(id);
}

// (Re)attaches to run id: its state and settings, its events after the last one seen, the heartbeat.
async function attach(id) {
  let info;
  try {
    info = await timed(api.run(id));
  } catch (e) {
    lostContact(e);
    return;
  }
  if (state.runId !== id) return;
  setRunState(info.state);
  state.settings = info.settings || null;
  if (state.settings) {
    // the form shows what this run does (a run started elsewhere too); a finished one leaves its settings there
    applyForm(formOfSettings(state.settings));
  }
  // the bar and the times from this state now, not at the stream's first event (after a reload it showed 0 %
  // until then)
  update();
  openStream(id);
}

function stopStream() {
  if (state.source) state.source.close();
  state.source = null;
}

function openStream(id) {
  stopStream();
  const src = new EventSource(api.eventsUrl(id));
  state.source = src;
  const on = (type, fn) => src.addEventListener(type, ev => {
    if (state.source !== src) return;
    // the stream replays from the first event: the ones already shown (before a lost contact) are skipped
    const eid = Number(ev.lastEventId);
    if (Number.isFinite(eid)) {
      if (eid <= state.lastEventId) return;
      state.lastEventId = eid;
    }
    const d = JSON.parse(ev.data);
    if (d.state) setRunState(d.state);
    fn(d);
    update();
  });
  on('phase', d => {
    if (d.event === 'start') {
      log(['bench.phase_start', {name: d.name}], '');
    } else {
      const st = d.status || 'ok';
      log(['bench.phase_done', {name: d.name, status: st}], `status-${st}`);
      // without live samples, each finished phase adds its monitor summary (the server's point) as one point
      if (d.monitor_point && !state.liveMonitor) addMonitorPoint(d.monitor_point);
    }
  });
  on('ai', d => {
    const cls = d.event === 'run_done' || d.event === 'model_done' ? 'status-ok' : '';
    const line = ['bench.tps', {model: d.model || '', text: d.text || d.event}];
    // a download's lines differ only in their rate: one line that changes
    if (d.event === 'download') log(line, cls, `download:${d.model}`);
    else log(line, cls);
  });
  on('step', () => {});
  on('state', d => { if (d.state?.status === 'cancelling') log(['run.cancelling'], 'warn', 'cancelling'); });
  // optional live samples, if the server streams them: {t_s, cpu_pct, ram_used_gb, gpu0_util_pct, ...}
  on('monitor', d => { state.liveMonitor = true; addMonitorPoint(d); });
  on('done', d => {
    state.done = d;
    state.running = false;
    stopStream();
    if (d.file && d.status !== 'failed') loadHeadline(d.file);
  });
  src.onerror = () => {
    if (state.source !== src || !state.running) return;
    // the browser would retry on its own and replay nothing twice; the page retries itself, with a delay that
    // grows, and says so once
    lostContact(new Error('stream'));
  };
}

function setRunState(s) {
  if (!s) return;
  const cur = state.run;
  // a replayed event's older state (its clock behind the one shown) changes nothing
  if (cur && cur.status === s.status && s.elapsed_s != null &&
      s.elapsed_s < (cur.elapsed_s ?? 0) + (performance.now() - state.runAt) / 1000 - 1) return;
  // a replayed stream repeats older states: the bar never goes back within a run
  if (state.run && state.run.pct > s.pct && s.status === 'running') s = {...s, pct: state.run.pct};
  if (state.run?.status === 'cancelling' && s.status === 'running') s = {...s, status: 'cancelling'};
  state.run = s;
  state.runAt = performance.now();
}

// The log: line is [i18n key, params], drawn in the page's language when shown; a line like the one before it adds
// "×N" to it instead; key: a line that replaces the last one with the same key (a download's rate).
function log(line, cls, key) {
  const last = state.events.at(-1);
  const sig = JSON.stringify(line);
  if (last && key && last.key === key) Object.assign(last, {line, sig, cls});
  else if (last && last.sig === sig && last.cls === cls) last.n++;
  else state.events.push({line, sig, cls, n: 1, key});
  state.logDirty = true;
}

// Heartbeat: GET /api/runs every HEARTBEAT_MS from the page's start: the running state's times, a run started
// elsewhere (another tab, a script), and a server that stopped answering (the events stream alone stays silent
// then).
function startHeartbeat() {
  if (!state.beatTimer) state.beatTimer = setInterval(beat, HEARTBEAT_MS);
}

async function beat() {
  if (state.contact !== 'ok' || state.beating || state.starting) return;
  state.beating = true;
  try {
    const r = await timed(api.runs());
    if (state.starting) return;
    if (state.running && state.runId) {
      const mine = (r.runs || []).find(x => x.id === state.runId);
      if (!mine) { runGone(); return; }
      setRunState(mine.state);
      if (mine.status !== 'running' && !state.source) follow(state.runId);
      update();
    } else if (r.running_id && r.running_id !== state.runId) {
      follow(r.running_id);
    }
  } catch (e) {
    lostContact(e);
  } finally {
    state.beating = false;
  }
}

// The first failure while in contact: say it once, stop the stream and the heartbeat, retry with backoff.
function lostContact(e) {
  if (e instanceof ApiError && e.status === 404) { runGone(); return; }
  if (state.contact !== 'ok') return;
  const token = e instanceof ApiError && e.status === 401;
  log([token ? 'run.lost_token' : 'run.lost'], 'bad');
  state.contact = token ? 'token' : 'lost';
  stopStream();
  scheduleRetry();
  update();
}

function scheduleRetry() {
  clearTimeout(state.retryTimer);
  const delay = RETRY_MS[Math.min(state.retry, RETRY_MS.length - 1)];
  state.retry++;
  state.retryAt = performance.now() + delay;
  state.retryTimer = setTimeout(reconnect, delay);
}

async function reconnect() {
  clearTimeout(state.retryTimer);
  state.retryTimer = null;
  const id = state.runId;
  state.retrying = true;
  updateTimes();
  try {
    const r = await timed(api.runs());
    state.retrying = false;
    state.contact = 'ok';
    state.retry = 0;
    log(['run.back'], 'status-ok');
    if (id && (r.runs || []).some(x => x.id === id)) {
      // the same server (it had stopped answering): the run goes on where the page left it
      if (state.running) attach(id); else update();
    } else if (id) {
      runGone();
      if (r.running_id) follow(r.running_id);
    }
  } catch (e) {
    state.retrying = false;
    state.contact = e instanceof ApiError && e.status === 401 ? 'token' : 'lost';
    scheduleRetry();
  }
  update();
}

// The server answers but no longer knows the run: it was restarted while the run went on.
function runGone() {
  state.gone = state.runId;
  state.running = false;
  stopStream();
  update();
}

async function loadHeadline(file) {
  try {
    state.headline = {file, view: await timed(api.resultView(file))};
  } catch (e) {
    state.headlineError = e.message;
  }
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

// Field with its label and its error place.
function field(id, label, input, hint) {
  return h('div', {class: 'field'}, h('label', {for: id}, label), input,
    hint ? h('span', {class: 'muted small', id: `${id}-hint`}, hint) : null,
    h('p', {class: 'field-error', 'data-for': id, id: `${id}-error`, role: 'alert', hidden: true}));
}

const errorAt = id => h('p', {class: 'field-error', 'data-for': id, id: `${id}-error`, role: 'alert', hidden: true});

export function render(el = root) {
  if (!el || !state.config) return;
  const models = state.config.models || [];
  const f = readForm() || defaultForm();
  const chosen = new Set(f.models);
  const quants = [...new Set(models.flatMap(m => (m.quants || []).map(q => q.name)))];
  const onchange = ev => {
    clearError(ev.target.id);
    const group = ev.target.closest('[data-field]')?.dataset.field;
    if (group) clearError(group);
    syncForm();
  };
  const engine = (value, label) => h('label', {class: 'opt'}, h('input', {type: 'radio', name: 'engine', value,
    id: `engine-${value}`, checked: f.engine === value, onchange}), ' ', label);
  const d = defaults();
  el.replaceChildren(
    h('div', {class: 'row run-actions'},
      h('button', {class: 'primary', id: 'start', onclick: start}, t('bench.start')),
      h('button', {id: 'cancel', onclick: cancel, disabled: true}, t('bench.cancel')),
      h('span', {id: 'plan-summary', class: 'muted'})),
    errorAt('form'),
    h('p', {id: 'form-locked', class: 'muted small', hidden: true}),
    h('fieldset', {id: 'run-form', class: 'plain'},
      h('legend', {class: 'sr-only'}, t('run.form')),
      h('div', {class: 'grid', style: 'margin-top:1em'},
        h('fieldset', {id: 'models', 'data-field': 'models'}, h('legend', {}, t('bench.models')),
          models.length === 0 ? h('p', {class: 'muted'}, state.config.models_error || '—') : models.map(m => {
            const [fit, cls, why] = fitText(m);
            return h('label', {class: 'opt', title: why}, h('input', {type: 'checkbox', name: 'model', value: m.key,
              checked: chosen.has(m.key), onchange}), ` ${m.name || m.key} (${m.params || '?'}) `,
              h('span', {class: `fit ${cls}`, dataset: {fit: m.fit?.result || 'unknown'}}, fit));
          }),
          h('p', {id: 'models-note', class: 'note small', hidden: true}),
          errorAt('models')),
        h('div', {},
          h('fieldset', {id: 'phases', 'data-field': 'phases'}, h('legend', {}, t('bench.phases')),
            h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'ph-classic', checked: f.classic, onchange}), ' ', t('bench.classic')),
            h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'ph-ai', checked: f.ai, onchange}), ' ', t('bench.ai')),
            errorAt('phases')),
          h('fieldset', {id: 'compare-phases', 'data-field': 'compare-phases'}, h('legend', {}, t('bench.compare')),
            COMPARE.map(([name, id]) => h('label', {class: 'opt'}, h('input', {type: 'checkbox', id, value: name,
              checked: f.compare.includes(name), onchange}), ' ', t(`bench.${id}`))),
            h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'cmp-all', onchange: toggleAll}), ' ', t('bench.cmp-all')),
            h('p', {class: 'muted small'}, t('bench.compare_hint')),
            errorAt('compare-phases')),
          h('fieldset', {id: 'run-options'}, h('legend', {}, t('bench.options')),
            h('label', {class: 'opt'}, t('bench.quant'), ' ', h('select', {id: 'opt-quant', onchange},
              h('option', {value: ''}, t('bench.quant_default')),
              quants.map(q => h('option', {value: q, selected: q === f.quant}, q)))),
            errorAt('opt-quant'),
            h('label', {class: 'opt'}, h('input', {type: 'checkbox', id: 'opt-cpu', checked: f.cpu, onchange}), ' ', t('bench.cpu_only')),
            field('opt-runs', t('run.runs'), h('input', {type: 'number', id: 'opt-runs', min: 1, max: 100, step: 1,
              value: f.runs, oninput: onchange, 'aria-describedby': 'opt-runs-error opt-runs-hint'}),
              t('run.runs_hint', {n: d.runs?.count ?? 3})),
            field('opt-max-tokens', t('run.max_tokens'), h('input', {type: 'number', id: 'opt-max-tokens', min: 1,
              max: (d.inference?.n_ctx ?? 2048) - 1, step: 1, value: f.maxTokens, oninput: onchange,
              'aria-describedby': 'opt-max-tokens-error opt-max-tokens-hint'}),
              t('run.max_tokens_hint', {n: d.inference?.max_tokens ?? 256})),
            field('opt-prompt', t('run.prompt'), h('textarea', {id: 'opt-prompt', rows: 2, maxlength: 2047,
              spellcheck: 'false', oninput: onchange, 'aria-describedby': 'opt-prompt-error'}, f.prompt))),
          h('fieldset', {id: 'engine', 'data-field': 'engine'}, h('legend', {}, t('bench.server')),
            engine('in-process', t('bench.engine_in_process')),
            engine('auto', t('bench.server_auto')),
            h('div', {class: 'sub'}, h('label', {for: 'srv-path'}, t('bench.srv_path')),
              h('input', {type: 'text', id: 'srv-path', value: f.llamaServer, placeholder: 'llama-server',
                spellcheck: 'false', oninput: onchange, 'aria-describedby': 'srv-path-error'}),
              errorAt('srv-path')),
            engine('manual', t('bench.server_manual')),
            h('div', {class: 'sub'},
              h('label', {for: 'srv-url'}, t('bench.srv_url')),
              h('input', {type: 'text', id: 'srv-url', value: f.serverUrl, placeholder: 'http://127.0.0.1:8080',
                spellcheck: 'false', oninput: onchange, 'aria-describedby': 'srv-url-error'}),
              errorAt('srv-url'),
              h('label', {for: 'srv-model'}, t('bench.srv_model')),
              h('input', {type: 'text', id: 'srv-model', value: f.serverModel, placeholder: t('bench.srv_model_ph'),
                spellcheck: 'false', oninput: onchange}),
              errorAt('srv-model'),
              h('label', {for: 'srv-key'}, t('bench.srv_key')),
              h('input', {type: 'password', id: 'srv-key', value: f.apiKey, autocomplete: 'off',
                placeholder: t('bench.srv_key_ph'), oninput: onchange}),
              errorAt('srv-key')),
            h('p', {class: 'muted small', id: 'engine-hint'}),
            errorAt('engine'))))),
    h('div', {class: 'card', id: 'run-card'}, h('h3', {id: 'progress-title'}, t('bench.progress')),
      h('div', {id: 'run-contact', class: 'contact', role: 'alert', hidden: true}),
      h('p', {id: 'run-status'}),
      h('div', {class: 'progress', id: 'run-progress', role: 'progressbar', 'aria-labelledby': 'progress-title',
        'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0}, h('div', {id: 'run-bar'})),
      h('p', {id: 'run-times', class: 'muted small'}),
      h('div', {id: 'run-summary'}),
      h('h4', {class: 'small muted', id: 'events-title'}, t('run.log')),
      // the live region holds the list (a role on the <ul> itself would take its items' list semantics away)
      h('div', {class: 'events', id: 'run-events', role: 'log', 'aria-live': 'polite', 'aria-labelledby': 'events-title',
        tabindex: 0})),
    h('div', {class: 'card'}, h('h3', {}, t('bench.monitor')), h('div', {id: 'monitor-box'}),
      h('p', {id: 'monitor-power', class: 'muted'})),
  );
  monitorChart = null;
  state.logDirty = true;
  state.summaryKey = null;
  syncForm();
  showErrors();
  update();
  if (!tickTimer) tickTimer = setInterval(() => { if (state.running) updateTimes(); }, 1000);
}

// m:ss or h:mm:ss
function clock(s) {
  if (s == null || !Number.isFinite(s)) return '—';
  s = Math.max(0, Math.round(s));
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

const statusText = st => { const k = `run.st_${st}`; const s = t(k); return s === k ? st : s; };
const phaseName = n => { const k = `run.cl_${n}`; const s = t(k); return s === k ? n : s; };

// The step going on, in the page's language, from the server's fields.
function stepText(step) {
  if (!step) return '';
  if (step.kind === 'detect') return t('run.step_detect');
  if (step.kind === 'save') return t('run.step_save');
  if (step.kind === 'classic') return phaseName(step.name);
  let where = step.model;
  if (step.phase && step.phase !== 'plain') {
    const pk = `run.ph_${step.phase}`, pn = t(pk) === pk ? step.phase : t(pk);
    where = `${step.model}, ${pn} ${step.variant}`;
  }
  return t(`run.step_${step.kind}`, {where, run: step.run, runs: step.runs});
}

function updateTimes() {
  const el = root?.querySelector('#run-times');
  const s = state.run;
  if (!el) return;
  if (!s) { el.textContent = ''; return; }
  // the clock goes on between the server's updates (and while it cannot be reached); the time left only while
  // the server says it
  const since = state.running ? (performance.now() - state.runAt) / 1000 : 0;
  const elapsed = (s.elapsed_s ?? 0) + since;
  const parts = [t('run.elapsed', {t: clock(elapsed)})];
  if (state.running && state.contact === 'ok' && s.status === 'running' && s.remaining_s != null)
    parts.push(t('run.remaining', {t: clock(Math.max(0, s.remaining_s - since))}));
  el.textContent = parts.join(' · ');
  if (state.contact !== 'ok') {
    const c = root.querySelector('#run-contact-retry');
    if (c) c.textContent = state.retrying ? t('run.retrying')
      : t('run.retry_in', {s: Math.max(1, Math.ceil((state.retryAt - performance.now()) / 1000))});
  }
}

function update() {
  if (!root || !root.querySelector('#run-status')) return;
  const s = state.run;
  const cancelling = state.running && s?.status === 'cancelling';
  const lost = state.contact !== 'ok';
  root.querySelector('#start').disabled = state.running || lost;
  const cancelBtn = root.querySelector('#cancel');
  cancelBtn.disabled = !state.running || cancelling || lost;
  cancelBtn.textContent = cancelling ? t('run.cancelling_btn') : t('bench.cancel');
  // the form is locked while a run goes on: it shows that run's settings
  root.querySelector('#run-form').disabled = state.running;
  const locked = root.querySelector('#form-locked');
  locked.hidden = !state.running;
  locked.textContent = state.running ? t('run.locked', {id: state.runId}) : '';

  const contact = root.querySelector('#run-contact');
  contact.hidden = !lost;
  if (lost) {
    contact.replaceChildren(h('strong', {}, t(state.contact === 'token' ? 'run.lost_token' : 'run.lost')), ' ',
      h('span', {id: 'run-contact-retry'}), ' ',
      h('button', {type: 'button', id: 'retry-now', onclick: reconnect}, t('run.retry_now')));
  }

  const status = root.querySelector('#run-status');
  if (state.done) {
    const st = state.done.status;
    status.replaceChildren(t('bench.done', {status: statusText(st)}), ' ',
      state.done.file && st !== 'failed' ? h('a', {href: `#results/${encodeURIComponent(state.done.file)}`,
        id: 'open-result', dataset: {file: state.done.file}}, t('run.open_result', {file: state.done.file})) : '',
      state.done.error ? h('span', {class: 'bad'}, ` ${state.done.error}`) : '');
  } else if (state.gone) {
    status.replaceChildren(h('span', {class: 'bad'}, t('run.gone', {id: state.gone})));
  } else if (state.runId) {
    const step = s?.step ? ` — ${t('run.step_of', {n: (s.steps_done ?? 0) + 1, total: s.steps_total})}: ${stepText(s.step)}` : '';
    status.textContent = `${t(cancelling ? 'run.cancelling_id' : 'bench.running', {id: state.runId})}${step}`;
  } else {
    status.textContent = t('bench.idle');
  }

  // the bar: the server's share of the plan done; 100 % only for a completed run
  const pct = state.done?.status === 'complete' ? 100 : Math.min(s?.pct ?? 0, 99);
  const bar = root.querySelector('#run-bar');
  bar.style.width = `${pct}%`;
  const prog = root.querySelector('#run-progress');
  prog.className = `progress ${state.done ? `ended-${state.done.status}` : cancelling ? 'cancelling' : lost || state.gone ? 'stale' : ''}`;
  prog.setAttribute('aria-valuenow', String(pct));
  prog.setAttribute('aria-valuetext', s?.steps_total ? t('run.valuetext', {pct, n: s.steps_done, total: s.steps_total}) : `${pct} %`);
  updateTimes();

  if (state.logDirty) {
    state.logDirty = false;
    const ul = root.querySelector('#run-events');
    const follow = ul.scrollHeight - ul.scrollTop - ul.clientHeight < 24;   // the reader is at the bottom
    ul.replaceChildren(h('ul', {}, state.events.map(e => h('li', {class: e.cls},
      t(...e.line), e.n > 1 ? h('span', {class: 'times', 'aria-label': t('run.times', {n: e.n})}, ` ×${e.n}`) : null))));
    if (follow) ul.scrollTop = ul.scrollHeight;
  }
  updateSummary();

  const m = state.monitor;
  // the series' names as the results page writes them (monitorLabel), memory in the GUI's binary unit
  const gib = unitText('GiB');
  const series = [{label: `${monitorLabel('cpu_pct')} (%)`, unit: '%', points: m.cpu},
    {label: `${monitorLabel('ram_used_gb')} (${gib})`, unit: gib, points: m.ram, axis: 'y1'}];
  if (m.gpu.length) series.push({label: `${monitorLabel('gpu0_util_pct')} (%)`, unit: '%', points: m.gpu});
  if (m.vram.length) series.push({label: `${monitorLabel('gpu0_vram_used_gb')} (${gib})`, unit: gib, points: m.vram, axis: 'y1'});
  if (m.temp.length) series.push({label: `${monitorLabel('gpu0_temp_c')} (°C)`, unit: '°C', points: m.temp});
  const power = root.querySelector('#monitor-power');
  if (power) power.textContent = m.power != null ? `GPU 0: ${m.power.toFixed(0)} W` : '';
  if (monitorChart && monitorChart.data.datasets.length !== series.length) {
    monitorChart.destroy();
    root.querySelector('#monitor-box').replaceChildren();
    monitorChart = null;
  }
  if (!monitorChart) {
    const canvas = chartBox(root.querySelector('#monitor-box'), {small: true, name: 'monitor-live'});
    // percentages on a 0-100 axis even before the first sample (a GPU's °C share it: both stay under 100)
    monitorChart = lineChart(canvas, series, {yTitle: '%', y2Title: gib, yMax: 100});
  } else {
    series.forEach((x, i) => { if (monitorChart.data.datasets[i]) monitorChart.data.datasets[i].data = x.points; });
  }
  monitorChart?.update('none');
}

const finite = v => typeof v === 'number' && Number.isFinite(v);
const metricOf = (item, key) => (item?.metrics || []).find(x => x.key === key) || {};

function card(id, label, value, sub, cls = '') {
  return h('div', {class: `headline ${cls}`, dataset: {card: id}}, h('div', {class: 'headline-label'}, label),
    h('div', {class: 'headline-value'}, value), sub ? h('div', {class: 'headline-sub small'}, sub) : null);
}

// The finished run's headline: tokens/s, TTFT, GFLOPS, bandwidth, the ladder, each as the server's view of the
// file gives it; the runs' agreement and the busy-machine warning; a link to that result.
function updateSummary() {
  const box = root.querySelector('#run-summary');
  const key = state.headline ? state.headline.file : state.headlineError;
  if (state.summaryKey === key) return;
  state.summaryKey = key;
  if (state.headlineError) { box.replaceChildren(h('p', {class: 'bad'}, t('common.error', {msg: state.headlineError}))); return; }
  if (!state.headline) { box.replaceChildren(); return; }
  const {file, view} = state.headline;
  const cards = [];
  for (const m of (view.ai?.models || []).filter(x => x.has_summary).slice(0, 3)) {
    const tps = metricOf(m, 'tps'), ttft = metricOf(m, 'ttft');
    const who = (view.ai.models.length > 1 ? `${m.key} — ` : '') + (m.synthetic ? t('run.synthetic') : '');
    cards.push(card(`tps-${m.key}`, t('run.h_tps'), finite(tps.value) ? `${num(tps.value, 1, 1)}${finite(tps.sd) ? ` ± ${num(tps.sd, 1, 1)}` : ''}` : '—',
      [who ? h('div', {}, who) : null, h('div', {class: m.runs_ok === false ? 'bad' : 'okc', dataset: {stability: ''}},
        m.runs_ok == null ? '' : `${t(m.runs_ok ? 'res.runs_ok' : 'res.runs_failed')}${finite(m.cv_pct) ? `, ${t('res.cv', {cv: num(m.cv_pct, 1, 1)})}` : ''}`)]));
    cards.push(card(`ttft-${m.key}`, t('run.h_ttft'), finite(ttft.value) ? `${num(ttft.value * 1000, 1, 1)} ms` : '—', who));
    const rungs = m.ladder?.rungs || [];
    const bench = rungs.find(r => r.id === 'bench'), chat = rungs.find(r => r.id === 'chat');
    if (finite(bench?.decode_tps) && finite(chat?.decode_tps))
      cards.push(card(`ladder-${m.key}`, t('run.h_ladder'), `${num(bench.decode_tps, 0)} → ${num(chat.decode_tps, 0)}`,
        t('run.h_ladder_sub', {cost: num(100 * (1 - chat.decode_tps / bench.decode_tps), 0)})));
  }
  const chart = id => (view.classic?.charts || []).find(c => c.id === id);
  const gf = chart('gflops');
  const best = key => Math.max(...(gf?.series.find(x => x.key === key)?.values || []).filter(finite));
  if (gf?.has_data && Number.isFinite(best('multi')))
    cards.push(card('gflops', t('run.h_gflops'), num(best('multi'), 1, 1),
      Number.isFinite(best('single')) ? t('run.h_gflops_sub', {v: num(best('single'), 1, 1)}) : ''));
  const bw = chart('bandwidth');
  const ri = bw?.labels?.indexOf('read');
  const read = ri >= 0 ? bw.series.find(x => x.key === 'multi')?.values?.[ri] : null;
  if (bw?.has_data && finite(read)) cards.push(card('bandwidth', t('run.h_bw'), `${num(read, 1, 1)} GB/s`, t('run.h_bw_sub')));
  const noisy = view.noise || [];
  box.replaceChildren(
    cards.length ? h('div', {class: 'headlines'}, cards) : h('p', {class: 'muted'}, t('run.no_numbers')),
    noisy.length ? h('p', {class: 'warn noisy-run', role: 'note'}, t('run.noisy', {n: noisy.length,
      pct: num(Math.max(...noisy.map(x => x.other_cpu_pct).filter(finite)), 0)})) : null);
}
