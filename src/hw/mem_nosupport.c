/* RAM on platforms without a detector: every field unknown, with the reason. */
#include "hw/hw.h"

#include "hw/hw_priv.h"

void cllm_ram_detect(const struct cllm_hw_params *p, struct cllm_ram_info *out)
{
    (void)p;
    cllm_ram_info_init(out);
    cllm_hw_ram_reconcile(out, "not supported on this platform");
}
