/* computellm sweep's stdout formats (see report/fields_sweep.h): each prints the objects cllm_write_sweep_test makes,
 * columns in the field table's order, so the names are llama-bench's wherever the table took them from it. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/bench.h"
#include "report/fields_sweep.h"

/* The scalar columns of a test (csv, sql): every field of the record but the arrays. */
static bool scalar(const struct cllm_field *f) { return f->type != CLLM_FT_ARRAY && f->type != CLLM_FT_OBJECT; }

static void number(FILE *f, const cJSON *v, enum cllm_ftype t)
{
    if (t == CLLM_FT_INTEGER || (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15))
        fprintf(f, "%.0f", v->valuedouble);
    else
        fprintf(f, "%.6f", v->valuedouble);
}

static void csv_value(FILE *f, const struct cllm_field *fd, const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsBool(v)) {
        fputs(cJSON_IsTrue(v) ? "1" : "0", f);   /* llama-bench writes booleans as 0/1 in CSV */
    } else if (cJSON_IsNumber(v)) {
        number(f, v, fd->type);
    } else if (cJSON_IsString(v)) {
        fputc('"', f);
        for (const char *c = v->valuestring; *c; c++) {
            if (*c == '"')
                fputc('"', f);
            fputc(*c, f);
        }
        fputc('"', f);
    }
}

static void sql_value(FILE *f, const struct cllm_field *fd, const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) {
        fputs("NULL", f);
    } else if (cJSON_IsBool(v)) {
        fputs(cJSON_IsTrue(v) ? "1" : "0", f);
    } else if (cJSON_IsNumber(v)) {
        number(f, v, fd->type);
    } else if (cJSON_IsString(v)) {
        fputc('\'', f);
        for (const char *c = v->valuestring; *c; c++) {
            if (*c == '\'')
                fputc('\'', f);   /* SQL's own quoting: a model path with a quote stays one value */
            fputc(*c, f);
        }
        fputc('\'', f);
    }
}

static const char *sql_type(const struct cllm_field *f)
{
    switch (f->type) {
    case CLLM_FT_STRING: return "TEXT";
    case CLLM_FT_NUMBER: return "REAL";
    default: return "INTEGER";
    }
}

/* ---- markdown: llama-bench's table ---- */

enum md_col {
    MD_MODEL, MD_SIZE, MD_PARAMS, MD_BACKEND, MD_NGL, MD_THREADS, MD_BATCH, MD_UBATCH, MD_TYPE_K, MD_TYPE_V,
    MD_MAIN_GPU, MD_SM, MD_NKVO, MD_FA, MD_TS, MD_MMAP, MD_POLL, MD_TEST, MD_TS_RATE, MD_J_TOKEN, MD_N
};

static const struct {
    const char *title;
    int width;                       /* < 0: left-aligned */
} k_md[MD_N] = {
    {"model", -30}, {"size", 10}, {"params", 10}, {"backend", -10}, {"ngl", 3}, {"threads", 7}, {"n_batch", 7},
    {"n_ubatch", 8}, {"type_k", 6}, {"type_v", 6}, {"main_gpu", 8}, {"sm", 5}, {"nkvo", 4}, {"fa", 4},
    {"ts", -12}, {"mmap", 4}, {"poll", 4}, {"test", 15}, {"t/s", 20}, {"J/token", 10},
};

/* A test's J/token is known. */
static bool has_jpt(const struct cllm_bench_test *t) { return t->has_energy && isfinite(t->energy.j_per_token); }

/* Which columns: llama-bench's — always model/size/params/backend/test/t/s, ngl when not on the CPU backend,
 * threads on the CPU backend or when varied; any other knob when it varies or differs from the default. */
static void md_columns(const struct cllm_bench_sweep *s, bool on[MD_N])
{
    struct cllm_bench_knobs d = cllm_bench_default_knobs();
    memset(on, 0, sizeof(bool) * MD_N);
    on[MD_MODEL] = on[MD_SIZE] = on[MD_PARAMS] = on[MD_BACKEND] = on[MD_TEST] = on[MD_TS_RATE] = true;
    for (int i = 0; i < s->n_tests; i++) {
        const struct cllm_bench_knobs *k = &s->tests[i].k, *f = &s->tests[0].k;
        bool cpu = !s->tests[i].info.backends[0] || strcmp(s->tests[i].info.backends, "CPU") == 0;
        on[MD_NGL] |= !cpu || k->n_gpu_layers != f->n_gpu_layers;
        on[MD_THREADS] |= cpu || k->n_threads != f->n_threads;
        on[MD_BATCH] |= k->n_batch != d.n_batch || k->n_batch != f->n_batch;
        on[MD_UBATCH] |= k->n_ubatch != d.n_ubatch || k->n_ubatch != f->n_ubatch;
        on[MD_TYPE_K] |= k->type_k != d.type_k || k->type_k != f->type_k;
        on[MD_TYPE_V] |= k->type_v != d.type_v || k->type_v != f->type_v;
        on[MD_MAIN_GPU] |= k->main_gpu != d.main_gpu || k->main_gpu != f->main_gpu;
        on[MD_SM] |= k->split_mode != d.split_mode || k->split_mode != f->split_mode;
        on[MD_NKVO] |= k->no_kv_offload != d.no_kv_offload || k->no_kv_offload != f->no_kv_offload;
        on[MD_FA] |= k->flash_attn != d.flash_attn || k->flash_attn != f->flash_attn;
        on[MD_TS] |= k->n_tensor_split > 0;
        on[MD_MMAP] |= k->use_mmap != d.use_mmap || k->use_mmap != f->use_mmap;
        on[MD_POLL] |= k->poll != d.poll || k->poll != f->poll;
        on[MD_J_TOKEN] |= has_jpt(&s->tests[i]);   /* ours, after llama-bench's columns, when measured */
    }
}

static void md_cell(FILE *f, int col, const char *text)
{
    int w = k_md[col].width;
    /* t/s holds "±", two bytes for one column */
    if (col == MD_TS_RATE && strstr(text, "\xc2\xb1"))
        w += 1;
    fprintf(f, " %*s |", w, text);
}

void cllm_sweepout_header(FILE *f, enum cllm_sweepout_format fmt, const struct cllm_bench_sweep *s)
{
    const struct cllm_field *const *fl = CLLM_R_SWEEP_TEST.fields;
    bool on[MD_N];
    bool first = true;
    switch (fmt) {
    case CLLM_SWEEPOUT_CSV:
        for (const struct cllm_field *const *p = fl; *p; p++)
            if (scalar(*p)) {
                fprintf(f, "%s%s", first ? "" : ",", (*p)->name);
                first = false;
            }
        fputc('\n', f);
        break;
    case CLLM_SWEEPOUT_JSON:
        fputs("[\n", f);
        break;
    case CLLM_SWEEPOUT_SQL:
        fputs("CREATE TABLE IF NOT EXISTS llama_bench (\n", f);
        for (const struct cllm_field *const *p = fl; *p; p++)
            if (scalar(*p)) {
                fprintf(f, "%s  %s %s", first ? "" : ",\n", (*p)->name, sql_type(*p));
                first = false;
            }
        fputs("\n);\n\n", f);
        break;
    case CLLM_SWEEPOUT_MD:
        md_columns(s, on);
        fputc('|', f);
        for (int c = 0; c < MD_N; c++)
            if (on[c])
                md_cell(f, c, k_md[c].title);
        fputs("\n|", f);
        for (int c = 0; c < MD_N; c++)
            if (on[c]) {
                int w = abs(k_md[c].width);
                fputc(' ', f);
                for (int i = 0; i < w - 1; i++)
                    fputc('-', f);
                fputs(k_md[c].width > 0 ? ":" : "-", f);
                fputs(" |", f);
            }
        fputc('\n', f);
        break;
    case CLLM_SWEEPOUT_JSONL:
        break;
    }
}

static void md_row(FILE *f, const struct cllm_bench_sweep *s, const struct cllm_bench_test *t)
{
    bool on[MD_N];
    char buf[160];
    const struct cllm_bench_knobs *k = &t->k;
    md_columns(s, on);
    fputc('|', f);
    for (int c = 0; c < MD_N; c++) {
        if (!on[c])
            continue;
        buf[0] = '\0';
        switch (c) {
        case MD_MODEL:
            snprintf(buf, sizeof(buf), "%.120s%s", t->info.model_type[0] ? t->info.model_type : t->model,
                     t->synthetic ? " (synthetic)" : "");
            break;
        case MD_SIZE:
            if (t->info.model_size <= 0)
                snprintf(buf, sizeof(buf), "?");
            else if (t->info.model_size < 1024LL * 1024 * 1024)
                snprintf(buf, sizeof(buf), "%.2f MiB", (double)t->info.model_size / 1024.0 / 1024.0);
            else
                snprintf(buf, sizeof(buf), "%.2f GiB", (double)t->info.model_size / 1024.0 / 1024.0 / 1024.0);
            break;
        case MD_PARAMS:
            if (t->info.model_n_params <= 0)
                snprintf(buf, sizeof(buf), "?");
            else if (t->info.model_n_params < 1000000000LL)
                snprintf(buf, sizeof(buf), "%.2f M", (double)t->info.model_n_params / 1e6);
            else
                snprintf(buf, sizeof(buf), "%.2f B", (double)t->info.model_n_params / 1e9);
            break;
        case MD_BACKEND: snprintf(buf, sizeof(buf), "%s", t->info.backends[0] ? t->info.backends : "?"); break;
        case MD_NGL: snprintf(buf, sizeof(buf), "%d", k->n_gpu_layers); break;
        case MD_THREADS: snprintf(buf, sizeof(buf), "%d", k->n_threads); break;
        case MD_BATCH: snprintf(buf, sizeof(buf), "%d", k->n_batch); break;
        case MD_UBATCH: snprintf(buf, sizeof(buf), "%d", k->n_ubatch); break;
        case MD_TYPE_K: snprintf(buf, sizeof(buf), "%s", cllm_bench_type_name(k->type_k)); break;
        case MD_TYPE_V: snprintf(buf, sizeof(buf), "%s", cllm_bench_type_name(k->type_v)); break;
        case MD_MAIN_GPU: snprintf(buf, sizeof(buf), "%d", k->main_gpu); break;
        case MD_SM: snprintf(buf, sizeof(buf), "%s", cllm_bench_split_name(k->split_mode)); break;
        case MD_NKVO: snprintf(buf, sizeof(buf), "%d", k->no_kv_offload); break;
        case MD_FA: snprintf(buf, sizeof(buf), "%d", k->flash_attn); break;
        case MD_TS:
            for (int i = 0; i < k->n_tensor_split; i++)
                snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%.2f", i ? "/" : "", k->tensor_split[i]);
            break;
        case MD_MMAP: snprintf(buf, sizeof(buf), "%d", k->use_mmap); break;
        case MD_POLL: snprintf(buf, sizeof(buf), "%d", k->poll); break;
        case MD_TEST: cllm_bench_test_name(k, buf, sizeof(buf)); break;
        case MD_TS_RATE:
            if (t->n_samples > 0 && !isnan(t->avg_ts))
                snprintf(buf, sizeof(buf), "%.2f \xc2\xb1 %.2f%s%s", t->avg_ts,
                         isnan(t->stddev_ts) ? 0.0 : t->stddev_ts, t->n_throttled ? " T" : "",
                         t->noisy ? " N" : "");
            else
                snprintf(buf, sizeof(buf), "%s", t->status ? t->status : "failed");
            break;
        case MD_J_TOKEN:
            if (has_jpt(t))
                snprintf(buf, sizeof(buf), "%.4f", t->energy.j_per_token);
            else
                snprintf(buf, sizeof(buf), "-");
            break;
        }
        md_cell(f, c, buf);
    }
    fputc('\n', f);
}

void cllm_sweepout_test(FILE *f, enum cllm_sweepout_format fmt, const struct cllm_bench_sweep *s,
                        const struct cllm_bench_test *t, bool first)
{
    cJSON *o;
    char *text;
    bool sep = false;
    if (fmt == CLLM_SWEEPOUT_MD) {
        md_row(f, s, t);
        fflush(f);
        return;
    }
    o = cllm_write_sweep_test(s, t);
    if (!o)
        return;
    switch (fmt) {
    case CLLM_SWEEPOUT_JSON:
        text = cJSON_Print(o);
        if (text)
            fprintf(f, "%s%s", first ? "" : ",\n", text);
        free(text);
        break;
    case CLLM_SWEEPOUT_JSONL:
        text = cJSON_PrintUnformatted(o);
        if (text)
            fprintf(f, "%s\n", text);
        free(text);
        break;
    case CLLM_SWEEPOUT_CSV:
        for (const struct cllm_field *const *p = CLLM_R_SWEEP_TEST.fields; *p; p++)
            if (scalar(*p)) {
                if (sep)
                    fputc(',', f);
                csv_value(f, *p, cJSON_GetObjectItemCaseSensitive(o, (*p)->name));
                sep = true;
            }
        fputc('\n', f);
        break;
    case CLLM_SWEEPOUT_SQL:
        fputs("INSERT INTO llama_bench (", f);
        for (const struct cllm_field *const *p = CLLM_R_SWEEP_TEST.fields; *p; p++)
            if (scalar(*p)) {
                fprintf(f, "%s%s", sep ? ", " : "", (*p)->name);
                sep = true;
            }
        fputs(") VALUES (", f);
        sep = false;
        for (const struct cllm_field *const *p = CLLM_R_SWEEP_TEST.fields; *p; p++)
            if (scalar(*p)) {
                if (sep)
                    fputs(", ", f);
                sql_value(f, *p, cJSON_GetObjectItemCaseSensitive(o, (*p)->name));
                sep = true;
            }
        fputs(");\n", f);
        break;
    case CLLM_SWEEPOUT_MD:
        break;
    }
    cJSON_Delete(o);
    fflush(f);
}

void cllm_sweepout_footer(FILE *f, enum cllm_sweepout_format fmt, const struct cllm_bench_sweep *s)
{
    const struct cllm_bench_test *any = NULL;
    bool synth = false, thr = false, noisy = false, jpt = false;
    const char *no_energy = NULL;
    if (fmt == CLLM_SWEEPOUT_JSON) {
        fputs("\n]\n", f);
        return;
    }
    if (fmt != CLLM_SWEEPOUT_MD)
        return;
    for (int i = 0; i < s->n_tests; i++) {
        const struct cllm_bench_test *t = &s->tests[i];
        if (t->info.build_commit[0] && !any)
            any = t;
        synth |= t->synthetic;
        thr |= t->n_throttled > 0;
        noisy |= t->noisy;
        jpt |= has_jpt(t);
        if (!no_energy && t->has_energy && !has_jpt(t) && t->n_samples > 0)
            no_energy = t->energy.why;
    }
    fprintf(f, "\nbuild: %s (libllama %s)\n", any ? any->info.build_commit : "?", any ? any->info.llama_version : "?");
    if (synth)
        fputs("(synthetic): a synthetic model, real shapes and quantization with random weights: the speed is real\n",
              f);
    if (thr)
        fputs("T: some repetitions were throttled (GPU clock drop or a thermal/power reason): see the results file\n",
              f);
    if (noisy)
        fputs("N: other processes used more than 10 % of the CPU during the test: the numbers may be low\n", f);
    if (jpt)
        fputs("J/token: joules over the timed repetitions / their tokens (energy_source in the results; - not "
              "measured)\n", f);
    if (no_energy)
        fprintf(f, "J/token %s: %s\n", jpt ? "missing for some tests" : "not measured", no_energy);
    for (int i = 0; i < s->n_tests; i++) {
        const struct cllm_bench_test *t = &s->tests[i];
        char name[48];
        if (!t->reason[0])
            continue;
        cllm_bench_test_name(&t->k, name, sizeof(name));
        fprintf(f, "%s (test %d, -ngl %d): %s: %s\n", name, i + 1, t->k.n_gpu_layers, t->status ? t->status : "failed",
                t->reason);
    }
}
