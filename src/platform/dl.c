/* The part of the loader shim that is the same on every OS: resolving a table of symbols. */
#include "platform/dl.h"

#include <stdio.h>

enum cllm_status cllm_dl_load_syms(struct cllm_dl *dl, const struct cllm_dl_sym_spec *specs, size_t n,
                                   char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        void *addr = NULL;
        for (size_t k = 0; k < 4 && specs[i].names[k] && !addr; k++)
            addr = cllm_dl_sym(dl, specs[i].names[k]);
        *specs[i].slot = addr;
        if (!addr && specs[i].required) {
            if (err && errlen)
                snprintf(err, errlen, "symbol %s missing from %s", specs[i].names[0], cllm_dl_path(dl));
            return CLLM_ERR_SYMBOL;
        }
    }
    return CLLM_OK;
}
