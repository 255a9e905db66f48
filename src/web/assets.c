#include "web/assets.h"

#include <string.h>

static const char missing_page[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ComputeLLM</title></head>\n"
    "<body style=\"font-family: sans-serif; max-width: 40em; margin: 3em auto\">\n"
    "<h1>ComputeLLM</h1>\n"
    "<p>The web front-end is missing from this build (the <code>web/</code> folder was empty when it was "
    "compiled). The REST API works: see <code>docs/api.md</code>, e.g. <a href=\"/api/hardware\">/api/hardware"
    "</a>.</p>\n</body></html>\n";

static const struct cllm_web_asset missing_asset = {"/index.html", (const unsigned char *)missing_page,
                                                    sizeof(missing_page) - 1};

const struct cllm_web_asset *cllm_web_asset_find(const char *url_path)
{
    const char *p = url_path;
    if (!p || p[0] != '/')
        return NULL;
    if (strcmp(p, "/") == 0)
        p = "/index.html";
    for (size_t i = 0; i < cllm_web_assets_n; i++)
        if (strcmp(cllm_web_assets_table[i].path, p) == 0)
            return &cllm_web_assets_table[i];
    if (strcmp(p, "/index.html") == 0)
        return &missing_asset;
    return NULL;
}

const char *cllm_web_mime_type(const char *path)
{
    static const struct { const char *ext, *mime; } types[] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"}, {".md", "text/markdown; charset=utf-8"},
    };
    size_t n = path ? strlen(path) : 0;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t e = strlen(types[i].ext);
        if (n >= e && strcmp(path + n - e, types[i].ext) == 0)
            return types[i].mime;
    }
    return "application/octet-stream";
}
