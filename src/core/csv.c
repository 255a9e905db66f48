#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

static void put(struct cllm_csv *c, const char *s, size_t n)
{
    if (c->oom)
        return;
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        char *np;
        while (cap < c->len + n + 1)
            cap *= 2;
        np = realloc(c->text, cap);
        if (!np) {
            c->oom = true;
            return;
        }
        c->text = np;
        c->cap = cap;
    }
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
}

void cllm_csv_cell(struct cllm_csv *c, const char *s, bool last)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        put(c, s, strlen(s));
    } else {
        put(c, "\"", 1);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                put(c, "\"", 1);
            put(c, p, 1);
        }
        put(c, "\"", 1);
    }
    if (last)
        put(c, "\r\n", 2);
    else
        put(c, ",", 1);
}

void cllm_csv_row(struct cllm_csv *c, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++)
        cllm_csv_cell(c, fields[i], i == n - 1);
}

char *cllm_csv_finish(struct cllm_csv *c)
{
    char *t = c->text;
    if (c->oom) {
        free(t);
        t = NULL;
    } else if (!t) {
        t = calloc(1, 1);
    }
    c->text = NULL;
    c->len = c->cap = 0;
    return t;
}

int cllm_csv_read_record(const char *text, size_t *pos, char fields[][512], int max_fields)
{
    size_t i = *pos;
    int nf = 0;
    size_t k = 0;
    int quoted = 0, in_field = 0;

    if (!text[i])
        return 0;
    for (;;) {
        char ch = text[i];
        if (nf >= max_fields)
            return -1;
        if (quoted) {
            if (ch == '\0')
                return -1;
            if (ch == '"') {
                if (text[i + 1] == '"') {
                    if (k + 1 >= 512)
                        return -1;
                    fields[nf][k++] = '"';
                    i += 2;
                    continue;
                }
                quoted = 0;
                i++;
                continue;
            }
            if (k + 1 >= 512)
                return -1;
            fields[nf][k++] = ch;
            i++;
            continue;
        }
        if (ch == '"' && k == 0 && !in_field) {
            quoted = 1;
            in_field = 1;
            i++;
            continue;
        }
        if (ch == ',' || ch == '\n' || ch == '\r' || ch == '\0') {
            fields[nf][k] = '\0';
            nf++;
            k = 0;
            in_field = 0;
            if (ch == ',') {
                i++;
                continue;
            }
            if (ch == '\r' && text[i + 1] == '\n')
                i++;
            if (ch != '\0')
                i++;
            *pos = i;
            return nf;
        }
        if (k + 1 >= 512)
            return -1;
        fields[nf][k++] = ch;
        in_field = 1;
        i++;
    }
}
