// The comparison table in the browser, row for row the one `computellm compare` prints (src/core/compare.c):
// families in a fixed order, one row per metric any file has, ratio = value / baseline value. Serving rows, one
// per concurrency level that ran to its end (status ok), are named c=N as there.
const FAMILIES = [
  ['cpu_single_thread', 'GFLOPS', false], ['cpu_multi_thread', 'GFLOPS', false],
  ['memory_bandwidth', 'GB/s', false], ['gpu_compute', 'TFLOPS', false], ['gpu_memory', 'GB/s', false],
  ['ai_tokens_per_second', 'tokens/s', false], ['ai_first_token_latency', 's', true],
  ['ai_decode_tokens_per_second', 'tokens/s', false], ['ai_peak_memory', 'GiB', true],
  ['serving_output_tokens_per_second', 'tokens/s', false], ['serving_requests_per_second', 'req/s', false],
  ['serving_ttft_p50', 's', true], ['serving_itl_p50', 's', true],
];

const numOrNull = v => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// [family, name, value, std] for every metric of one results file.
function metrics(res) {
  const out = [];
  const b = res?.classic_benchmarks?.benchmarks || {};
  for (const fam of ['cpu_single_thread', 'cpu_multi_thread'])
    for (const [size, r] of Object.entries(b[fam]?.results || {})) out.push([fam, size, numOrNull(r?.gflops)]);
  const mem = b.memory_bandwidth || {};
  for (const op of ['write', 'read', 'copy', 'triad'])
    out.push(['memory_bandwidth', op, numOrNull(mem[`${op}_gbps`]) ?? numOrNull(mem.results?.all_threads?.[op]?.gbps)]);
  for (const p of ['fp32', 'tf32', 'fp16', 'bf16'])
    out.push(['gpu_compute', p, numOrNull(b.gpu_compute?.summary?.[`${p}_tflops`])]);
  for (const c of ['d2d', 'h2d', 'd2h']) out.push(['gpu_memory', c, numOrNull(b.gpu_compute?.memory?.[c]?.best_gbps)]);
  for (const [key, m] of Object.entries(res?.ai_benchmarks?.results || {})) {
    const s = m?.summary;
    if (!s) continue;
    out.push(['ai_tokens_per_second', key, numOrNull(s.avg_tokens_per_second), numOrNull(s.std_tokens_per_second)]);
    out.push(['ai_first_token_latency', key, numOrNull(s.avg_first_token_latency_s)]);
    out.push(['ai_decode_tokens_per_second', key, numOrNull(s.avg_decode_tokens_per_second)]);
    out.push(['ai_peak_memory', key, numOrNull(s.peak_memory_gb)]);
  }
  const levels = res?.serving_benchmarks?.levels;
  for (const L of Array.isArray(levels) ? levels : []) {
    if (L?.status !== 'ok' || numOrNull(L.concurrency) === null) continue;
    const name = `c=${Math.round(L.concurrency)}`;
    out.push(['serving_output_tokens_per_second', name, numOrNull(L.output_tokens_per_second)]);
    out.push(['serving_requests_per_second', name, numOrNull(L.requests_per_second)]);
    out.push(['serving_ttft_p50', name, numOrNull(L.ttft_s?.p50)]);
    out.push(['serving_itl_p50', name, numOrNull(L.itl_s?.p50)]);
  }
  return out;
}

export function machineLabel(res) {
  const gpu = res?.hardware?.gpu?.devices?.[0]?.name || 'no GPU';
  return `${res?.hardware?.cpu?.model || 'unknown CPU'} / ${gpu} / ${res?.id || '?'}`;
}

// results: parsed results files; names: where each came from. Same shape as cllm_compare_to_json.
export function buildComparison(results, names, baseline = 0) {
  const n = results.length;
  const rows = [];
  const index = new Map();
  results.forEach((res, m) => {
    for (const [family, name, v, sd = null] of metrics(res)) {
      if (v === null) continue;
      const k = `${family}\u0000${name}`;
      let row = index.get(k);
      if (!row) {
        const [, unit, lower] = FAMILIES.find(f => f[0] === family);
        row = {family, name, unit, better: lower ? 'lower' : 'higher', values: Array(n).fill(null),
               std: Array(n).fill(null), ratios: Array(n).fill(null)};
        index.set(k, row);
        rows.push(row);
      }
      row.values[m] = v;
      row.std[m] = sd;
    }
  });
  const order = FAMILIES.map(f => f[0]);
  // a stable sort keeps first-seen order inside a family
  rows.sort((a, b) => order.indexOf(a.family) - order.indexOf(b.family));
  for (const r of rows) {
    const base = r.values[baseline];
    r.ratios = r.values.map(v => (v === null || base === null || base === 0 ? null : v / base));
  }
  return {baseline, machines: results.map((res, i) => ({label: machineLabel(res), id: res?.id, origin: names[i]})), rows};
}

const csvField = s => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

// Same columns as `computellm compare --csv`.
export function comparisonCsv(cmp) {
  const b = cmp.baseline, ms = cmp.machines;
  const head = ['family', 'metric', 'unit', 'better', ...ms.map(m => m.label),
    ...ms.map((m, i) => i).filter(i => i !== b).map(i => `ratio ${ms[i].label} / ${ms[b].label}`)];
  const lines = [head.map(csvField).join(',')];
  for (const r of cmp.rows)
    lines.push([r.family, csvField(r.name), r.unit, r.better, ...r.values.map(v => (v === null ? '' : String(v))),
      ...r.ratios.filter((_, i) => i !== b).map(v => (v === null ? '' : v.toPrecision(6).replace(/\.?0+$/, '')))].join(','));
  return lines.join('\r\n') + '\r\n';
}
