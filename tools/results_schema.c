/* Prints the JSON Schema of results files (cllm_schema_json, made from src/report/fields_*.c) to stdout:
 * docs/results.schema.json is this program's output; test_schema checks the committed file against it.
 *   build/tools/results_schema > docs/results.schema.json */
#include <stdio.h>
#include <stdlib.h>

#include "report/fields.h"

int main(void)
{
    char *text = cllm_schema_json();
    if (!text) {
        fprintf(stderr, "results_schema: the field tables could not be turned into a schema (a record name used "
                        "twice, a key twice in one record, or out of memory)\n");
        return 1;
    }
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
    return 0;
}
