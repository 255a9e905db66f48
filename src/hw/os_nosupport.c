/* OS identity on platforms without a detector: every field unknown, with the reason. */
#include "hw/hw.h"

#include "hw/hw_priv.h"

void cllm_os_detect(const struct cllm_hw_params *p, struct cllm_os_info *out)
{
    (void)p;
    cllm_os_info_init(out);
    cllm_hw_os_reconcile(out, "not supported on this platform");
}
