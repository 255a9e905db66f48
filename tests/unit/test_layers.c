/* The folders under src/ are the layer map (docs/architecture.md), and this test keeps them so. It reads every .c
 * and .h under $CLLM_SRC/src and fails, naming the file, the line and the rule, on:
 *   - a folder that is not in the layer order, or a source file directly in src/;
 *   - an #include "..." that goes up the layer order (a file includes its own folder and lower ones only), that
 *     names no file under src/, or that forms a cycle between folders or between files;
 *   - cli including web's internals: web/server.h (start the GUI server) is the one web header cli may include;
 *     both are clients of app/ and report/;
 *   - core including anything but the C library, cJSON and pthread (its lock); <dlfcn.h> outside platform/;
 *   - a function prefix used by two folders' headers: a function's prefix (cllm_X_, the word after cllm_) names
 *     its module and a module lives in one folder.
 * The checker is first run on a small tree with one mistake of each kind, so each rule is seen to fail. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "test.h"

/* The layer order, lowest first. */
static const char *const k_layers[] = {"core",  "platform", "gpu",    "hw",    "monitor", "classic", "llm",
                                       "model", "serve",    "report", "store", "app",     "web",     "cli", NULL};
/* Prefixes shared on purpose by several folders: none today. A prefix belongs here only when it names a
 * cross-cutting concern (as cllm_status_ would if each layer had its own status codes), never a moved module. */
static const char *const k_shared_prefixes[] = {NULL};
/* The C standard headers: what core may include, with cJSON and pthread. */
static const char *const k_c_headers[] = {
    "assert.h", "complex.h", "ctype.h",    "errno.h",  "fenv.h",   "float.h",    "inttypes.h",    "iso646.h",
    "limits.h", "locale.h",  "math.h",     "setjmp.h", "signal.h", "stdalign.h", "stdarg.h",      "stdatomic.h",
    "stdbool.h", "stddef.h", "stdint.h",   "stdio.h",  "stdlib.h", "stdnoreturn.h", "string.h",   "tgmath.h",
    "threads.h", "time.h",   "uchar.h",    "wchar.h",  "wctype.h", "cjson/cJSON.h", "pthread.h",  NULL};

#define MAX_FILES 1024
#define MAX_EDGES 8192
#define MAX_FUNCS 8192

struct src_file {
    char rel[320];      /* path under src/, e.g. "llm/metrics.c" */
    int  layer;         /* index in k_layers; -1 when the folder is not there */
    int  folder;        /* index into the folder table of the run */
};

struct inc_edge {
    int from, to;       /* file indices */
    int line;
};

struct func_decl {
    char name[96];
    char prefix[96];    /* "cllm_gpu_" for cllm_gpu_detect; the whole name when no '_' follows the first word */
    int  file, line;
};

struct check {
    char src[1024];
    struct src_file files[MAX_FILES];
    int  n_files;
    char folders[64][64];
    int  n_folders;
    struct inc_edge edges[MAX_EDGES];
    int  n_edges;
    struct func_decl funcs[MAX_FUNCS];
    int  n_funcs;
    char *report;       /* every violation, one per line: "src/FILE:LINE: rule" */
    size_t report_len, report_cap;
    int  n_violations;
};

static void violation(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(struct check *c, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    line[n] = '\0';
    if (c->report_len + (size_t)n + 1 > c->report_cap) {
        c->report_cap = (c->report_cap + (size_t)n + 1) * 2;
        c->report = realloc(c->report, c->report_cap);
    }
    memcpy(c->report + c->report_len, line, (size_t)n + 1);
    c->report_len += (size_t)n;
    c->n_violations++;
}

static int layer_of(const char *folder)
{
    for (int i = 0; k_layers[i]; i++)
        if (strcmp(k_layers[i], folder) == 0)
            return i;
    return -1;
}

static const char *layer_order(void)
{
    static char buf[256];
    size_t used = 0;
    for (int i = 0; k_layers[i]; i++)
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " < " : "", k_layers[i]);
    return buf;
}

static int folder_index(struct check *c, const char *folder)
{
    for (int i = 0; i < c->n_folders; i++)
        if (strcmp(c->folders[i], folder) == 0)
            return i;
    if (c->n_folders == 64)
        return 63;   /* the layer map has 14: more only in a broken tree, reported folder by folder anyway */
    snprintf(c->folders[c->n_folders], sizeof(c->folders[0]), "%.63s", folder);
    return c->n_folders++;
}

static int file_index(const struct check *c, const char *rel)
{
    for (int i = 0; i < c->n_files; i++)
        if (strcmp(c->files[i].rel, rel) == 0)
            return i;
    return -1;
}

static bool is_source(const char *name)
{
    size_t n = strlen(name);
    return (n > 2 && (strcmp(name + n - 2, ".c") == 0 || strcmp(name + n - 2, ".h") == 0)) ||
           (n > 5 && strcmp(name + n - 5, ".h.in") == 0);
}

/* Lists the sources of src/FOLDER (one level: the layer map has no sub-folders). */
static void list_folder(struct check *c, const char *folder)
{
    char path[1400];
    DIR *d;
    struct dirent *e;
    snprintf(path, sizeof(path), "%s/%s", c->src, folder);
    if (!(d = opendir(path)))
        return;
    while ((e = readdir(d))) {
        char full[1800];
        struct stat sb;
        if (e->d_name[0] == '.')
            continue;
        snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
        if (stat(full, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            violation(c, "src/%s/%s/: a sub-folder: the layer map is one level of folders", folder, e->d_name);
            continue;
        }
        if (!is_source(e->d_name) || c->n_files >= MAX_FILES)
            continue;
        struct src_file *f = &c->files[c->n_files++];
        snprintf(f->rel, sizeof(f->rel), "%.63s/%.255s", folder, e->d_name);
        f->layer = layer_of(folder);
        f->folder = folder_index(c, folder);
    }
    closedir(d);
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const struct src_file *)a)->rel, ((const struct src_file *)b)->rel);
}

static void list_tree(struct check *c)
{
    DIR *d = opendir(c->src);
    struct dirent *e;
    if (!d) {
        violation(c, "%s: cannot open the source tree", c->src);
        return;
    }
    while ((e = readdir(d))) {
        char full[1400];
        struct stat sb;
        if (e->d_name[0] == '.')
            continue;
        snprintf(full, sizeof(full), "%s/%s", c->src, e->d_name);
        if (stat(full, &sb) != 0)
            continue;
        if (!S_ISDIR(sb.st_mode)) {
            if (is_source(e->d_name))
                violation(c, "src/%s: a source file outside the layer folders", e->d_name);
            continue;
        }
        if (layer_of(e->d_name) < 0)
            violation(c, "src/%s/: a folder that is not in the layer order (%s)", e->d_name, layer_order());
        list_folder(c, e->d_name);
    }
    closedir(d);
    qsort(c->files, (size_t)c->n_files, sizeof(c->files[0]), cmp_files);
    c->n_folders = 0;
    for (int i = 0; i < c->n_files; i++) {   /* folder indices again, now in file order (stable messages) */
        char folder[64];
        const char *slash = strchr(c->files[i].rel, '/');
        snprintf(folder, sizeof(folder), "%.*s", (int)(slash - c->files[i].rel), c->files[i].rel);
        c->files[i].folder = folder_index(c, folder);
    }
}

static const char *folder_of(const struct check *c, int file)
{
    return c->folders[c->files[file].folder];
}

/* Blanks comments (keeping newlines, so line numbers hold) and, when strings is set, string and character literals. */
static void strip_comments(char *s, bool strings)
{
    for (char *p = s; *p;) {
        if (p[0] == '/' && p[1] == '*') {
            char *end = strstr(p + 2, "*/");
            char *stop = end ? end + 2 : p + strlen(p);
            for (; p < stop; p++)
                if (*p != '\n')
                    *p = ' ';
        } else if (p[0] == '/' && p[1] == '/') {
            for (; *p && *p != '\n'; p++)
                *p = ' ';
        } else if (*p == '"' || *p == '\'') {
            char q = *p++;
            for (; *p && *p != q && *p != '\n'; p++) {
                if (*p == '\\' && p[1] && p[1] != '\n') {   /* an escape: its next character is no quote */
                    if (strings)
                        *p = ' ';
                    p++;
                }
                if (strings)
                    *p = ' ';
            }
            if (*p == q)
                p++;
        } else {
            p++;
        }
    }
}

/* Resolves an #include "name" of file `from` to a file index: "folder/x.h" under src/, a bare "x.h" beside the
 * includer, or a header generated from src/FOLDER/x.h.in (build_info.h). -1 when none. */
static int resolve_include(const struct check *c, int from, const char *name)
{
    char rel[512];
    int k;
    if (strchr(name, '/'))
        return file_index(c, name);
    snprintf(rel, sizeof(rel), "%s/%s", folder_of(c, from), name);
    if ((k = file_index(c, rel)) >= 0)
        return k;
    for (int i = 0; i < c->n_files; i++) {
        const char *base = strrchr(c->files[i].rel, '/') + 1;
        size_t n = strlen(name);
        if (strncmp(base, name, n) == 0 && strcmp(base + n, ".in") == 0)
            return i;
    }
    return -1;
}

static bool in_list(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* The #include lines of one file: edges, and the rules on system headers. */
static void scan_includes(struct check *c, int fi, char *text)
{
    const char *folder = folder_of(c, fi);
    int line = 1;
    strip_comments(text, false);
    for (char *p = text; *p; line++) {
        char *eol = strchr(p, '\n');
        char *q = p;
        if (eol)
            *eol = '\0';
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '#') {
            for (q++; *q == ' ' || *q == '\t'; q++)
                ;
            if (strncmp(q, "include", 7) == 0) {
                char name[256], close;
                for (q += 7; *q == ' ' || *q == '\t'; q++)
                    ;
                close = *q == '"' ? '"' : *q == '<' ? '>' : 0;
                if (close) {
                    char *end = strchr(q + 1, close);
                    if (end && end - q - 1 < (long)sizeof(name)) {
                        snprintf(name, sizeof(name), "%.*s", (int)(end - q - 1), q + 1);
                        if (close == '>') {
                            if (strcmp(folder, "core") == 0 && !in_list(k_c_headers, name))
                                violation(c, "src/%s:%d: includes <%s>: core uses the C library (and cJSON, "
                                          "pthread) only; operating-system calls belong in platform/",
                                          c->files[fi].rel, line, name);
                            if (strcmp(name, "dlfcn.h") == 0 && strcmp(folder, "platform") != 0)
                                violation(c, "src/%s:%d: includes <dlfcn.h>: only platform/ loads libraries "
                                          "(platform/dl.h)", c->files[fi].rel, line);
                        } else {
                            int to = resolve_include(c, fi, name);
                            if (to < 0)
                                violation(c, "src/%s:%d: includes \"%s\", which is no file under src/ (name it as "
                                          "\"folder/file.h\")", c->files[fi].rel, line, name);
                            else if (c->n_edges < MAX_EDGES)
                                c->edges[c->n_edges++] = (struct inc_edge){fi, to, line};
                        }
                    }
                }
            }
        }
        if (!eol)
            break;
        p = eol + 1;
    }
}

/* Function declarations at file scope of a header: an identifier cllm_... directly followed by '(' outside any
 * braces, parentheses and preprocessor lines (#ifdef __cplusplus blocks skipped); function pointers
 * ((*cllm_x)(...)) and calls inside inline bodies are not declarations. */
static void scan_functions(struct check *c, int fi, char *text)
{
    int line = 1, braces = 0, parens = 0, skip_depth = 0, pp_depth = 0;
    bool line_start = true;
    strip_comments(text, true);
    for (char *p = text; *p;) {
        if (*p == '\n') {
            line++, line_start = true, p++;
            continue;
        }
        if (line_start && (*p == ' ' || *p == '\t')) {
            p++;
            continue;
        }
        if (line_start && *p == '#') {
            char *q = p + 1;
            while (*q == ' ' || *q == '\t')
                q++;
            if (strncmp(q, "if", 2) == 0) {
                pp_depth++;
                if (!skip_depth && strstr(q, "__cplusplus") && strncmp(q, "ifdef", 5) == 0)
                    skip_depth = pp_depth;
            } else if (strncmp(q, "endif", 5) == 0) {
                if (skip_depth == pp_depth)
                    skip_depth = 0;
                pp_depth--;
            } else if (strncmp(q, "else", 4) == 0 || strncmp(q, "elif", 4) == 0) {
                if (skip_depth == pp_depth)
                    skip_depth = 0;
            }
            for (; *p && *p != '\n'; p++)   /* to the end of the directive, continuation lines included */
                if (*p == '\\' && p[1] == '\n')
                    p++, line++;
            continue;
        }
        line_start = false;
        if (skip_depth) {
            p++;
            continue;
        }
        if (*p == '{')
            braces++;
        else if (*p == '}')
            braces--;
        else if (*p == '(')
            parens++;
        else if (*p == ')')
            parens--;
        if (isalpha((unsigned char)*p) || *p == '_') {
            char *s = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            if (braces == 0 && parens == 0 && p - s > 5 && strncmp(s, "cllm_", 5) == 0) {
                char *q = p;
                while (*q == ' ' || *q == '\t' || *q == '\n')
                    q++;
                if (*q == '(' && c->n_funcs < MAX_FUNCS && p - s < (long)sizeof(c->funcs[0].name)) {
                    struct func_decl *f = &c->funcs[c->n_funcs++];
                    char *u;
                    snprintf(f->name, sizeof(f->name), "%.*s", (int)(p - s), s);
                    memcpy(f->prefix, f->name, sizeof(f->prefix));
                    if ((u = strchr(f->prefix + 5, '_')) != NULL)
                        u[1] = '\0';
                    f->file = fi;
                    f->line = line;
                }
            }
            continue;
        }
        p++;
    }
}

static char *read_text(const struct check *c, int fi)
{
    char path[1400];
    snprintf(path, sizeof(path), "%s/%s", c->src, c->files[fi].rel);
    return test_slurp(path, NULL);
}

static void check_layers(struct check *c)
{
    for (int e = 0; e < c->n_edges; e++) {
        const struct inc_edge *x = &c->edges[e];
        const struct src_file *from = &c->files[x->from], *to = &c->files[x->to];
        if (from->layer < 0 || to->layer < 0 || from->folder == to->folder)
            continue;
        if (to->layer > from->layer)
            violation(c, "src/%s:%d: includes \"%s\": %s may include only its own folder and lower ones, and %s is "
                      "above it (%s)", from->rel, x->line, to->rel, folder_of(c, x->from), folder_of(c, x->to),
                      layer_order());
        if (strcmp(folder_of(c, x->from), "cli") == 0 && strcmp(folder_of(c, x->to), "web") == 0 &&
            strcmp(to->rel, "web/server.h") != 0)
            violation(c, "src/%s:%d: includes \"%s\": cli may include only web/server.h of web (both are clients "
                      "of app/ and report/)", from->rel, x->line, to->rel);
    }
}

/* Cycles between folders: any strongly connected set of folders (Tarjan), named with one include per step. */
struct tarjan {
    int index[64], low[64], stack[64], sp, counter, comp[64], n_comp;
    bool on[64], adj[64][64];
    int adj_edge[64][64];
};

static void strong(struct check *c, struct tarjan *t, int v)
{
    t->index[v] = t->low[v] = t->counter++;
    t->stack[t->sp++] = v;
    t->on[v] = true;
    for (int w = 0; w < c->n_folders; w++) {
        if (!t->adj[v][w])
            continue;
        if (t->index[w] < 0) {
            strong(c, t, w);
            if (t->low[w] < t->low[v])
                t->low[v] = t->low[w];
        } else if (t->on[w] && t->index[w] < t->low[v]) {
            t->low[v] = t->index[w];
        }
    }
    if (t->low[v] == t->index[v]) {
        int members[64], n = 0, w;
        do {
            w = t->stack[--t->sp];
            t->on[w] = false;
            members[n++] = w;
        } while (w != v);
        if (n > 1) {
            char msg[1500];
            size_t used = 0;
            for (int i = n - 1; i >= 0; i--)
                for (int j = n - 1; j >= 0; j--)
                    if (t->adj[members[i]][members[j]]) {
                        const struct inc_edge *x = &c->edges[t->adj_edge[members[i]][members[j]]];
                        used += (size_t)snprintf(msg + used, used < sizeof(msg) ? sizeof(msg) - used : 0,
                                                 "%s%s -> %s (src/%s:%d)", used ? ", " : "", c->folders[members[i]],
                                                 c->folders[members[j]], c->files[x->from].rel, x->line);
                    }
            violation(c, "include cycle between folders: %s", msg);
        }
    }
}

static void check_folder_cycles(struct check *c)
{
    struct tarjan *t = calloc(1, sizeof(*t));
    for (int v = 0; v < 64; v++)
        t->index[v] = -1;
    for (int e = 0; e < c->n_edges; e++) {
        int a = c->files[c->edges[e].from].folder, b = c->files[c->edges[e].to].folder;
        if (a != b && !t->adj[a][b]) {
            t->adj[a][b] = true;
            t->adj_edge[a][b] = e;
        }
    }
    for (int v = 0; v < c->n_folders; v++)
        if (t->index[v] < 0)
            strong(c, t, v);
    free(t);
}

/* Cycles between files: a depth-first walk; each include that closes a cycle is reported with the cycle. */
static void visit(struct check *c, int v, int *color, int *path, int depth)
{
    color[v] = 1;
    path[depth] = v;
    for (int e = 0; e < c->n_edges; e++) {
        int w = c->edges[e].to;
        if (c->edges[e].from != v)
            continue;
        if (color[w] == 0) {
            visit(c, w, color, path, depth + 1);
        } else if (color[w] == 1) {
            char msg[1500];
            size_t used = 0;
            int start = depth;
            while (start > 0 && path[start] != w)
                start--;
            for (int i = start; i <= depth; i++)
                used += (size_t)snprintf(msg + used, used < sizeof(msg) ? sizeof(msg) - used : 0, "%s -> ",
                                         c->files[path[i]].rel);
            snprintf(msg + used, used < sizeof(msg) ? sizeof(msg) - used : 0, "%s", c->files[w].rel);
            violation(c, "src/%s:%d: includes \"%s\", closing an include cycle between files: %s",
                      c->files[v].rel, c->edges[e].line, c->files[w].rel, msg);
        }
    }
    color[v] = 2;
}

static void check_file_cycles(struct check *c)
{
    int *color = calloc((size_t)c->n_files, sizeof(int)), *path = calloc((size_t)c->n_files + 1, sizeof(int));
    for (int v = 0; v < c->n_files; v++)
        if (color[v] == 0)
            visit(c, v, color, path, 0);
    free(color);
    free(path);
}

/* Each prefix belongs to the folder whose headers declare the most functions with it (on a tie, the lower
 * layer); every other folder's use is reported at its first declaration. */
static void check_prefixes(struct check *c)
{
    bool *done = calloc((size_t)c->n_funcs, sizeof(bool));
    for (int i = 0; i < c->n_funcs; i++) {
        int count[64] = {0}, first[64], owner = -1;
        if (done[i])
            continue;
        for (int k = 0; k < 64; k++)
            first[k] = -1;
        for (int j = i; j < c->n_funcs; j++) {
            int fo;
            if (strcmp(c->funcs[j].prefix, c->funcs[i].prefix) != 0)
                continue;
            done[j] = true;
            fo = c->files[c->funcs[j].file].folder;
            if (count[fo]++ == 0)
                first[fo] = j;
        }
        if (in_list(k_shared_prefixes, c->funcs[i].prefix))
            continue;
        for (int k = 0; k < c->n_folders; k++)
            if (count[k] && (owner < 0 || count[k] > count[owner] ||
                             (count[k] == count[owner] && layer_of(c->folders[k]) < layer_of(c->folders[owner]))))
                owner = k;
        for (int k = 0; k < c->n_folders; k++) {
            const struct func_decl *f, *o;
            if (!count[k] || k == owner)
                continue;
            f = &c->funcs[first[k]];
            o = &c->funcs[first[owner]];
            violation(c, "src/%s:%d: %s: the prefix %s is src/%s's (%d functions, e.g. %s in src/%s) and src/%s's "
                      "headers declare %d: a module lives in one folder; rename the function for its folder or "
                      "move it", c->files[f->file].rel, f->line, f->name, f->prefix, c->folders[owner],
                      count[owner], o->name, c->files[o->file].rel, c->folders[k], count[k]);
        }
    }
    free(done);
}

static struct check *check_tree(const char *src)
{
    struct check *c = calloc(1, sizeof(*c));
    snprintf(c->src, sizeof(c->src), "%s", src);
    list_tree(c);
    for (int i = 0; i < c->n_files; i++) {
        char *text = read_text(c, i);
        size_t n = strlen(c->files[i].rel);
        if (!text) {
            violation(c, "src/%s: cannot be read", c->files[i].rel);
            continue;
        }
        {
            char *copy = strdup(text);
            scan_includes(c, i, copy);
            free(copy);
        }
        if (c->files[i].rel[n - 1] == 'h')
            scan_functions(c, i, text);
        free(text);
    }
    check_layers(c);
    check_folder_cycles(c);
    check_file_cycles(c);
    check_prefixes(c);
    return c;
}

static void free_check(struct check *c)
{
    free(c->report);
    free(c);
}

/* ---- a small tree with one mistake of each kind ---- */

static char g_tmp[512];

static void put(const char *rel, const char *text)
{
    char path[1024], dir[1024], *slash;
    snprintf(path, sizeof(path), "%s/src/%s", g_tmp, rel);
    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    *slash = '\0';
    for (char *p = dir + strlen(g_tmp) + 1; (p = strchr(p, '/')); *p++ = '/') {
        *p = '\0';
        mkdir(dir, 0755);
    }
    mkdir(dir, 0755);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static bool reported(const struct check *c, const char *needle)
{
    if (c->report && strstr(c->report, needle))
        return true;
    fprintf(stderr, "  expected a violation containing: %s\n", needle);
    return false;
}

static void test_each_rule_fails(void)
{
    struct check *c;
    char src[600];
    if (!test_mkdtemp(g_tmp, sizeof(g_tmp), "layers"))
        SKIP("no temp folder");
    put("core/status.h", "#ifndef S\n#define S\n#include <stddef.h>\nint cllm_status_str(int s);\n#endif\n");
    put("core/build_info.h.in", "#define X \"@X@\"\n");
    put("core/log.c", "#include \"build_info.h\"\n#include \"core/status.h\"\n/* #include \"cli/main.h\" */\n"
                      "// #include \"web/api.h\"\n#include <unistd.h>\n");
    put("core/up.c", "#include <stdio.h>\n\n#include \"llm/x.h\"\n");
    put("platform/dl.c", "#include <dlfcn.h>\n#include \"core/status.h\"\n");
    put("gpu/gpu.h", "#ifdef __cplusplus\nextern \"C\" {\n#endif\nint cllm_gpu_detect(void);\n"
                     "int cllm_gpu_count(void);\nstruct t { int (*cllm_gpu_fn)(void); };\n"
                     "#ifdef __cplusplus\n}\n#endif\n");
    put("gpu/vendor.c", "#include <dlfcn.h>\n#include \"gpu/gpu.h\"\n");
    put("classic/gemm.h", "#include \"gpu/gpu.h\"\nstatic inline int cllm_classic_x(void) { return cllm_gpu_y(); }\n"
                          "#define cllm_gpu_macro(x) (x)\nconst char *s = \"cllm_gpu_str(\";\n"
                          "int\ncllm_gpu_gemm_run(int n);\n");
    put("llm/x.h", "#include \"llm/y.h\"\n");
    put("llm/y.h", "#include \"core/status.h\"\n#include \"llm/x.h\"\n");
    put("hw/hw.h", "#include \"monitor/mon.h\"\n");
    put("monitor/mon.h", "#include \"core/status.h\"\n\n#include \"hw/hw.h\"\n");
    put("web/server.h", "int cllm_web_start(void);\n");
    put("web/api.h", "int cllm_web_api(void);\n");
    put("cli/gui.c", "#include \"web/server.h\"\n#include \"web/api.h\"\n#include \"nowhere.h\"\n");
    put("bench/old.c", "#include \"core/status.h\"\n");
    put("stray.c", "int x;\n");
    snprintf(src, sizeof(src), "%s/src", g_tmp);
    c = check_tree(src);
    for (const char *l = c->report; l && *l;) {   /* shown indented: these are expected */
        const char *nl = strchr(l, '\n');
        int len = nl ? (int)(nl - l) : (int)strlen(l);
        fprintf(stderr, "    (expected) %.*s\n", len, l);
        l += len + (nl != NULL);
    }
    CHECK(reported(c, "src/core/up.c:3: includes \"llm/x.h\": core may include only its own folder and lower"));
    CHECK(reported(c, "src/core/log.c:5: includes <unistd.h>: core uses the C library"));
    CHECK(reported(c, "src/gpu/vendor.c:1: includes <dlfcn.h>"));
    CHECK(reported(c, "src/llm/y.h:2: includes \"llm/x.h\", closing an include cycle between files: "
                      "llm/x.h -> llm/y.h -> llm/x.h"));
    CHECK(reported(c, "include cycle between folders: hw -> monitor (src/hw/hw.h:1), monitor -> hw "
                      "(src/monitor/mon.h:3)"));
    CHECK(reported(c, "src/hw/hw.h:1: includes \"monitor/mon.h\": hw may include only"));
    CHECK(reported(c, "src/cli/gui.c:2: includes \"web/api.h\": cli may include only web/server.h"));
    CHECK(reported(c, "src/cli/gui.c:3: includes \"nowhere.h\", which is no file under src/"));
    CHECK(reported(c, "src/bench/: a folder that is not in the layer order"));
    CHECK(reported(c, "src/stray.c: a source file outside the layer folders"));
    CHECK(reported(c, "src/monitor/mon.h:3: includes \"hw/hw.h\", closing an include cycle between files: "
                      "hw/hw.h -> monitor/mon.h -> hw/hw.h"));
    CHECK(reported(c, "src/classic/gemm.h:6: cllm_gpu_gemm_run: the prefix cllm_gpu_ is src/gpu's (2 functions, "
                      "e.g. cllm_gpu_detect in src/gpu/gpu.h)"));
    /* what must not be reported: the allowed include, comments, the generated header, pointers, calls, macros */
    CHECK(!strstr(c->report, "web/server.h\": cli"));
    CHECK(!strstr(c->report, "cli/main.h"));
    CHECK(!strstr(c->report, "core/log.c:1"));
    CHECK(!strstr(c->report, "cllm_gpu_fn"));
    CHECK(!strstr(c->report, "cllm_gpu_y"));
    CHECK(!strstr(c->report, "cllm_gpu_macro"));
    CHECK(!strstr(c->report, "cllm_gpu_str"));
    CHECK(!strstr(c->report, "platform/dl.c"));
    CHECK_INT(c->n_violations, 13);
    free_check(c);
    test_rmtree(g_tmp);
}

/* ---- the real tree ---- */

static void test_source_tree(void)
{
    const char *root = getenv("CLLM_SRC");
    char src[1024];
    struct check *c;
    if (!root || !root[0])
        SKIP("CLLM_SRC (the source tree) not set: CTest sets it");
    snprintf(src, sizeof(src), "%s/src", root);
    c = check_tree(src);
    CHECK(c->n_files > 100);   /* the tree was read */
    CHECK(c->n_edges > 200);
    CHECK(c->n_funcs > 200);
    if (c->n_violations)
        fprintf(stderr, "%s%d violation(s) of the layer map (docs/architecture.md)\n", c->report, c->n_violations);
    CHECK_INT(c->n_violations, 0);
    free_check(c);
}

int main(void)
{
    RUN(test_each_rule_fails);
    RUN(test_source_tree);
    return test_summary();
}
