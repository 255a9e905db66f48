/* CPU on platforms without a detector: every field unknown, with the reason. */
#include "hw/hw.h"

#include "hw/hw_priv.h"

void cllm_cpu_detect(const struct cllm_hw_params *p, struct cllm_cpu_info *out)
{
    (void)p;
    cllm_cpu_info_init(out);
    cllm_hw_cpu_reconcile(out, "not supported on this platform");
}
