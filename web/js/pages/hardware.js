// Page 1: everything detection knows (an unknown value with the reason detection gave), warnings about the
// llama.cpp library against the GPUs found, and what fits this machine (computellm advise).
import {api} from '../api.js';
import {getLang, num, serverError, serverText, t, unitText} from '../i18n.js';
import {h, kv} from '../ui.js';

let hw = null, error = null;

export async function mount(el) {
  el.replaceChildren(h('p', {class: 'muted'}, t('common.loading')));
  try { hw = await api.hardware(); } catch (e) { error = e.message; }
  render(el);
}

function warnings(hw) {
  const out = [];
  const lib = hw.llama_library;
  const devices = hw.gpu?.devices || [];
  if (lib && lib.found === false) out.push(t('hw.warn_no_llama'));
  const gpu = devices.find(d => !d.integrated && /nvidia|amd|intel/i.test(d.vendor || ''));
  const gpuBackends = (lib?.backends || []).filter(b => !/^cpu$/i.test(b));
  if (lib?.found && gpu && (lib.variant === 'cpu' || (lib.backends && gpuBackends.length === 0)))
    out.push(t('hw.warn_cpu_llama', {vendor: gpu.vendor, variant: /nvidia/i.test(gpu.vendor) ? 'cuda' : 'vulkan'}));
  return out;
}

// The reason detection gave for obj[key] being null (its null_reasons), or null.
const whyOf = (obj, key) => obj?.null_reasons?.[key] ?? null;

// One value: its text with the unit, or "unknown" with the reason beside it (and as the tooltip).
function val(obj, key, fmt = v => String(v)) {
  const v = obj?.[key];
  if (v !== null && v !== undefined) return fmt(v);
  const why = whyOf(obj, key);
  return h('span', {class: 'unknown', title: why ?? undefined, dataset: {why: why ? '1' : ''}}, t('common.unknown'),
    why ? h('span', {class: 'muted small why'}, ` (${serverText(why)})`) : null);
}

// "a / b" where either may be unknown: the reasons said once when both have the same.
function pair(obj, a, b, fmt) {
  const va = obj?.[a], vb = obj?.[b];
  if (va == null && vb == null && whyOf(obj, a) && whyOf(obj, a) === whyOf(obj, b))
    return h('span', {class: 'unknown', title: whyOf(obj, a)}, `${t('common.unknown')} / ${t('common.unknown')}`,
      h('span', {class: 'muted small why'}, ` (${serverText(whyOf(obj, a))})`));
  return h('span', {}, val(obj, a, fmt), ' / ', val(obj, b, fmt));
}

const mhz = v => `${num(v, 0)} MHz`;
const gib = v => `${num(v, 2)} ${unitText('GiB')}`;

export function render(el) {
  if (!el) return;
  if (error) { el.replaceChildren(h('p', {class: 'bad', role: 'alert'}, t('common.error', {msg: serverError(error)}))); return; }
  if (!hw) return;
  const cpu = hw.cpu || {}, ram = hw.ram || {}, os = hw.os || {}, lib = hw.llama_library;
  const f = cpu.frequency || {};
  const caches = Object.entries(cpu.caches || {}).filter(([, c]) => c && c.size_kb)
    .map(([k, c]) => `${k.toUpperCase()} ${num(c.size_kb, 0)} ${unitText('KiB')}${c.instances > 1 ? ` ×${c.instances}` : ''}`).join(', ');
  const isa = Object.entries(cpu.isa || {}).filter(([, v]) => v === true).map(([k]) => h('span', {}, k));
  const warn = warnings(hw);
  const devices = hw.gpu?.devices || [];
  el.replaceChildren(
    ...(warn.length ? [h('div', {class: 'card warn', id: 'hw-warnings'}, h('h2', {}, t('hw.warnings')),
      h('ul', {}, warn.map(w => h('li', {}, w))))] : []),
    h('div', {class: 'grid'},
      h('div', {class: 'card', id: 'hw-cpu'}, h('h2', {}, t('hw.cpu')), kv([
        [t('hw.model'), val(cpu, 'model')], [t('hw.vendor'), val(cpu, 'vendor')],
        [t('hw.cores'), pair(cpu, 'physical_cores', 'logical_cores', v => num(v, 0))],
        [t('hw.sockets'), pair(cpu, 'sockets', 'numa_nodes', v => num(v, 0))],
        [t('hw.freq'), pair(f, 'base_mhz', 'max_mhz', mhz)],
        [t('hw.freq_current'), val(f, 'current_mhz', mhz)],
        [t('hw.governor'), val(cpu, 'governor')],
        [t('hw.caches'), caches || '—'],
      ]), h('h3', {}, t('hw.isa')), h('div', {class: 'flags'}, isa)),
      h('div', {class: 'card', id: 'hw-ram'}, h('h2', {}, t('hw.ram')), kv([
        [t('hw.ram_total'), pair(ram, 'total_gb', 'available_gb', gib)],
        [t('hw.swap'), pair(ram, 'swap_total_gb', 'swap_free_gb', gib)],
        [t('hw.ram_type'), pair(ram, 'type', 'speed_mts', v => (typeof v === 'number' ? `${num(v, 0)} MT/s` : v))],
        [t('hw.unified'), ram.unified_memory ? t('common.yes') : t('common.no')],
      ]), h('p', {class: 'muted small'}, t('common.units_note')), h('h3', {}, t('hw.os')), kv([
        [t('mach.os'), os.distribution || os.system], [t('mach.kernel'), os.kernel || os.release],
        [t('mach.arch'), os.machine], ['Host', os.hostname],
      ])),
      h('div', {class: 'card', id: 'hw-llama'}, h('h2', {}, t('hw.llama')), !lib ? h('p', {class: 'muted'}, '—')
        : lib.found === false ? h('p', {class: 'warn'}, t('hw.llama_missing', {reason: serverText(lib.reason || '')}))
        : kv([[t('hw.path'), lib.path], [t('hw.version'), lib.version ?? lib.reason], [t('hw.variant'), lib.variant],
              ['ggml', lib.ggml_version], [t('hw.backends'), (lib.backends || []).join(', ') || '—']])),
    ),
    h('div', {class: 'card', id: 'hw-gpus'}, h('h2', {}, t('hw.gpus')), devices.length === 0
      ? [h('p', {class: 'muted'}, t('hw.no_gpu')), gpuSources(hw.gpu?.sources)]
      : h('div', {class: 'scroll'}, h('table', {}, h('thead', {}, h('tr', {},
          ['#', t('hw.gpu_name'), t('hw.vram'), t('hw.backend'), t('hw.driver'), 'PCI'].map(x => h('th', {scope: 'col'}, x)))),
        h('tbody', {}, devices.map(d => h('tr', {}, h('td', {}, d.index), h('td', {}, d.name),
          h('td', {class: 'n'}, val(d, 'vram_total_gb', gib)), h('td', {}, val(d, 'backend')),
          h('td', {}, val(d, 'driver_version')), h('td', {}, val(d, 'pci_bus_id')))))))),
    fitsCard(hw.what_fits),
  );
}

// What each GPU detector said (why no GPU is listed).
function gpuSources(list) {
  if (!list?.length) return null;
  return h('ul', {class: 'small muted', id: 'gpu-sources'}, list.map(s =>
    h('li', {}, h('strong', {}, `${s.source}: `), `${s.status}${s.detail ? ` — ${serverText(s.detail)}` : ''}`)));
}

// A cell of the server's what-fits table in the GUI's language: French words and decimal commas in French, the
// server's text otherwise.
function fitCell(col, c) {
  if (getLang() !== 'fr') return c;
  if (col === 'Where' || col === 'Downloaded') return t(`fit.${c}`) === `fit.${c}` ? c : t(`fit.${c}`);
  return /^-?\d+\.\d+$/.test(c) ? c.replace('.', ',') : c;
}

// The server's "what fits" view (computellm advise): header, rows of cells, notes; drawn as sent.
function fitsCard(v) {
  if (!v) return null;
  if (v.error) return h('div', {class: 'card', id: 'hw-fits'}, h('h2', {}, t('hw.fits')),
    h('p', {class: 'warn'}, t('hw.fits_error', {msg: serverText(v.error)})));
  const head = v.head || [];
  const colName = c => (t(`fit.col_${c}`) === `fit.col_${c}` ? c : t(`fit.col_${c}`));
  return h('div', {class: 'card', id: 'hw-fits'}, h('h2', {}, t('hw.fits')),
    h('div', {class: 'scroll'}, h('table', {}, h('thead', {}, h('tr', {}, head.map(x => h('th', {scope: 'col'}, colName(x))))),
      h('tbody', {}, (v.rows || []).map(r => h('tr', {class: `fit-${r.kind}${r.best ? ' fit-best' : ''}`, title: r.title},
        r.cells.map((c, i) => h('td', {class: i >= 2 && i <= 6 && i !== 3 ? 'n' : null,
          dataset: head[i] === 'Downloaded' ? {downloaded: c} : undefined}, fitCell(head[i], c)))))))),
    h('p', {class: 'muted small'}, t('hw.fits_note')),
    h('ul', {class: 'muted'}, (v.notes || []).map(n => h('li', {}, n))));
}
