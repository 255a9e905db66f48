/* GPU selection: --gpus against the detected list and the runtimes' visibility variables (gpu/select.h). */
#include "gpu/select.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const g_env_names[CLLM_GPU_ENV_COUNT] = {"CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES",
                                                            "ZE_AFFINITY_MASK"};
/* the vendor each variable hides, spelled as detection does */
static const char *const g_env_vendor[CLLM_GPU_ENV_COUNT] = {"NVIDIA", "AMD", "Intel"};

const char *cllm_gpu_env_name(enum cllm_gpu_env_var v)
{
    return (unsigned)v < CLLM_GPU_ENV_COUNT ? g_env_names[v] : "";
}

void cllm_gpu_visible_env_read(struct cllm_gpu_visible_env *e)
{
    memset(e, 0, sizeof(*e));
    for (int i = 0; i < CLLM_GPU_ENV_COUNT; i++) {
        const char *v = getenv(g_env_names[i]);
        if (!v)
            continue;
        e->set[i] = true;
        snprintf(e->value[i], sizeof(e->value[i]), "%s", v);
    }
}

void cllm_gpu_list_describe(const struct cllm_gpu_info *g, char *out, size_t n)
{
    size_t used = 0;
    if (n == 0)
        return;
    out[0] = '\0';
    if (!g || g->n_devices <= 0) {
        snprintf(out, n, "none");
        return;
    }
    for (int i = 0; i < g->n_devices && i < CLLM_GPU_MAX && used + 1 < n; i++) {
        const struct cllm_gpu_device *d = &g->devices[i];
        int k = snprintf(out + used, n - used, "%s%d %s%s%s%s%s%s", i ? ", " : "", i, d->vendor,
                         d->vendor[0] ? " " : "", d->name[0] ? d->name : "GPU", d->pci_bus_id[0] ? " (" : "",
                         d->pci_bus_id, d->pci_bus_id[0] ? ")" : "");
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static int env_of_vendor(const char *vendor)
{
    for (int i = 0; i < CLLM_GPU_ENV_COUNT; i++)
        if (strcasecmp(vendor, g_env_vendor[i]) == 0)
            return i;
    return -1;
}

/* Parses one variable's value into the ordinals of the vendor's devices it shows, in its order (*n of them).
 * CUDA and HIP stop at the first entry that is not a device (their documented behaviour); ZE_AFFINITY_MASK's
 * "N.M" sub-devices count as root device N. False when an entry is a UUID (not resolvable from detection). */
static bool parse_mask(int var, const char *value, int n_vendor, int *ord, int *n)
{
    const char *s = value;
    *n = 0;
    while (*s) {
        char item[64];
        size_t len = strcspn(s, ",");
        size_t a = 0, b = len;
        char *end;
        long v;
        bool dup = false;
        while (a < b && isspace((unsigned char)s[a]))
            a++;
        while (b > a && isspace((unsigned char)s[b - 1]))
            b--;
        snprintf(item, sizeof(item), "%.*s", (int)(b - a < 63 ? b - a : 63), s + a);
        if (strncasecmp(item, "GPU-", 4) == 0 || strncasecmp(item, "MIG-", 4) == 0)
            return false;
        v = strtol(item, &end, 10);
        if (var == CLLM_GPU_ENV_ZE && *end == '.' && end > item && isdigit((unsigned char)end[1])) {
            /* "0.1": sub-device 1 of root device 0 */
            end++;
            while (isdigit((unsigned char)*end))
                end++;
        }
        if (item[0] == '\0' || *end != '\0' || v < 0 || v >= n_vendor) {
            if (var != CLLM_GPU_ENV_ZE)
                break;
        } else {
            for (int i = 0; i < *n; i++)
                dup = dup || ord[i] == (int)v;
            if (!dup && *n < CLLM_GPU_MAX)
                ord[(*n)++] = (int)v;
        }
        s += len;
        if (*s == ',')
            s++;
    }
    return true;
}

/* Fills out->visible / visible_rank from the variables. */
static void apply_env(const struct cllm_gpu_info *g, struct cllm_gpu_selection *out)
{
    int n = g->n_devices < CLLM_GPU_MAX ? g->n_devices : CLLM_GPU_MAX;
    for (int i = 0; i < n; i++) {
        const struct cllm_gpu_device *d = &g->devices[i];
        int ordinal = 0, var = env_of_vendor(d->vendor);
        for (int j = 0; j < i; j++)
            if (strcasecmp(g->devices[j].vendor, d->vendor) == 0)
                ordinal++;
        out->visible[i] = true;
        out->visible_rank[i] = ordinal;
        if (var >= 0 && out->env.set[var]) {
            int ord[CLLM_GPU_MAX], k = 0, n_vendor = 0;
            for (int j = 0; j < n; j++)
                if (strcasecmp(g->devices[j].vendor, d->vendor) == 0)
                    n_vendor++;
            if (!parse_mask(var, out->env.value[var], n_vendor, ord, &k)) {
                snprintf(out->note, sizeof(out->note),
                         "%s=%.120s names devices by UUID, which detection does not read: every %s GPU counted "
                         "visible, device numbers as detected", g_env_names[var], out->env.value[var],
                         g_env_vendor[var]);
                continue;
            }
            out->visible[i] = false;
            out->visible_rank[i] = -1;
            for (int j = 0; j < k; j++) {
                if (ord[j] == ordinal) {
                    out->visible[i] = true;
                    out->visible_rank[i] = j;
                }
            }
        }
    }
}

/* The variable hiding detected GPU i, for messages. */
static int hiding_var(const struct cllm_gpu_info *g, int i) { return env_of_vendor(g->devices[i].vendor); }

enum cllm_status cllm_gpu_select(const struct cllm_gpu_info *g, const char *spec,
                                 const struct cllm_gpu_visible_env *env, struct cllm_gpu_selection *out, char *err,
                                 size_t errlen)
{
    char list[1024];
    int n_dev;
    bool narrowed = false;

    memset(out, 0, sizeof(*out));
    if (err && errlen)
        err[0] = '\0';
    if (env)
        out->env = *env;
    else
        cllm_gpu_visible_env_read(&out->env);
    n_dev = g ? (g->n_devices < CLLM_GPU_MAX ? g->n_devices : CLLM_GPU_MAX) : 0;
    for (int i = 0; i < CLLM_GPU_MAX; i++)
        out->visible_rank[i] = -1;
    if (g)
        apply_env(g, out);
    cllm_gpu_list_describe(g, list, sizeof(list));

    if (!spec || !spec[0]) {
        for (int i = 0; i < n_dev; i++) {
            if (out->visible[i]) {
                out->runtime_index[out->n] = out->visible_rank[i];
                out->index[out->n++] = i;
            } else {
                narrowed = true;
            }
        }
        snprintf(out->source, sizeof(out->source), "%s", narrowed ? "environment" : "all");
        return CLLM_OK;
    }

    snprintf(out->spec, sizeof(out->spec), "%s", spec);
    snprintf(out->source, sizeof(out->source), "flag");
    for (const char *s = spec; *s;) {
        size_t len = strcspn(s, ",");
        char item[32], *end;
        long v;
        snprintf(item, sizeof(item), "%.*s", (int)(len < 31 ? len : 31), s);
        v = strtol(item, &end, 10);
        if (len == 0 || len > 30 || item[0] == '-' || item[0] == '+' || isspace((unsigned char)item[0]) ||
            *end != '\0') {
            cllm_errf(err, errlen, "expected GPU indices such as 0 or 0,2 (as `computellm detect` numbers them), got "
                      "'%.40s'; GPUs here: %s", spec, list);
            return CLLM_ERR_INVALID_ARG;
        }
        if (v >= n_dev) {
            cllm_errf(err, errlen, "GPU %ld does not exist: this machine has %d GPU%s%s%s", v, n_dev,
                      n_dev == 1 ? "" : "s", n_dev ? ": " : " (computellm detect lists none)", n_dev ? list : "");
            return CLLM_ERR_INVALID_ARG;
        }
        for (int j = 0; j < out->n; j++) {
            if (out->index[j] == (int)v) {
                cllm_errf(err, errlen, "GPU %ld is named twice in '%.40s'", v, spec);
                return CLLM_ERR_INVALID_ARG;
            }
        }
        if (!out->visible[v]) {
            int var = hiding_var(g, (int)v);
            cllm_errf(err, errlen, "GPU %ld (%s %s) is hidden by %s=%.60s: unset it or pick a visible GPU; GPUs "
                      "here: %s", v, g->devices[v].vendor, g->devices[v].name, var >= 0 ? g_env_names[var] : "?",
                      var >= 0 ? out->env.value[var] : "", list);
            return CLLM_ERR_INVALID_ARG;
        }
        if (out->n >= CLLM_GPU_MAX) {
            cllm_errf(err, errlen, "at most %d GPUs", CLLM_GPU_MAX);
            return CLLM_ERR_INVALID_ARG;
        }
        out->runtime_index[out->n] = out->visible_rank[v];
        out->index[out->n++] = (int)v;
        s += len;
        if (*s == ',') {
            s++;
            if (!*s) {
                cllm_errf(err, errlen, "'%.40s' ends with a comma", spec);
                return CLLM_ERR_INVALID_ARG;
            }
        }
    }
    return CLLM_OK;
}
