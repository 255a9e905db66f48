# src/core: plain C11 and the C library only — status codes, log, clock, strict JSON, statistics, CSV, strings,
# whole-file reads, the configuration table.
set(CLLM_CORE_SOURCES
  src/core/status.c src/core/log.c src/core/reasons.c src/core/clock.c src/core/json.c src/core/stats.c src/core/file.c
  src/core/csv.c src/core/strutil.c src/core/config.c
)
