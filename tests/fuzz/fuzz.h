/* Shared by the libFuzzer targets of tests/fuzz: each defines LLVMFuzzerTestOneInput over one parser and checks
 * what the parser promises (not only that it does not crash). FUZZ_CHECK aborts, which libFuzzer and the replay
 * driver report as a finding with the input that caused it. */
#ifndef CLLM_FUZZ_H
#define CLLM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                                  \
    do {                                                                                                  \
        if (!(cond)) {                                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                      \
            abort();                                                                                      \
        }                                                                                                 \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'd NUL-terminated copy of the input (the text-taking parsers read C strings; an embedded NUL ends the
 * text there, as it would for them). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
