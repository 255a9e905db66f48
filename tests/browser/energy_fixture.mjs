// The two energy fixtures of the GUI's energy display (tests/browser/energy.test.mjs, tools/gui_screenshots.mjs),
// made from a results file the real binary wrote (`computellm run` or `computellm sweep`):
//  - measured(res): every energy window given numbers as a sensor would — watts chosen here (no sensor on the build
//    machine), joules = watts × the file's own energy_window_s (a sweep test's: its samples_ns added up), J/token = joules / the file's energy_tokens,
//    tokens/J its inverse, source "nvml_energy_counter+rapl" — and each model's summary the means over its runs,
//    as report/write_llm.c computes them. These numbers are the test's, not a measurement: the tests check that the
//    GUI shows the file's numbers, whatever they are.
//  - unmeasured(res): every window null with the reason a machine without any sensor writes (what this 2-core VM
//    writes itself; a file from a machine with a sensor is nulled the same way).
export const NO_SENSOR = 'no energy reading: CPU package: RAPL not readable: /sys/class/powercap: No such file or ' +
  'directory; GPU: no GPU';
const NUMS = ['joules', 'watts', 'joules_per_token', 'tokens_per_joule'];
const STRS = ['energy_domains', 'energy_source'];

function fill(w, watts) {
  // a sweep test without a sensor has no window: its repetitions' timed seconds, as the writer counts them
  if (w && typeof w.energy_window_s !== 'number' && Array.isArray(w.samples_ns) && w.samples_ns.length)
    w.energy_window_s = w.samples_ns.reduce((a, b) => a + b, 0) / 1e9;
  if (!w || typeof w.energy_window_s !== 'number' || !(w.energy_tokens > 0)) return false;
  w.watts = watts;
  w.joules = watts * w.energy_window_s;
  w.joules_per_token = w.joules / w.energy_tokens;
  w.tokens_per_joule = 1 / w.joules_per_token;
  w.energy_domains = 'gpu+cpu_package';
  w.energy_source = 'nvml_energy_counter+rapl';
  w.gpu_joules = w.joules * 0.75;
  w.gpu_source = 'nvml_energy_counter';
  w.cpu_package_joules = w.joules * 0.25;
  w.cpu_package_source = 'rapl';
  delete w.null_reasons;
  return true;
}

function empty(w, why) {
  if (!w) return;
  w.null_reasons = w.null_reasons || {};
  for (const k of [...NUMS, ...STRS, 'gpu_joules', 'gpu_source', 'cpu_package_joules', 'cpu_package_source']) {
    w[k] = null;
    w.null_reasons[k] = why;
  }
  delete w.energy_note;
}

const mean = xs => xs.reduce((a, b) => a + b, 0) / xs.length;

function models(res) {
  const ai = res.ai_benchmarks || {};
  return Object.values(ai.results || {}).filter(m => m && Array.isArray(m.runs));
}

export function measured(res) {
  models(res).forEach((m, mi) => {
    const ok = m.runs.filter(r => r.status === 'ok');
    ok.forEach((r, i) => { fill(r.decode_energy, 42.5 + 1.25 * i + 10 * mi); fill(r.prompt_energy, 61 + 2.5 * i + 10 * mi); });
    const s = m.summary;
    if (!s || !ok.length) return;
    const d = ok.map(r => r.decode_energy), p = ok.map(r => r.prompt_energy);
    s.energy_runs = ok.length;
    s.avg_decode_joules_per_token = mean(d.map(w => w.joules_per_token));
    s.avg_decode_tokens_per_joule = mean(d.map(w => w.tokens_per_joule));
    s.avg_decode_watts = mean(d.map(w => w.watts));
    s.avg_prompt_joules_per_token = mean(p.map(w => w.joules_per_token));
    s.avg_prompt_watts = mean(p.map(w => w.watts));
    s.energy_domains = 'gpu+cpu_package';
    s.energy_source = 'nvml_energy_counter+rapl';
    if (s.null_reasons)
      for (const k of ['avg_decode_joules_per_token', 'avg_decode_tokens_per_joule', 'avg_decode_watts',
        'avg_prompt_joules_per_token', 'avg_prompt_watts', 'energy_domains', 'energy_source']) delete s.null_reasons[k];
  });
  (res.ai_benchmarks?.sweep?.tests || []).filter(t => t.status === 'ok')
    .forEach((t, i) => fill(t, 30 + 0.5 * i));
  return res;
}

export function unmeasured(res) {
  for (const m of models(res)) {
    for (const r of m.runs) { empty(r.decode_energy, NO_SENSOR); empty(r.prompt_energy, NO_SENSOR); }
    const s = m.summary;
    if (!s) continue;
    s.energy_runs = 0;
    s.null_reasons = s.null_reasons || {};
    for (const k of ['avg_decode_joules_per_token', 'avg_decode_tokens_per_joule', 'avg_decode_watts',
      'energy_domains', 'energy_source']) { s[k] = null; s.null_reasons[k] = NO_SENSOR; }
    for (const k of ['avg_prompt_joules_per_token', 'avg_prompt_watts']) {
      s[k] = null;
      s.null_reasons[k] = "no run's prompt window was measured (see the runs' prompt_energy)";
    }
  }
  (res.ai_benchmarks?.sweep?.tests || []).forEach((t, i) => empty(t, `repetition 1: ${NO_SENSOR}`));
  return res;
}
