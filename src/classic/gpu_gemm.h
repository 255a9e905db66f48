/* The GPU compute phase: dense GEMM throughput per precision (cuBLAS / hipBLAS) and device memory bandwidth.
 *
 * Vendor libraries are loaded at run time (src/platform/dl.h); each vendor is one table of function pointers
 * (struct cllm_gpugemm_backend). The runner (gpu_gemm.c) owns the method — data, validation, timing, statistics —
 * and fills a struct cllm_gpugemm_result, so tests drive it with fake tables and no GPU. report/write_classic.c
 * writes the result as classic_benchmarks.benchmarks.gpu_compute:
 *   status      "ok" | "skipped" (+ "reason": what hw detection saw, what is missing, what to install, where we
 *               looked) | "failed" (+ "error": the call that failed, or the precision whose result is wrong)
 *   backend     "cuda" | "hip";  verified: false for a backend never run on its hardware (hip)
 *   backends    [{name, status: "ok"|"unavailable"|"error", detail}]   what each backend's loading said
 *   parameters  {sizes[], warmup, iterations, copy_bytes, h2d_bytes, device, validate_n, batch_target_s}
 *   method      {timer, flops_per_gemm, layout, batch, check, copies}   how the numbers below were taken
 *   device      {index, name, compute_capability, multiprocessors, l2_cache_bytes, pci_bus_id, vram_total_gb,
 *                vram_free_gb, driver_version}       one struct for every backend: a fact the backend could not
 *                                                     read is null + null_reasons
 *   libraries   {runtime: {path, version}, driver_api_version, blas: {path, gemm_ex_api, version},
 *                blas_lt: {path}}
 *   validation  {n, fp32|tf32|fp16|bf16: {rel_err, tolerance, passed}}    n×n GEMM against a CPU reference;
 *               rel_err = max |C − ref| / RMS(ref), ref accumulated in double from the same rounded inputs
 *   results     {"1024x1024": {fp32|tf32|fp16|bf16: {mean_tflops, best_tflops, mean_s, std_s, times_s[], batch,
 *                                                    check_rel_err},
 *                              gflops,                       FP32 GFLOPS from the mean time (the original's key)
 *                              null_reasons: {bf16: "..."}},  a precision the device cannot run is null
 *                ...}
 *   summary     {fp32_tflops, tf32_tflops, fp16_tflops, bf16_tflops}      best mean over the sizes
 *   memory      {d2d: {best_gbps, mean_gbps, std_gbps, times_s[], bytes},   read + write: 2 × bytes / time
 *                h2d: {...}, d2h: {...}}                                  pinned host memory, bytes / time
 *   per_gpu     [{gpu, ...the keys above}]       two or more GPUs selected: the phase on each (classic/classic.c)
 *   peer_copies {status, backend, pairs: [{src_gpu, dst_gpu, src_device, dst_device, status, peer_access,
 *                copy: {...as memory's}}]}      cllm_gpugemm_peers_run: bytes / time between each ordered pair
 *
 * Times are per GEMM in seconds; each entry of times_s is one timed batch of `batch` back-to-back GEMMs between
 * two device events, divided by `batch` (batch is chosen so a batch lasts about batch_target_s, which hides the
 * launch gap of small GEMMs). FLOPs per GEMM: 2·N³. Matrices are column-major, no transpose, C = A·B (beta 0),
 * inputs uniform in [-1, 1). */
#ifndef CLLM_GPUGEMM_H
#define CLLM_GPUGEMM_H

#include <stdbool.h>
#include <stddef.h>

#include "classic/classic_status.h"
#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_hw_info;

enum cllm_gpugemm_precision {
    CLLM_GPUGEMM_FP32 = 0,   /* fp32 in/out, fp32 math (cublasSgemm, default math mode) */
    CLLM_GPUGEMM_TF32,       /* fp32 in/out, tensor cores with TF32 inputs (compute 32F_FAST_TF32) */
    CLLM_GPUGEMM_FP16,       /* fp16 in/out, fp32 accumulation */
    CLLM_GPUGEMM_BF16,       /* bf16 in/out, fp32 accumulation */
    CLLM_GPUGEMM_PRECISION_COUNT
};

/* "fp32", "tf32", "fp16", "bf16". */
const char *cllm_gpugemm_precision_name(enum cllm_gpugemm_precision p);

/* Bytes per matrix element as stored: 4 for fp32/tf32, 2 for fp16/bf16. */
size_t cllm_gpugemm_precision_bytes(enum cllm_gpugemm_precision p);

enum cllm_gpugemm_copy_kind { CLLM_GPUGEMM_H2D = 1, CLLM_GPUGEMM_D2H = 2, CLLM_GPUGEMM_D2D = 3 };

#define CLLM_GPUGEMM_PATH_LEN 512
#define CLLM_GPUGEMM_WHY_LEN  192

/* One loaded library: path "" when not loaded, version "" when not read. */
struct cllm_gpugemm_lib {
    char path[CLLM_GPUGEMM_PATH_LEN];
    char version[64];
};

/* What a backend's init and open found. */
struct cllm_gpugemm_libs {
    struct cllm_gpugemm_lib runtime, blas, blas_lt;
    char        driver_api_version[32];   /* CUDA: the CUDA version the driver supports; "" unknown */
    const char *gemm_ex_api;              /* HIP: which hipblasGemmEx the library has; NULL otherwise */
};

/* The device facts every backend fills (one struct for CUDA and HIP): a fact it cannot read stays unknown with
 * its reason (the runner sets "not read by the <backend> backend" before open). */
struct cllm_gpugemm_device {
    int       index;
    char      name[257];               char name_why[CLLM_GPUGEMM_WHY_LEN];
    char      compute_capability[32];  char compute_capability_why[CLLM_GPUGEMM_WHY_LEN];  /* "9.0", "gfx942" */
    int       multiprocessors;         char multiprocessors_why[CLLM_GPUGEMM_WHY_LEN];     /* SMs / CUs; -1 unknown */
    long long l2_cache_bytes;          char l2_cache_bytes_why[CLLM_GPUGEMM_WHY_LEN];      /* -1 unknown */
    char      pci_bus_id[32];          char pci_bus_id_why[CLLM_GPUGEMM_WHY_LEN];          /* "0000:65:00.0" */
    double    vram_total_gb, vram_free_gb;   char vram_why[CLLM_GPUGEMM_WHY_LEN];          /* GiB; NAN unknown */
    char      driver_version[64];      /* from hw detection; "" when it has none */
};

/* One GPU compute vendor. Every call returns CLLM_OK or a status with a one-line message in err; the runner calls
 * them from one thread, in this order: init, device_count, open, (the work), close, shutdown. A backend keeps its
 * state in statics, so one phase runs at a time. */
struct cllm_gpugemm_backend {
    const char *name;       /* "cuda", "hip": the phase's "backend" */
    const char *vendor;     /* the GPU maker it drives, spelled as hw detection does ("NVIDIA", "AMD") */
    bool        verified;   /* false: written from the vendor's documentation, never run on such a GPU */
    /* Loads the libraries: from lib_dir only when it is not NULL, else from the backend's search list. Writes what
     * it found (paths, versions) into `libs`. CLLM_ERR_LIBRARY: a library is not there (err names it and lists
     * `searched`); CLLM_ERR_SYMBOL: one lacks a required symbol. A failed init cleans up after itself. */
    enum cllm_status (*init)(const char *lib_dir, struct cllm_gpugemm_libs *libs, char *err, size_t errlen);
    /* Devices the runtime can use, or -1 with err (e.g. no driver). */
    int (*device_count)(char *err, size_t errlen);
    /* Makes `device` current, creates the BLAS handle and the timing events; fills what it can read of `dev`
     * (name, compute_capability, ...: a fact it cannot read gets its reason) and the BLAS version in `libs`. */
    enum cllm_status (*open)(int device, struct cllm_gpugemm_device *dev, struct cllm_gpugemm_libs *libs, char *err,
                             size_t errlen);
    enum cllm_status (*alloc)(void **ptr, size_t bytes, char *err, size_t errlen);   /* device memory */
    void (*free)(void *ptr);
    enum cllm_status (*host_alloc)(void **ptr, size_t bytes, char *err, size_t errlen);  /* pinned host memory */
    void (*host_free)(void *ptr);
    /* Synchronous copy. */
    enum cllm_status (*memcpy)(void *dst, const void *src, size_t bytes, enum cllm_gpugemm_copy_kind kind, char *err,
                               size_t errlen);
    enum cllm_status (*memset)(void *ptr, int value, size_t bytes, char *err, size_t errlen);
    /* Enqueues C = A·B for n×n column-major matrices stored as `prec` says (cllm_gpugemm_precision_bytes).
     * CLLM_ERR_UNSUPPORTED when the device or library cannot run that precision. */
    enum cllm_status (*gemm)(enum cllm_gpugemm_precision prec, int n, const void *a, const void *b, void *c, char *err,
                             size_t errlen);
    /* Records the start event on the stream the GEMMs and copies run on. */
    enum cllm_status (*timer_start)(char *err, size_t errlen);
    /* Records the stop event, waits for it and gives the time between the two events. */
    enum cllm_status (*timer_stop)(double *seconds, char *err, size_t errlen);
    enum cllm_status (*synchronize)(char *err, size_t errlen);
    void (*close)(void);      /* undoes open */
    void (*shutdown)(void);   /* undoes init */
    /* ---- optional (NULL: not available); several GPUs ---- */
    /* The PCI bus id "0000:65:00.0" (lower case) of a device, without opening it. */
    enum cllm_status (*bus_id)(int device, char *out, size_t n, char *err, size_t errlen);
    /* Makes `device` current for the next alloc/free (after open). */
    enum cllm_status (*set_device)(int device, char *err, size_t errlen);
    /* Whether `device` can address `peer`'s memory directly (cudaDeviceCanAccessPeer). */
    enum cllm_status (*peer_access)(int device, int peer, bool *can, char *err, size_t errlen);
    /* Lets the current device address `peer`'s memory (cudaDeviceEnablePeerAccess; already enabled is fine). */
    enum cllm_status (*peer_enable)(int peer, char *err, size_t errlen);
    /* Copies bytes from src on src_dev to dst on dst_dev (cudaMemcpyPeer), ordered with the timer's stream. */
    enum cllm_status (*peer_copy)(void *dst, int dst_dev, const void *src, int src_dev, size_t bytes, char *err,
                                  size_t errlen);
};

/* The built-in backends (gpu_gemm_cuda.c, gpu_gemm_hip.c). */
extern const struct cllm_gpugemm_backend cllm_gpugemm_backend_cuda;
extern const struct cllm_gpugemm_backend cllm_gpugemm_backend_hip;

struct cllm_gpugemm_params {
    const int *sizes;        /* N of each N×N GEMM; NULL → 1024, 2048, 4096 */
    int        n_sizes;
    int        warmup;       /* untimed batches per size and precision, default 1 */
    int        iterations;   /* timed batches per size and precision, default 3 */
    size_t     copy_bytes;   /* device-to-device copy size, default 1 GiB (halved until it fits) */
    size_t     h2d_bytes;    /* pinned host↔device copy size, default 256 MiB */
    int        device;       /* GPU index as the backend's runtime counts them, default 0 */
    const char *pci_bus_id;  /* set: open the runtime device with this PCI bus id instead (backends with bus_id;
                                not found: the phase fails naming the runtime's devices); NULL: `device` */
    int        validate_n;   /* N of the GEMM checked against the CPU reference, default 256 */
    double     batch_target_s;  /* length of one timed batch of GEMMs in seconds, default 0.025 */
    const char *lib_dir;     /* NULL: each backend's search list (COMPUTELLM_CUDA_LIB_DIR first, then the loader's
                                path, toolkits, pip wheels); set: the only folder searched (tests, pinning a toolkit) */
    const struct cllm_gpugemm_backend *const *backends;  /* NULL → the built-in list (cuda, hip) */
    int        n_backends;
};

struct cllm_gpugemm_params cllm_gpugemm_default_params(void);

#define CLLM_GPUGEMM_MAX_SIZES    64
#define CLLM_GPUGEMM_MAX_BACKENDS 8

/* A value or null with its reason: what the writer turns into a key and, when null, null_reasons[key]. */
struct cllm_gpugemm_check {          /* validation of one precision */
    bool   present;                  /* the object is written; false: null with why (not supported), or no key
                                        when why is "" (the phase failed before it) */
    bool   filled;                   /* the check ran: the fields below hold it (else the object stays empty) */
    char   why[256];
    double rel_err;                  /* NAN: the result held NaN; inf: the reference is all zero */
    double tolerance;
    bool   passed;
};

struct cllm_gpugemm_timing {         /* one precision at one size */
    bool    present;                 /* false: null with why (unsupported, or its validation failed), or no key
                                        when why is "" (the phase failed before it) */
    char    why[256];
    double  mean_tflops, best_tflops;   /* NAN: the device timer reported zero time */
    double  mean_s, std_s;           /* s per GEMM */
    double *times_s;                 /* [n_times] s per GEMM, one per timed batch (malloc'd) */
    int     n_times;
    int     batch;                   /* GEMMs per timed batch */
    double  check_rel_err;           /* sampled entries against the CPU; NAN: the result held NaN */
};

struct cllm_gpugemm_size {
    int    n;
    struct cllm_gpugemm_timing prec[CLLM_GPUGEMM_PRECISION_COUNT];
    double gflops;                   /* FP32 GFLOPS from the mean time; NAN: not measured (no key) */
};

struct cllm_gpugemm_copy {           /* timed copies of one kind */
    bool    present;
    double  best_gbps;               /* NAN: the device timer reported zero time (null, no mean/std) */
    double  mean_gbps, std_gbps;
    double *times_s;                 /* [n_times] s per copy (malloc'd) */
    int     n_times;
    double  bytes;                   /* bytes per copy, after any halving to fit */
};

struct cllm_gpugemm_backend_note {   /* what one backend's loading said */
    const char *name;
    const char *status;              /* "ok", "unavailable", "error" */
    char        detail[1100];
};

struct cllm_gpugemm_result {
    enum cllm_classic_status status; /* OK, SKIPPED, FAILED */
    char   message[4096];            /* the reason (skipped) or the error (failed) */
    bool   has_params;
    struct cllm_gpugemm_params params;   /* as run (sizes point into `sizes_run`) */
    int    sizes_run[CLLM_GPUGEMM_MAX_SIZES];
    bool   has_backends;
    struct cllm_gpugemm_backend_note backends[CLLM_GPUGEMM_MAX_BACKENDS];
    int    n_backends;
    const char *backend;             /* the backend that ran; NULL: none (method, libraries, device absent) */
    bool   verified;
    struct cllm_gpugemm_libs   libs;
    bool   has_device;               /* the object is written ... */
    bool   device_read;              /* ... and the backend's open filled it (else it stays empty) */
    struct cllm_gpugemm_device device;
    bool   has_validation;
    struct cllm_gpugemm_check validation[CLLM_GPUGEMM_PRECISION_COUNT];
    bool   has_results;
    struct cllm_gpugemm_size sizes[CLLM_GPUGEMM_MAX_SIZES];
    int    n_sizes;                  /* sizes begun */
    bool   has_summary;
    double summary_tflops[CLLM_GPUGEMM_PRECISION_COUNT];   /* best mean over the sizes; NAN: null with why */
    char   summary_why[CLLM_GPUGEMM_PRECISION_COUNT][256];
    bool   has_memory;
    struct cllm_gpugemm_copy d2d, h2d, d2h;
    double d2d_best_gbps;            /* device-to-device copy, read + write, GB/s; NAN when not measured */
};

/* Runs the phase into *r: status OK, SKIPPED (the reason phrased from hw detection: no GPU, a GPU without its
 * libraries, a vendor not supported) or FAILED (a call that failed, or a GEMM whose result is wrong). Never aborts
 * the run. hw may be NULL (the reason then lists what each backend said). Loaded GPU libraries stay loaded until
 * the process exits (cllm_gpugemm_dl_keep in gpu_gemm_priv.h). Free with cllm_gpugemm_result_free. */
void cllm_gpugemm_run(const struct cllm_gpugemm_params *p, const struct cllm_hw_info *hw,
                      struct cllm_gpugemm_result *r);
void cllm_gpugemm_result_free(struct cllm_gpugemm_result *r);

/* ---- GPU to GPU copies (several GPUs) ---- */

#define CLLM_GPUGEMM_MAX_PEERS 64

struct cllm_gpugemm_peer {
    int    src_gpu, dst_gpu;          /* detected GPU indices (hardware.gpu.devices); -1 unknown */
    int    src_device, dst_device;    /* the runtime's device numbers */
    bool   peer_access;               /* src can address dst's memory directly (else the copy goes through the host) */
    enum cllm_classic_status status;  /* OK or FAILED (+ message) */
    char   message[512];
    struct cllm_gpugemm_copy copy;    /* bytes / time: each byte crosses once */
};

struct cllm_gpugemm_peers {
    enum cllm_classic_status status;  /* OK, SKIPPED (+ message: fewer than two GPUs, a backend without peer copies),
                                         FAILED (a pair failed) */
    char   message[1024];
    const char *backend;              /* the backend that ran them; NULL none */
    int    n;
    struct cllm_gpugemm_peer pair[CLLM_GPUGEMM_MAX_PEERS];
};

/* Times copies between every ordered pair of `devices` (runtime device numbers; gpus: their detected indices, may
 * be NULL), h2d_bytes each (halved while allocation fails), warmup then `iterations` timed, with peer access
 * enabled where cllm's backend says it is possible. The first backend of p->backends (or the built-in list) that
 * loads and has peer copies runs them. Free with cllm_gpugemm_peers_free. */
void cllm_gpugemm_peers_run(const struct cllm_gpugemm_params *p, const int *devices, const int *gpus, int n,
                            struct cllm_gpugemm_peers *out);
void cllm_gpugemm_peers_free(struct cllm_gpugemm_peers *out);

#ifdef __cplusplus
}
#endif

#endif
