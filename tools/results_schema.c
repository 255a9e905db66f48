/* Prints the JSON Schema of results files (cllm_schema_json, made from src/report/fields_*.c) to stdout:
 * docs/results.schema.json is this program's output; test_schema checks the committed file against it.
 *   build/tools/results_schema [OUT]   (OUT: the file to write; `cmake --build build --target results-schema`
 *                                       writes docs/results.schema.json) */
#include <stdio.h>
#include <stdlib.h>

#include "report/fields.h"

int main(int argc, char **argv)
{
    char *text = cllm_schema_json();
    FILE *out = stdout;
    if (!text) {
        fprintf(stderr, "results_schema: the field tables could not be turned into a schema (a record name used "
                        "twice, a key twice in one record, or out of memory)\n");
        return 1;
    }
    if (argc > 1 && !(out = fopen(argv[1], "w"))) {
        perror(argv[1]);
        free(text);
        return 1;
    }
    fputs(text, out);
    fputc('\n', out);
    free(text);
    if (out != stdout && fclose(out) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
