/* Hugging Face (or mirror) response headers as libcurl hands them to the download (src/model/download.h): one line
 * at a time, every hop of the redirect chain, never NUL-terminated. The input is split after each '\n'; each line
 * is given in an exact-size buffer so that a read past its end is caught. */
#include <stdbool.h>

#include "model/download.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cllm_download_headers h;
    size_t i = 0;
    int status_lines = 0;

    cllm_download_headers_init(&h);
    while (i < size) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t len = nl ? (size_t)(nl - (data + i)) + 1 : size - i;
        char *line = malloc(len ? len : 1);
        bool hop;
        FUZZ_CHECK(line != NULL);
        memcpy(line, data + i, len);
        hop = cllm_download_header_line(&h, line, len);
        FUZZ_CHECK(hop == (len >= 5 && memcmp(line, "HTTP/", 5) == 0));
        status_lines += hop;
        if (hop)   /* a new hop forgets the last one's per-hop values */
            FUZZ_CHECK(h.content_length == -1 && !h.has_content_range && h.cr_start == -1 && h.cr_total == -1);
        free(line);
        i += len;
    }
    FUZZ_CHECK(h.hops == status_lines);
    FUZZ_CHECK(h.status >= 0 && h.status <= 999);
    FUZZ_CHECK(h.content_length >= -1 && h.linked_size >= -1 && h.cr_start >= -1 && h.cr_total >= -1);
    FUZZ_CHECK(memchr(h.linked_etag, '\0', sizeof(h.linked_etag)) != NULL);
    FUZZ_CHECK(strchr(h.linked_etag, '"') == NULL);
    return 0;
}
