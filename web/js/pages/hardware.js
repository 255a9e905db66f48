// Page 1: everything detection knows, and warnings about the llama.cpp library against the GPUs found.
import {api} from '../api.js';
import {num, t} from '../i18n.js';
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

export function render(el) {
  if (error) { el.replaceChildren(h('p', {class: 'bad'}, t('common.error', {msg: error}))); return; }
  if (!hw) return;
  const cpu = hw.cpu || {}, ram = hw.ram || {}, os = hw.os || {}, lib = hw.llama_library;
  const f = cpu.frequency || {};
  const caches = Object.entries(cpu.caches || {}).filter(([, c]) => c && c.size_kb)
    .map(([k, c]) => `${k.toUpperCase()} ${num(c.size_kb, 0)} KiB${c.instances > 1 ? ` ×${c.instances}` : ''}`).join(', ');
  const isa = Object.entries(cpu.isa || {}).filter(([, v]) => v === true).map(([k]) => h('span', {}, k));
  const warn = warnings(hw);
  const devices = hw.gpu?.devices || [];
  el.replaceChildren(
    ...(warn.length ? [h('div', {class: 'card warn', id: 'hw-warnings'}, h('h3', {}, t('hw.warnings')),
      h('ul', {}, warn.map(w => h('li', {}, w))))] : []),
    h('div', {class: 'grid'},
      h('div', {class: 'card', id: 'hw-cpu'}, h('h3', {}, t('hw.cpu')), kv([
        [t('hw.model'), cpu.model], [t('hw.vendor'), cpu.vendor],
        [t('hw.cores'), `${cpu.physical_cores ?? '—'} / ${cpu.logical_cores ?? '—'}`],
        [t('hw.sockets'), `${cpu.sockets ?? '—'} / ${cpu.numa_nodes ?? '—'}`],
        [t('hw.freq'), `${num(f.base_mhz, 0)} / ${num(f.max_mhz, 0)} MHz`],
        [t('hw.caches'), caches || '—'],
      ]), h('h3', {}, t('hw.isa')), h('div', {class: 'flags'}, isa)),
      h('div', {class: 'card', id: 'hw-ram'}, h('h3', {}, t('hw.ram')), kv([
        [t('hw.ram_total'), `${num(ram.total_gb)} / ${num(ram.available_gb)} GiB`],
        [t('hw.ram_type'), `${ram.type ?? '—'} / ${ram.speed_mts ? `${ram.speed_mts} MT/s` : '—'}`],
        [t('hw.unified'), ram.unified_memory ? t('common.yes') : t('common.no')],
      ]), h('h3', {}, t('hw.os')), kv([
        ['OS', os.distribution || os.system], ['Kernel', os.kernel || os.release], ['Arch', os.machine],
        ['Host', os.hostname],
      ])),
      h('div', {class: 'card', id: 'hw-llama'}, h('h3', {}, t('hw.llama')), !lib ? h('p', {class: 'muted'}, '—')
        : lib.found === false ? h('p', {class: 'warn'}, t('hw.llama_missing', {reason: lib.reason || ''}))
        : kv([[t('hw.path'), lib.path], [t('hw.version'), lib.version ?? lib.reason], [t('hw.variant'), lib.variant],
              ['ggml', lib.ggml_version], [t('hw.backends'), (lib.backends || []).join(', ') || '—']])),
    ),
    h('div', {class: 'card', id: 'hw-gpus'}, h('h3', {}, t('hw.gpus')), devices.length === 0
      ? h('p', {class: 'muted'}, t('hw.no_gpu'))
      : h('table', {}, h('tr', {}, ['#', t('hw.gpu_name'), t('hw.vram'), t('hw.backend'), t('hw.driver'), 'PCI']
          .map(x => h('th', {}, x))),
        devices.map(d => h('tr', {}, h('td', {}, d.index), h('td', {}, d.name),
          h('td', {class: 'n'}, `${num(d.vram_total_gb)} GiB`), h('td', {}, d.backend ?? '—'),
          h('td', {}, d.driver_version ?? '—'), h('td', {}, d.pci_bus_id ?? '—'))))),
    fitsCard(hw.what_fits),
  );
}

// The server's "what fits" view (computellm advise): header, rows of cells, notes; drawn as sent.
function fitsCard(v) {
  if (!v) return null;
  if (v.error) return h('div', {class: 'card', id: 'hw-fits'}, h('h3', {}, t('hw.fits')),
    h('p', {class: 'warn'}, t('hw.fits_error', {msg: v.error})));
  return h('div', {class: 'card', id: 'hw-fits'}, h('h3', {}, t('hw.fits')),
    h('table', {}, h('tr', {}, (v.head || []).map(x => h('th', {}, x))),
      (v.rows || []).map(r => h('tr', {class: `fit-${r.kind}${r.best ? ' fit-best' : ''}`, title: r.title},
        r.cells.map((c, i) => h('td', {class: i >= 2 && i <= 6 && i !== 3 ? 'n' : null}, c))))),
    h('ul', {class: 'muted'}, (v.notes || []).map(n => h('li', {}, n))));
}
