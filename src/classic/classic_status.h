/* The status of a classic phase, as its result struct holds it (report/write_classic.c spells it in the results
 * file: "ok", "skipped", "failed", "cancelled"). */
#ifndef CLLM_CLASSIC_STATUS_H
#define CLLM_CLASSIC_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

enum cllm_classic_status {
    CLLM_CLASSIC_NONE = 0,   /* not run (no status written) */
    CLLM_CLASSIC_OK,
    CLLM_CLASSIC_SKIPPED,    /* with a reason: a missing library or device, too little RAM */
    CLLM_CLASSIC_FAILED,     /* with an error */
    CLLM_CLASSIC_CANCELLED,  /* stopped by the user inside the phase */
    CLLM_CLASSIC_PARTIAL     /* the section only: cancelled between phases */
};

#ifdef __cplusplus
}
#endif

#endif
