#include "report/fields.h"

#include <string.h>

const struct cllm_field *cllm_record_field(const struct cllm_record *rec, const char *name)
{
    rec = cllm_record_resolved(rec);
    if (!rec || !rec->fields || !name)
        return NULL;
    for (const struct cllm_field *const *f = rec->fields; *f; f++)
        if (strcmp((*f)->name, name) == 0)
            return *f;
    return NULL;
}
