/* The front-end files (web/) embedded in the binary at build time by cmake/embed.cmake, looked up by URL path. */
#ifndef CLLM_WEB_ASSETS_H
#define CLLM_WEB_ASSETS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_web_asset {
    const char          *path;   /* URL path, e.g. "/index.html" */
    const unsigned char *data;
    size_t               size;   /* bytes */
};

/* The generated table (cllm_web_assets_n entries; empty when web/ was empty at build time). */
extern const struct cllm_web_asset cllm_web_assets_table[];
extern const size_t cllm_web_assets_n;

/* The asset for a URL path ("/" means "/index.html"); when web/ had no index.html, "/" and "/index.html" give
 * a built-in page saying the front-end is missing. NULL when not found. */
const struct cllm_web_asset *cllm_web_asset_find(const char *url_path);

/* MIME type from the file extension ("text/html; charset=utf-8", ...; "application/octet-stream" if unknown). */
const char *cllm_web_mime_type(const char *path);

#ifdef __cplusplus
}
#endif

#endif
