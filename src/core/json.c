#include "core/json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), 0 when it is not one (RFC 3629, table 3-7 of
 * the Unicode standard). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;   /* overlong */
        else if (c == 0xED)
            hi = 0x9F;   /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;   /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;   /* above U+10FFFF */
    } else
        return 0;
    if (n < len)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

bool cllm_utf8_valid(const char *s, size_t len, size_t *bad_at)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t k;
        if (u[i] < 0x80) {   /* the common case, byte by byte */
            i++;
            continue;
        }
        k = utf8_seq(u + i, len - i);
        if (k == 0) {
            if (bad_at)
                *bad_at = i;
            return false;
        }
        i += k;
    }
    return true;
}

char *cllm_utf8_repair(const char *s, size_t len, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t bad = 0, i = 0, o = 0;
    char *out;

    for (i = 0; i < len;) {
        size_t k = utf8_seq(u + i, len - i);
        if (k == 0) {
            bad++;
            i++;
        } else
            i += k;
    }
    if (bad > (SIZE_MAX - len - 1) / 2)
        return NULL;
    out = malloc(len + 2 * bad + 1);   /* each bad byte (1) becomes U+FFFD (3) */
    if (!out)
        return NULL;
    for (i = 0; i < len;) {
        size_t k = utf8_seq(u + i, len - i);
        if (k == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

static void where(const char *text, size_t at, const char *origin, const char *what, char *err, size_t errlen)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {   /* count characters, not UTF-8 bytes */
            col++;
        }
    }
    snprintf(err, errlen, "%s: %s at byte %zu (line %zu, column %zu)", origin, what, at, line, col);
}

/* Offset of the first "\u0000" escape or unescaped control character (U+0000..U+001F, which RFC 8259 allows only
 * as tab, LF and CR between tokens), or len when there is none; *what says which it was. Only called on text that
 * has no NUL byte, so the scan may look ahead up to the end. */
static size_t find_bad_control(const char *t, size_t len, const char **what)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (!in_string) {
            if (c == '"') {
                in_string = true;
            } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                *what = "a control character outside a string (only space, tab, LF and CR may separate tokens)";
                return i;
            }
            continue;
        }
        if (c == '"') {
            in_string = false;
        } else if (c < 0x20) {
            *what = "an unescaped control character in a string (write it as \\u00XX)";
            return i;
        } else if (c == '\\') {
            /* RFC 8259's escapes only: cJSON takes others ("\\u?", a backslash before a control character) */
            char e = i + 1 < len ? t[i + 1] : '\0';
            if (e == 'u') {
                bool hex = i + 5 < len;
                for (size_t k = 2; hex && k < 6; k++)
                    hex = isxdigit((unsigned char)t[i + k]) != 0;
                if (!hex) {
                    *what = "an invalid \\u escape in a string (expected 4 hex digits)";
                    return i;
                }
                if (memcmp(t + i + 2, "0000", 4) == 0) {
                    *what = "a \\u0000 (NUL) character in a string";
                    return i;
                }
            } else if (!e || !strchr("\"\\/bfnrt", e)) {
                *what = "an invalid escape in a string (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
                return i;
            }
            i++;   /* the escaped character */
        }
    }
    return len;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* The first object in `node` (depth first) that has a key twice: cJSON keeps both, and readers that look a key
 * up would see the first while readers that walk the object see both, so a checked value and a used value could
 * differ. Returns the repeated key, with the object's dotted path in `path`; NULL when there is none (or *nomem). */
static const char *find_duplicate_key(const cJSON *node, char *path, size_t pathlen, bool *nomem)
{
    size_t used = strlen(path), n = 0, i = 0;
    const cJSON *c;
    const char *dup = NULL;

    for (c = node->child; c; c = c->next)
        n++;
    if (cJSON_IsObject(node) && n >= 2) {
        const cJSON **keys = malloc(n * sizeof(*keys));
        if (!keys) {
            *nomem = true;
            return NULL;
        }
        for (c = node->child; c; c = c->next)
            keys[i++] = c;
        qsort(keys, n, sizeof(*keys), cmp_keys);
        for (i = 1; i < n && !dup; i++)
            if (strcmp(keys[i - 1]->string, keys[i]->string) == 0)
                dup = keys[i]->string;
        free(keys);
        if (dup)
            return dup;
    }
    i = 0;
    for (c = node->child; c && !dup && !*nomem; c = c->next, i++) {
        if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
            continue;
        if (cJSON_IsObject(node))
            snprintf(path + used, pathlen - used, "%s%s", used ? "." : "", c->string);
        else
            snprintf(path + used, pathlen - used, "[%zu]", i);
        dup = find_duplicate_key(c, path, pathlen, nomem);
        if (!dup)
            path[used] = '\0';
    }
    return dup;
}

cJSON *cllm_json_parse(const char *text, size_t len, const char *origin, char *err, size_t errlen)
{
    const char *end = NULL, *nul;
    size_t bad, at;
    cJSON *root;

    if (!origin)
        origin = "JSON";
    if (!text) {
        snprintf(err, errlen, "%s: no text", origin);
        return NULL;
    }
    if (!cllm_utf8_valid(text, len, &bad)) {
        where(text, bad, origin, "invalid UTF-8", err, errlen);
        return NULL;
    }
    nul = memchr(text, '\0', len);
    if (nul) {
        where(text, (size_t)(nul - text), origin, "a NUL byte", err, errlen);
        return NULL;
    }
    {
        const char *what = NULL;
        at = find_bad_control(text, len, &what);
        if (at < len) {
            where(text, at, origin, what, err, errlen);
            return NULL;
        }
    }
    at = 0;
    while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
        at++;
    if (at == len) {
        snprintf(err, errlen, "%s: empty: no JSON value", origin);
        return NULL;
    }
    root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        at = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        where(text, at, origin, "not valid JSON", err, errlen);
        return NULL;
    }
    at = (size_t)(end - text);
    while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
        at++;
    if (at < len) {
        where(text, at, origin, "trailing content after the JSON value", err, errlen);
        cJSON_Delete(root);
        return NULL;
    }
    {
        char path[256] = "";
        bool nomem = false;
        const char *dup = find_duplicate_key(root, path, sizeof(path), &nomem);
        if (dup || nomem) {
            if (nomem)
                snprintf(err, errlen, "%s: out of memory checking for duplicate keys", origin);
            else
                snprintf(err, errlen, "%s: duplicate key \"%.80s\" in %s%.160s", origin, dup,
                         path[0] ? "the object at " : "the top-level object", path);
            cJSON_Delete(root);
            return NULL;
        }
    }
    return root;
}

cJSON *cllm_json_path(const cJSON *root, const char *path)
{
    char seg[256];
    const char *p = path;
    const cJSON *cur = root;

    while (cur && *p) {
        size_t k = 0;
        if (*p == '[') {
            const char *end = strchr(p, ']');
            if (!end)
                return NULL;
            k = (size_t)(end - p - 1);
            if (k >= sizeof(seg))
                return NULL;
            memcpy(seg, p + 1, k);
            p = end + 1;
            /* results["2048x2048"] and results[2048x2048] name the same key */
            if (k >= 2 && seg[0] == '"' && seg[k - 1] == '"') {
                memmove(seg, seg + 1, k - 2);
                k -= 2;
            }
        } else {
            while (p[k] && p[k] != '.' && p[k] != '[')
                k++;
            if (k >= sizeof(seg))
                return NULL;
            memcpy(seg, p, k);
            p += k;
        }
        seg[k] = '\0';
        if (*p == '.')
            p++;
        if (cJSON_IsArray(cur)) {
            char *end;
            long idx = strtol(seg, &end, 10);
            cur = (*end || end == seg) ? NULL : cJSON_GetArrayItem(cur, (int)idx);
        } else {
            cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
        }
    }
    return (cJSON *)cur;
}

void cllm_json_set_status(cJSON *obj, const char *status, const char *key, const char *text)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    cJSON_AddStringToObject(obj, "status", status);
    if (key && text) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
        cJSON_AddStringToObject(obj, key, text);
    }
}
