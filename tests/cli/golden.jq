# Normalizes a results file for the golden comparison of tests/cli/test_golden.sh: every key path and value type
# stays; what a machine or a moment decides is masked — measured numbers, times, ids, hardware facts, library
# names. Kept as written: the plan's numbers (counts, sizes, sampling settings) and the strings that name a status,
# a variant or a unit. Arrays of numbers (monitor samples, per-pass times) become "<numbers>": their length depends
# on timing; arrays of objects keep their length (runs.count runs are runs.count entries).
# throttled (a run's monitor verdict) is masked: a machine with a GPU may see its power cap.
# array_mb is masked too: the bandwidth array is sized from the machine's L3 (4 x L3, at least memory_array_mb).
def keep_num: ["schema_version", "runs", "run", "count", "successful_runs", "max_tokens", "generated_tokens",
  "prompt_tokens", "engine_prompt_tokens", "engine_decode_tokens", "warmup", "warmup_runs", "warmup_max_tokens",
  "n_ctx", "seed", "temperature", "top_p", "repeat_penalty", "gemm_iterations", "iterations", "memory_array_mb",
  "memory_repeats", "repeats", "interval_s", "cleanup_pause_s", "stall_s", "deadline_base_s",
  "deadline_per_token_s", "n_layers", "n_vocab", "validate_n", "tolerance", "read_sum_tolerance",
  "size"];
def keep_str: ["status", "stability", "quant", "sampler", "action", "phase", "engine", "kernel", "precision",
  "unit", "chat_template", "language", "prompt_type", "backend", "default_quant", "advice_keys", "advice_inputs",
  "advice_rows"];
# cpu_multi_thread's suspect flag follows the measured numbers: its value is masked, its reason (present only when
# true) dropped; so is effective_threads_reason (present only when a busy machine gave the GEMM fewer threads), and
# blas_coretype_env (present only when OPENBLAS_CORETYPE is set in the environment)
def norm(k):
  if type == "object" then
    with_entries(select(.key != "null_reasons" and .key != "suspect_reason" and .key != "effective_threads_reason"
      and .key != "blas_coretype_env")
      | .key as $k | .value |= norm($k))
  elif type == "boolean" and k == "suspect" then "<boolean>"
  elif type == "array" then
    if length > 0 and all(.[]; type == "number" or type == "null") then "<numbers>"
    else map(norm(k)) end
  elif type == "boolean" and k == "throttled" then "<bool>"
  elif type == "number" or type == "null" then
    if type == "number" and (k as $k | keep_num | index([$k])) then . else "<number>" end
  elif type == "string" then
    if (k as $k | keep_str | index([$k])) then . else "<string>" end
  else . end;
# hardware: its sections and their keys only (which facts a machine has differs)
(.hardware |= (if type == "object" then with_entries(.value |= (if type == "object" then (keys - ["null_reasons"]) else type end)) else . end))
| (.tool |= keys)
# advice: which rows and where they fit depend on the machine's memory: its keys, the inputs' names, one row per
# registry model x quantization (the tiny model's keys written out)
| (.advice |= (if type == "object" then {advice_keys: (keys - ["null_reasons"]),
    advice_inputs: (.inputs | keys), advice_rows: [.models[] | "\(.key) \(.quant)"]} else . end))
| norm("")
