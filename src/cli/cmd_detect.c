/* computellm detect: the hardware report, human-readable or JSON. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hw/hw.h"
#include "llm/engine.h"
#include "report/write_hw.h"

void usage_detect(FILE *f)
{
    fputs("usage: computellm detect [--json] [--llama-lib PATH]        (alias: computellm --detect)\n"
          "\n"
          "Prints the hardware: OS, CPU (model, cores, clocks, caches, ISA), RAM, GPUs and the llama.cpp backend\n"
          "each can use, and the OpenCL platforms and devices (a list of their own). Values that cannot be read here\n"
          "are shown as unknown, with the reason.\n"
          "\n"
          "  --json             machine-readable output (the \"hardware\" section of a results file)\n"
          "  --llama-lib PATH   the libllama whose backends are checked against the GPUs found (default:\n"
          "                     $COMPUTELLM_LLAMA_LIB, then .deps/llama/); a GPU it cannot drive is a warning on\n"
          "                     stderr naming what to install\n"
          "\n"
          "example:\n"
          "  computellm detect --json | jq .cpu.model\n",
          f);
}

static void unknown(FILE *f, const struct cllm_reasons *why, const char *field)
{
    const char *r = cllm_reason_get(why, field);
    fprintf(f, "unknown%s%s%s", r ? " (" : "", r ? r : "", r ? ")" : "");
}

static void print_size(FILE *f, int64_t bytes)
{
    if (bytes >= (1ll << 30))
        fprintf(f, "%.1f GiB", (double)bytes / (double)(1ll << 30));
    else if (bytes >= (1ll << 20))
        fprintf(f, "%g MiB", (double)bytes / (double)(1ll << 20));
    else
        fprintf(f, "%g KiB", (double)bytes / 1024.0);
}

static void print_cpu(FILE *f, const struct cllm_cpu_info *c)
{
    const struct { const char *label; const struct cllm_cache_level *lvl; } caches[] = {
        {"L1d", &c->l1d}, {"L1i", &c->l1i}, {"L2", &c->l2}, {"L3", &c->l3}};
    const struct { const char *label; double mhz; const char *field; } freqs[] = {
        {"base", c->freq_base_mhz, "freq_base_mhz"}, {"max", c->freq_max_mhz, "freq_max_mhz"},
        {"current", c->freq_current_mhz, "freq_current_mhz"}};
    int any = 0;

    fprintf(f, "CPU      %s", c->model[0] ? c->model : "unknown model");
    if (c->vendor[0])
        fprintf(f, " (%s)", c->vendor);
    fputc('\n', f);
    fprintf(f, "         ");
    if (c->physical_cores > 0)
        fprintf(f, "%d cores", c->physical_cores);
    else
        fprintf(f, "cores unknown");
    if (c->logical_cores > 0)
        fprintf(f, ", %d threads", c->logical_cores);
    if (c->sockets > 0)
        fprintf(f, ", %d socket%s", c->sockets, c->sockets > 1 ? "s" : "");
    if (c->numa_nodes > 0)
        fprintf(f, ", %d NUMA node%s", c->numa_nodes, c->numa_nodes > 1 ? "s" : "");
    if (c->topology_source[0])
        fprintf(f, "  [%s]", c->topology_source);
    fputc('\n', f);

    fprintf(f, "         clock: ");
    for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        if (!isfinite(freqs[i].mhz))
            continue;
        fprintf(f, "%s%s %.0f MHz", any ? ", " : "", freqs[i].label, freqs[i].mhz);
        any = 1;
    }
    if (!any)
        unknown(f, &c->why, "freq_max_mhz");
    else if (!isfinite(c->freq_max_mhz)) {
        fputs("; max ", f);
        unknown(f, &c->why, "freq_max_mhz");
    }
    if (c->governor[0])
        fprintf(f, "; governor %s", c->governor);
    fputc('\n', f);

    fprintf(f, "         caches:");
    any = 0;
    for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
        if (caches[i].lvl->size_bytes < 0)
            continue;
        fprintf(f, "%s %s ", any ? "," : "", caches[i].label);
        print_size(f, caches[i].lvl->size_bytes);
        if (caches[i].lvl->instances > 0)
            fprintf(f, " x%d", caches[i].lvl->instances);
        any = 1;
    }
    if (!any) {
        fputc(' ', f);
        unknown(f, &c->why, "l3");
    }
    fputc('\n', f);

    fprintf(f, "         ISA:");
    any = 0;
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        if (c->isa[i] == CLLM_TRI_YES) {
            fprintf(f, " %s", cllm_isa_name((enum cllm_isa)i));
            any = 1;
        }
    fputs(any ? "\n" : " none of the inference-relevant extensions\n", f);
}

static void print_ram(FILE *f, const struct cllm_ram_info *m)
{
    fputs("RAM      ", f);
    if (m->total_bytes >= 0)
        print_size(f, m->total_bytes);
    else
        unknown(f, &m->why, "total_gb");
    if (m->available_bytes >= 0) {
        fputs(" total, ", f);
        print_size(f, m->available_bytes);
        fputs(" available", f);
    }
    if (m->swap_total_bytes > 0) {
        fputs(", swap ", f);
        print_size(f, m->swap_total_bytes);
    } else if (m->swap_total_bytes == 0) {
        fputs(", no swap", f);
    }
    if (m->unified_memory)
        fputs(", unified with the GPU", f);
    fputc('\n', f);
    fputs("         modules: ", f);
    if (m->populated_slots > 0) {
        fprintf(f, "%d", m->populated_slots);
        if (m->type[0])
            fprintf(f, " x %s", m->type);
        if (m->speed_mts > 0)
            fprintf(f, " at %d MT/s", m->speed_mts);
    } else {
        unknown(f, &m->why, "populated_slots");
    }
    fputc('\n', f);
}

static void print_gpu(FILE *f, const struct cllm_gpu_info *g)
{
    if (g->n_devices == 0)
        fputs("GPU      none found\n", f);
    for (int i = 0; i < g->n_devices; i++) {
        const struct cllm_gpu_device *d = &g->devices[i];
        /* "NVIDIA H200" already names its vendor */
        bool named = d->vendor[0] && strncmp(d->name, d->vendor, strlen(d->vendor)) == 0;
        fprintf(f, "%s [%d]  %s%s%s", i == 0 ? "GPU" : "   ", d->index, named ? "" : d->vendor, named ? "" : " ",
                d->name);
        if (isfinite(d->vram_total_gb))
            fprintf(f, ", %.1f GiB VRAM", d->vram_total_gb);
        if (isfinite(d->vram_free_gb))
            fprintf(f, " (%.1f free)", d->vram_free_gb);
        fputc('\n', f);
        fprintf(f, "         backend %s", cllm_gpu_backend_name(d->backend));
        if (d->compute_capability[0])
            fprintf(f, ", arch %s", d->compute_capability);
        if (d->driver_version[0])
            fprintf(f, ", driver %s", d->driver_version);
        if (d->pci_bus_id[0])
            fprintf(f, ", PCI %s", d->pci_bus_id);
        fprintf(f, "  [%s]\n", d->source);
        if (cllm_reason_get(&d->why, "backend"))
            fprintf(f, "         note: %s\n", cllm_reason_get(&d->why, "backend"));
    }
    fprintf(f, "         primary backend: %s\n", cllm_gpu_backend_name(g->primary_backend));
    for (int i = 0; i < g->n_notes; i++)
        if (strcmp(g->notes[i].status, "ok") != 0 || g->n_devices == 0)
            fprintf(f, "         %-8s %s: %s\n", g->notes[i].source, g->notes[i].status, g->notes[i].detail);
}

static void print_opencl(FILE *f, const struct cllm_opencl_info *cl)
{
    if (cl->status != CLLM_OPENCL_OK) {
        fprintf(f, "OpenCL   %s: %s\n", cllm_gpu_opencl_status_name(cl->status), cl->detail);
        return;
    }
    fprintf(f, "OpenCL   %s  [%s]\n", cl->detail, cl->library);
    for (int i = 0; i < cl->n_platforms; i++) {
        const struct cllm_opencl_platform *pl = &cl->platforms[i];
        fprintf(f, "         platform %d: %s", i, pl->name[0] ? pl->name : "unknown name");
        if (pl->version[0])
            fprintf(f, " (%s)", pl->version);
        fputc('\n', f);
        if (pl->n_devices == 0)
            fputs("           no devices\n", f);
        for (int k = pl->first_device; k < pl->first_device + pl->n_devices && k < cl->n_devices; k++) {
            const struct cllm_opencl_device *d = &cl->devices[k];
            fprintf(f, "           [%d] %s %s", k, d->type[0] ? d->type : "device", d->name[0] ? d->name : "unknown");
            if (d->compute_units > 0)
                fprintf(f, ", %d compute units", d->compute_units);
            if (d->global_mem_bytes > 0) {
                fputs(", ", f);
                print_size(f, d->global_mem_bytes);
            }
            if (d->max_clock_mhz > 0)
                fprintf(f, ", %d MHz", d->max_clock_mhz);
            if (d->opencl_c_version[0])
                fprintf(f, ", %s", d->opencl_c_version);
            if (d->driver_version[0])
                fprintf(f, ", driver %s", d->driver_version);
            fputc('\n', f);
        }
    }
}

void cli_print_hw(FILE *f, const struct cllm_hw_info *hw)
{
    const struct cllm_os_info *o = &hw->os;
    fprintf(f, "OS       %s %s", o->system[0] ? o->system : "unknown", o->release);
    if (o->distribution[0])
        fprintf(f, " (%s)", o->distribution);
    fprintf(f, ", %s", o->machine[0] ? o->machine : "unknown architecture");
    if (o->hostname[0])
        fprintf(f, ", host %s", o->hostname);
    fputc('\n', f);
    print_cpu(f, &hw->cpu);
    print_ram(f, &hw->ram);
    print_gpu(f, &hw->gpu);
    print_opencl(f, &hw->opencl);
}

/* Warns (stderr) for each vendor of the GPUs found that the libllama the LLM phases would load cannot drive. */
static void warn_backend_gaps(const char *lib, const struct cllm_gpu_info *gpus)
{
    struct cllm_backend_gap gaps[CLLM_GPU_MAX];
    char path[1024], err[CLLM_ERR_LEN];
    int n;

    if (gpus->n_devices == 0)
        return;
    n = cllm_backend_check_library(lib, gpus, gaps, CLLM_GPU_MAX, path, sizeof(path), err, sizeof(err));
    if (n < 0) {
        fprintf(stderr, "computellm detect: warning: no usable libllama (%s): the LLM phases will not use these "
                "GPUs; run scripts/setup\n", err);
        return;
    }
    for (int i = 0; i < n; i++)
        fprintf(stderr, "computellm detect: warning: %s (library: %s)\n", gaps[i].message, path);
}

int cmd_detect(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "detect"};
    struct cllm_hw_params p = cllm_hw_default_params();
    struct cllm_hw_info *hw;
    const char *llama_lib = NULL;
    bool json = false;

    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_detect(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--json", NULL, false)) {
            json = true;
            continue;
        }
        if (cli_opt(&it, "--llama-lib", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            llama_lib = it.value;
            continue;
        }
        return cli_unknown(&it, usage_detect);
    }
    hw = calloc(1, sizeof(*hw));
    if (!hw) {
        fputs("computellm detect: out of memory\n", stderr);
        return CLI_EXIT_FAIL;
    }
    cllm_hw_detect(&p, hw);
    warn_backend_gaps(llama_lib, &hw->gpu);
    if (json) {
        cJSON *j = cllm_report_hardware(hw);
        char *text = j ? cJSON_Print(j) : NULL;
        if (!text) {
            fputs("computellm detect: out of memory\n", stderr);
            cJSON_Delete(j);
            free(hw);
            return CLI_EXIT_FAIL;
        }
        printf("%s\n", text);
        free(text);
        cJSON_Delete(j);
    } else {
        cli_print_hw(stdout, hw);
    }
    free(hw);
    return CLI_EXIT_OK;
}
