# src/report: the results file (the one writer of results JSON, its reader and checks), comparison of results
# files across machines, and the HTML report.
set(CLLM_REPORT_SOURCES src/report/result.c src/report/compare.c src/report/compare_html.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields_serve.c src/report/write_serve.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields_classic.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields.c src/report/write.c src/report/schema.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields_core.c src/report/fields_hw.c src/report/write_core.c)
list(APPEND CLLM_REPORT_SOURCES src/report/write_hw.c src/report/export_csv.c)
list(APPEND CLLM_REPORT_SOURCES src/report/write_classic.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields_llm.c)
list(APPEND CLLM_REPORT_SOURCES src/report/write_llm.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields_advice.c src/report/write_advice.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields_sweep.c src/report/write_sweep.c src/report/sweep_out.c)
list(APPEND CLLM_REPORT_SOURCES src/report/fields_prom.c src/report/write_prom.c)
