/* A results file from outside (src/report/result.h): `computellm compare`/`export` and the GUI's import read it with
 * cllm_result_parse, then build a comparison of it (here against itself) and export it as CSV; `computellm advise`
 * takes its measured inputs from it (every input ends finite and above 0: measured from the file or assumed); the
 * GUI builds its view of it (web/api.h: an object that prints). */
#include <cjson/cJSON.h>
#include <math.h>

#include "app/advise.h"
#include "model/registry.h"
#include "report/compare.h"
#include "core/csv.h"
#include "report/export_csv.h"
#include "report/fields.h"
#include "report/result.h"
#include "core/status.h"
#include "web/api.h"
#include "fuzz.h"

/* Writes the table in `fmt` to memory; checks it was written. */
static void write_table(const struct cllm_compare_table *t, enum cllm_compare_format fmt, int html)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    enum cllm_status st;
    FUZZ_CHECK(f != NULL);
    st = html ? cllm_compare_write_html(t, NULL, f) : cllm_compare_write(t, fmt, f);
    FUZZ_CHECK(fclose(f) == 0);
    FUZZ_CHECK(st == CLLM_OK);
    free(buf);
}

/* Every CSV record of the export reads back with the five header columns. */
static void check_csv(const char *csv)
{
    char (*fields)[512] = malloc(8 * sizeof(*fields));
    size_t pos = 0;
    int n, rows = 0;
    FUZZ_CHECK(fields != NULL);
    FUZZ_CHECK(strncmp(csv, CLLM_RESULTS_CSV_HEADER, strlen(CLLM_RESULTS_CSV_HEADER)) == 0);
    while ((n = cllm_csv_read_record(csv, &pos, fields, 8)) != 0) {
        if (n < 0)   /* a field over 511 bytes: the reader's limit, not a malformed export */
            break;
        FUZZ_CHECK(n == 5);
        rows++;
    }
    FUZZ_CHECK(rows >= 1);
    free(fields);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char err[512] = "";
    cJSON *res = NULL;
    enum cllm_status st = cllm_result_parse(text, "upload.json", &res, err, sizeof(err));

    if (st != CLLM_OK) {
        FUZZ_CHECK(res == NULL && err[0] != '\0');
    } else {
        const cJSON *pair[2] = {res, res};
        const char *origins[2] = {"a.json", "b.json"};
        struct cllm_compare_table *t = NULL;
        char *csv;

        FUZZ_CHECK(res != NULL);
        st = cllm_compare_build(pair, origins, 2, 0, &t, err, sizeof(err));
        FUZZ_CHECK(st == CLLM_OK && t != NULL);
        FUZZ_CHECK(t->n_machines == 2 && t->baseline == 0);
        for (int i = 0; i < t->n_rows; i++) {
            const struct cllm_compare_row *row = &t->rows[i];
            double a = row->values[0], b = row->values[1];
            /* a file against itself: the same values, and a ratio of 1 wherever there is one */
            if (!((isnan(a) && isnan(b)) || a == b) || !(isnan(row->ratios[1]) || fabs(row->ratios[1] - 1.0) < 1e-12))
                fprintf(stderr, "row %s/%s: values %g %g, ratio %g\n", row->family, row->name, a, b, row->ratios[1]);
            FUZZ_CHECK((isnan(a) && isnan(b)) || a == b);
            FUZZ_CHECK(isnan(row->ratios[1]) || fabs(row->ratios[1] - 1.0) < 1e-12);
        }
        {
            cJSON *j = cllm_compare_to_json(t);
            char *s = j ? cJSON_PrintUnformatted(j) : NULL;
            FUZZ_CHECK(j != NULL && s != NULL);
            free(s);
            cJSON_Delete(j);
        }
        write_table(t, CLLM_COMPARE_TEXT, 0);
        write_table(t, CLLM_COMPARE_MARKDOWN, 0);
        write_table(t, CLLM_COMPARE_CSV, 0);
        write_table(t, CLLM_COMPARE_TEXT, 1);
        cllm_compare_free(t);

        {
            struct cllm_fit_rates r;
            const struct cllm_fit_input *in[] = {&r.cpu_read_gbps, &r.gpu_read_gbps, &r.cpu_decode_eff,
                &r.gpu_decode_eff, &r.cpu_gflops, &r.gpu_gflops, &r.cpu_prompt_eff, &r.gpu_prompt_eff, &r.gpu_layer_us};
            cllm_fit_rates_default(&r);
            static struct cllm_registry *reg;
            static bool reg_tried;
            if (!reg_tried) {
                /* the built-in registry once: the models' shapes for the decode efficiency */
                struct cllm_registry_params rp = cllm_registry_default_params();
                char rerr[512];
                rp.builtin_path = CLLM_FUZZ_SOURCE_DIR "/data/models.json";
                rp.read_user_config = false;
                rp.user_path = "";
                reg_tried = true;
                if (cllm_registry_load(&rp, &reg, rerr, sizeof(rerr)) != CLLM_OK)
                    reg = NULL;
            }
            cllm_advise_rates_from_result(res, "upload.json", reg, 2048, 2, &r);
            for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
                FUZZ_CHECK(isfinite(in[i]->value) && in[i]->value > 0 && in[i]->source[0]);
        }
        {
            cJSON *v = cllm_web_result_view(res);
            char *s = v ? cJSON_PrintUnformatted(v) : NULL;
            FUZZ_CHECK(cJSON_IsObject(v) && s != NULL);
            free(s);
            cJSON_Delete(v);
        }
        csv = cllm_results_csv(res, &CLLM_R_RESULTS);
        FUZZ_CHECK(csv != NULL);
        check_csv(csv);
        free(csv);
        cJSON_Delete(res);
    }
    free(text);
    return 0;
}
