/* The body of the hub's POST /api/submit (src/store/record.h, cllm_store_record_parse): any bytes a client sends.
 * Accepted, the record must hold only what the store's columns and the routes assume: an id of the allowed
 * characters, a 16-hex-digit fingerprint, at most CLLM_STORE_MAX_RUNS rows, each with a finite decode rate. */
#include <math.h>

#include "store/record.h"
#include "store/store.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char err[CLLM_ERR_LEN] = "";
    struct cllm_store_record *rec = malloc(sizeof(*rec));
    enum cllm_status st;

    FUZZ_CHECK(rec != NULL);
    st = cllm_store_record_parse(text, size, rec, err, sizeof(err));
    if (st != CLLM_OK) {
        FUZZ_CHECK((st == CLLM_ERR_PARSE || st == CLLM_ERR_UNSUPPORTED || st == CLLM_ERR_NOMEM) && err[0] != '\0');
    } else {
        size_t n = strlen(rec->result_id);
        FUZZ_CHECK(n >= 1 && n < CLLM_STORE_ID_LEN);
        FUZZ_CHECK(strspn(rec->result_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") == n);
        FUZZ_CHECK(strlen(rec->fingerprint) == 16 && strspn(rec->fingerprint, "0123456789abcdef") == 16);
        FUZZ_CHECK(rec->n_runs <= CLLM_STORE_MAX_RUNS);
        for (size_t i = 0; i < rec->n_runs; i++) {
            const struct cllm_store_run *r = &rec->runs[i];
            double s = cllm_store_localscore(r->prompt_tps, r->decode_tps, r->ttft_ms);
            FUZZ_CHECK(isfinite(r->decode_tps) && r->model[0]);
            FUZZ_CHECK(isnan(s) || s > 0);   /* a score is never zero or negative */
        }
    }
    free(rec);
    free(text);
    return 0;
}
