/* llama.cpp's load log → layers and buffer sizes per device (llm/placement.h). */
#include "llm/placement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"

void cllm_placement_init(struct cllm_placement *p)
{
    memset(p, 0, sizeof(*p));
    p->offloaded = p->offloadable = -1;
}

const struct cllm_placement_entry *cllm_placement_find(const struct cllm_placement *p, const char *name)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->e[i].name, name) == 0)
            return &p->e[i];
    return NULL;
}

static struct cllm_placement_entry *entry(struct cllm_placement *p, const char *name, size_t len)
{
    struct cllm_placement_entry *e;
    if (len == 0 || len >= sizeof(p->e[0].name))
        return NULL;
    for (int i = 0; i < p->n; i++)
        if (strlen(p->e[i].name) == len && memcmp(p->e[i].name, name, len) == 0)
            return &p->e[i];
    if (p->n == CLLM_PLACEMENT_MAX)
        return NULL;
    e = &p->e[p->n++];
    memset(e, 0, sizeof(*e));
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    return e;
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ')
        s++;
    return s;
}

/* A whole non-negative integer at s; its end in *end. */
static bool read_int(const char *s, int *v, const char **end)
{
    long x = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && x <= 1000000000L)
        x = x * 10 + (*p++ - '0');
    if (p == s || x > 1000000000L)
        return false;
    *v = (int)x;
    *end = p;
    return true;
}

/* "<prefix>: <NAME> <kind> buffer size = <X> MiB": NAME is the word before `kind`. */
static bool buffer_line(struct cllm_placement *p, const char *line, const char *kind, int which)
{
    const char *colon = strchr(line, ':'), *k, *name, *name_end, *eq, *num;
    char *end;
    double mib;
    struct cllm_placement_entry *e;

    if (!colon || !(k = strstr(colon, kind)))
        return false;
    name_end = k;
    while (name_end > colon + 1 && name_end[-1] == ' ')
        name_end--;
    name = name_end;
    while (name > colon + 1 && name[-1] != ' ')
        name--;
    if (name == name_end)
        return false;
    eq = strstr(k, " = ");
    if (!eq)
        return false;
    num = skip_spaces(eq + 3);
    if (!(*num >= '0' && *num <= '9'))
        return false;
    mib = strtod(num, &end);
    if (end == num || !isfinite(mib) || mib < 0 || mib > 1e12 || strcmp(skip_spaces(end), "MiB") != 0)
        return false;
    e = entry(p, name, (size_t)(name_end - name));
    if (!e)
        return false;
    if (which == 0) {
        e->model_mib += mib;
        e->has_model = true;
    } else if (which == 1) {
        e->kv_mib += mib;
        e->has_kv = true;
    } else {
        e->compute_mib += mib;
        e->has_compute = true;
    }
    return true;
}

bool cllm_placement_line(struct cllm_placement *p, const char *line)
{
    static const char layer_pre[] = "load_tensors: layer ";
    static const char off_pre[] = "load_tensors: offloaded ";
    const char *s, *end;
    int v, w;

    if (!line)
        return false;
    if (strncmp(line, layer_pre, sizeof(layer_pre) - 1) == 0) {
        const char *dev, *dev_end;
        struct cllm_placement_entry *e;
        s = skip_spaces(line + sizeof(layer_pre) - 1);
        if (!read_int(s, &v, &end) || strncmp(end, " assigned to device ", 20) != 0)
            return false;
        dev = end + 20;
        dev_end = strchr(dev, ',');
        if (!dev_end)
            return false;
        e = entry(p, dev, (size_t)(dev_end - dev));
        if (!e)
            return false;
        e->layers++;
        p->layer_lines++;
        return true;
    }
    if (strncmp(line, off_pre, sizeof(off_pre) - 1) == 0) {
        s = line + sizeof(off_pre) - 1;
        if (!read_int(s, &v, &end) || *end != '/' || !read_int(end + 1, &w, &end) ||
            strcmp(end, " layers to GPU") != 0)
            return false;
        p->offloaded = v;
        p->offloadable = w;
        return true;
    }
    if (strstr(line, " model buffer size = "))
        return buffer_line(p, line, " model buffer size", 0);
    if (strstr(line, " KV buffer size = "))
        return buffer_line(p, line, " KV buffer size", 1);
    if (strstr(line, " compute buffer size = "))
        return buffer_line(p, line, " compute buffer size", 2);
    return false;
}
