/* The classic section's field tables (see report/fields_classic.h). */
#include "report/fields_classic.h"

#include <stddef.h>

#include "report/fields_core.h"

#define NUM CLLM_FT_NUMBER
#define INT CLLM_FT_INTEGER
#define STR CLLM_FT_STRING
#define BOOL CLLM_FT_BOOL
#define OBJ CLLM_FT_OBJECT
#define NUL CLLM_FF_NULLABLE
#define REQ CLLM_FF_REQUIRED

/* ---- shared by the phases ---- */

const struct cllm_field CLLM_F_CL_STATUS = {"status", STR, "",
    "ok | skipped (with reason) | failed (with error) | cancelled; the section: ok | partial | failed | skipped",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_CL_CANCELLED = {"cancelled", STR, "", "where the user stopped the phase", NULL, 0,
    0};
const struct cllm_field CLLM_F_CL_DURATION_S = {"duration_s", NUM, "s", "cleanup and phase, wall time", NULL, 0, 0};
const struct cllm_field CLLM_F_CL_N = {"n", INT, "", "N of the N×N validation product", NULL, 0, 0};
const struct cllm_field CLLM_F_CL_MAX_REL_ERROR = {"max_rel_error", NUM, "",
    "largest relative error against the reference (1e308: the result held NaN)", NULL, 0, 0};
const struct cllm_field CLLM_F_CL_TOLERANCE = {"tolerance", NUM, "", "largest relative error accepted", NULL, 0, 0};
const struct cllm_field CLLM_F_CL_PASSED = {"passed", BOOL, "", "the error is within the tolerance", NULL, 0, 0};
const struct cllm_field CLLM_F_CL_TIMES_S = {"times_s", CLLM_FT_ARRAY, "s", "each timed repetition", NULL, NUM, 0};
const struct cllm_field CLLM_F_CL_ITERATIONS = {"iterations", INT, "", "timed products (classic.gemm_iterations)",
    NULL, 0, 0};
const struct cllm_field CLLM_F_CL_GFLOPS = {"gflops", NUM, "GFLOPS",
    "float32 2·N³ / mean time per product (the original tool's number)", NULL, 0, 0};

/* ---- cpu_single_thread / cpu_multi_thread ---- */

const struct cllm_field CLLM_F_CPU_LIBRARY = {"library", STR, "", "OpenBLAS's configuration string", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_BLAS_KERNELS = {"blas_kernels", STR, "",
    "the kernels OpenBLAS picked at run time (its core name)", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_BLAS_CORETYPE_ENV = {"blas_coretype_env", STR, "",
    "OPENBLAS_CORETYPE as set for the run", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_WARNING = {"warning", STR, "",
    "OpenBLAS runs kernels older than the CPU's ISA", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_BLAS_THREADS = {"blas_threads", INT, "", "threads OpenBLAS reports it runs",
    NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_THREADS_REQUESTED = {"threads_requested", INT, "",
    "BLAS threads asked for: 1, or the physical cores", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_GFLOPS_BEST = {"gflops_best", NUM, "GFLOPS", "from the best time", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_GFLOPS_MEAN = {"gflops_mean", NUM, "GFLOPS", "mean of the per-product GFLOPS",
    NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_TIME_S_MEAN = {"time_s_mean", NUM, "s", "mean time per product", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_TIME_S_BEST = {"time_s_best", NUM, "s", "best time per product", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_TIME_S_STD = {"time_s_std", NUM, "s", "standard deviation of the times", NULL,
    0, 0};
const struct cllm_field CLLM_F_CPU_EFFECTIVE_THREADS = {"effective_threads", NUM, "",
    "process CPU time / wall time over the timed products; null under a 50 ms window", NULL, 0, NUL};
const struct cllm_field CLLM_F_CPU_EFFECTIVE_THREADS_REASON = {"effective_threads_reason", STR, "",
    "why effective_threads is null", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_SPOT_CHECK = {"spot_check_max_rel_error", NUM, "",
    "64 entries of the timed result against dot products: largest error / sum of magnitudes", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_PEAK_GFLOPS = {"gflops_estimate", NUM, "GFLOPS",
    "theoretical float32 peak: cores × clock × FLOP/cycle of the ISA; null when the clock is unknown", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_CPU_PEAK_RATIO = {"ratio", NUM, "", "best size's gflops / gflops_estimate", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_CPU_PEAK_BASIS = {"basis", STR, "", "what the estimate assumed", NULL, 0, 0};

static const struct cllm_field *const cpu_validation_fields[] = {&CLLM_F_CL_N, &CLLM_F_CL_MAX_REL_ERROR,
    &CLLM_F_CL_TOLERANCE, &CLLM_F_CL_PASSED, NULL};
const struct cllm_record CLLM_R_CPU_GEMM_VALIDATION = {"cpu_gemm_validation",
    "a small sgemm product against a double-precision naive one", cpu_validation_fields, false};

static const struct cllm_field *const cpu_size_fields[] = {&CLLM_F_CL_GFLOPS, &CLLM_F_CPU_GFLOPS_BEST,
    &CLLM_F_CPU_GFLOPS_MEAN, &CLLM_F_CPU_TIME_S_MEAN, &CLLM_F_CPU_TIME_S_BEST, &CLLM_F_CPU_TIME_S_STD,
    &CLLM_F_CL_TIMES_S, &CLLM_F_CL_ITERATIONS, &CLLM_F_CPU_EFFECTIVE_THREADS, &CLLM_F_CPU_EFFECTIVE_THREADS_REASON,
    &CLLM_F_CPU_SPOT_CHECK, NULL};
const struct cllm_record CLLM_R_CPU_GEMM_SIZE = {"cpu_gemm_size", "the timed N×N float32 products of one size",
    cpu_size_fields, false};

static const struct cllm_field *const cpu_peak_fields[] = {&CLLM_F_CPU_PEAK_GFLOPS, &CLLM_F_CPU_PEAK_RATIO,
    &CLLM_F_CPU_PEAK_BASIS, NULL};
const struct cllm_record CLLM_R_CPU_GEMM_PEAK = {"cpu_gemm_peak", "the theoretical peak and how close the best size came",
    cpu_peak_fields, false};

const struct cllm_field CLLM_F_CPU_VALIDATION = {"validation", OBJ, "",
    "a small sgemm product against a double-precision naive one", &CLLM_R_CPU_GEMM_VALIDATION, 0, 0};
const struct cllm_field CLLM_F_CPU_RESULTS = {"results", CLLM_FT_MAP, "", "per matrix size (\"2048x2048\")",
    &CLLM_R_CPU_GEMM_SIZE, 0, 0};
const struct cllm_field CLLM_F_CPU_PEAK = {"peak", OBJ, "", "multi-thread: the theoretical-peak estimate",
    &CLLM_R_CPU_GEMM_PEAK, 0, 0};

static const struct cllm_field *const cpu_fields[] = {&CLLM_F_CL_STATUS, &CLLM_F_REASON, &CLLM_F_ERROR,
    &CLLM_F_CL_CANCELLED, &CLLM_F_CPU_LIBRARY, &CLLM_F_CPU_BLAS_KERNELS, &CLLM_F_CPU_BLAS_CORETYPE_ENV,
    &CLLM_F_CPU_WARNING, &CLLM_F_CPU_BLAS_THREADS, &CLLM_F_CPU_THREADS_REQUESTED, &CLLM_F_CPU_VALIDATION, &CLLM_F_CPU_RESULTS,
    &CLLM_F_CPU_PEAK, &CLLM_F_CLEANUP, &CLLM_F_MONITOR, &CLLM_F_CL_DURATION_S, NULL};
const struct cllm_record CLLM_R_CPU_GEMM = {"cpu_gemm", "float32 N×N products through OpenBLAS (cblas_sgemm)",
    cpu_fields, false};

/* ---- memory_bandwidth ---- */

const struct cllm_field CLLM_F_MEM_ARRAY_BYTES = {"array_bytes", NUM, "bytes",
    "bytes per array (three arrays; at least 4 × the last-level cache)", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_RAM_AVAILABLE_BYTES = {"ram_available_bytes", NUM, "bytes",
    "skipped for RAM: what was available", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_ARRAY_MB = {"array_mb", NUM, "MiB", "array_bytes in MiB", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_LLC_BYTES = {"llc_bytes", NUM, "bytes",
    "last-level cache, all instances; null unknown", NULL, 0, NUL};
const struct cllm_field CLLM_F_MEM_THREADS_ALL = {"threads_all", INT, "", "threads of the all-threads passes",
    NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_REPEATS = {"repeats", INT, "", "timed passes per kernel (classic.memory_repeats)",
    NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_STORES = {"stores", STR, "", "store kind and how bytes are counted", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_THREADS = {"threads", INT, "", "threads of these passes", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_GBPS = {"gbps", NUM, "GB/s", "best pass (as STREAM reports)", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_GBPS_BEST = {"gbps_best", NUM, "GB/s", "best pass", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_GBPS_MEAN = {"gbps_mean", NUM, "GB/s", "mean over the passes", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_GBPS_STD = {"gbps_std", NUM, "GB/s", "standard deviation over the passes",
    NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_BYTES_PER_PASS = {"bytes_per_pass", NUM, "bytes",
    "bytes one pass moves: write 8n, read 8n, copy 16n, triad 24n", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_READ_SUM_REL_ERROR = {"read_sum_rel_error", NUM, "",
    "the read kernel's sum against the expected one (1e308: NaN)", NULL, 0, 0};
const struct cllm_field CLLM_F_MEM_READ_SUM_TOLERANCE = {"read_sum_tolerance", NUM, "",
    "largest read-sum error accepted", NULL, 0, 0};

static const struct cllm_field *const mem_kernel_fields[] = {&CLLM_F_MEM_GBPS, &CLLM_F_MEM_GBPS_BEST,
    &CLLM_F_MEM_GBPS_MEAN, &CLLM_F_MEM_GBPS_STD, &CLLM_F_MEM_BYTES_PER_PASS, &CLLM_F_CL_TIMES_S, NULL};
const struct cllm_record CLLM_R_MEMBW_KERNEL = {"membw_kernel", "one STREAM kernel's timed passes",
    mem_kernel_fields, false};

static const struct cllm_field F_MEM_WRITE = {"write", OBJ, "", "a = s", &CLLM_R_MEMBW_KERNEL, 0, 0};
static const struct cllm_field F_MEM_READ = {"read", OBJ, "", "sum of a", &CLLM_R_MEMBW_KERNEL, 0, 0};
static const struct cllm_field F_MEM_COPY = {"copy", OBJ, "", "c = a", &CLLM_R_MEMBW_KERNEL, 0, 0};
static const struct cllm_field F_MEM_TRIAD = {"triad", OBJ, "", "a = b + s·c", &CLLM_R_MEMBW_KERNEL, 0, 0};
const struct cllm_field *const CLLM_MEM_KERNEL_FIELDS[CLLM_MEMBW_COUNT] = {&F_MEM_WRITE, &F_MEM_READ, &F_MEM_COPY,
    &F_MEM_TRIAD};

static const struct cllm_field *const mem_mode_fields[] = {&CLLM_F_MEM_THREADS, &F_MEM_WRITE, &F_MEM_READ,
    &F_MEM_COPY, &F_MEM_TRIAD, NULL};
const struct cllm_record CLLM_R_MEMBW_MODE = {"membw_mode", "the kernels at one thread count", mem_mode_fields,
    false};
const struct cllm_field CLLM_F_MEM_SINGLE_THREAD = {"single_thread", OBJ, "", "one thread", &CLLM_R_MEMBW_MODE, 0,
    0};
const struct cllm_field CLLM_F_MEM_ALL_THREADS = {"all_threads", OBJ, "", "threads_all threads",
    &CLLM_R_MEMBW_MODE, 0, 0};
static const struct cllm_field *const mem_results_fields[] = {&CLLM_F_MEM_SINGLE_THREAD, &CLLM_F_MEM_ALL_THREADS,
    NULL};
const struct cllm_record CLLM_R_MEMBW_RESULTS = {"membw_results", "single- and all-threads passes",
    mem_results_fields, false};
const struct cllm_field CLLM_F_MEM_RESULTS = {"results", OBJ, "", "single- and all-threads passes",
    &CLLM_R_MEMBW_RESULTS, 0, 0};

static const struct cllm_field F_MEM_WRITE_GBPS = {"write_gbps", NUM, "GB/s", "all threads, best write pass", NULL,
    0, 0};
const struct cllm_field CLLM_F_MEM_READ_GBPS = {"read_gbps", NUM, "GB/s",
    "all threads, best read pass (the roofline's CPU bandwidth)", NULL, 0, 0};
static const struct cllm_field F_MEM_COPY_GBPS = {"copy_gbps", NUM, "GB/s", "all threads, best copy pass", NULL, 0,
    0};
static const struct cllm_field F_MEM_TRIAD_GBPS = {"triad_gbps", NUM, "GB/s", "all threads, best triad pass", NULL,
    0, 0};
const struct cllm_field *const CLLM_MEM_HEADLINE_FIELDS[CLLM_MEMBW_COUNT] = {&F_MEM_WRITE_GBPS,
    &CLLM_F_MEM_READ_GBPS, &F_MEM_COPY_GBPS, &F_MEM_TRIAD_GBPS};

static const struct cllm_field *const mem_validation_fields[] = {&CLLM_F_CL_MAX_REL_ERROR,
    &CLLM_F_MEM_READ_SUM_REL_ERROR, &CLLM_F_CL_TOLERANCE, &CLLM_F_MEM_READ_SUM_TOLERANCE, &CLLM_F_CL_PASSED, NULL};
const struct cllm_record CLLM_R_MEMBW_VALIDATION = {"membw_validation",
    "every array element and the read sums against the values tracked alongside (STREAM's check)",
    mem_validation_fields, false};
const struct cllm_field CLLM_F_MEM_VALIDATION = {"validation", OBJ, "",
    "every array element and the read sums against the values tracked alongside", &CLLM_R_MEMBW_VALIDATION, 0, 0};

static const struct cllm_field *const mem_fields[] = {&CLLM_F_CL_STATUS, &CLLM_F_REASON, &CLLM_F_ERROR,
    &CLLM_F_CL_CANCELLED, &CLLM_F_MEM_ARRAY_BYTES, &CLLM_F_MEM_RAM_AVAILABLE_BYTES, &CLLM_F_MEM_ARRAY_MB,
    &CLLM_F_MEM_LLC_BYTES, &CLLM_F_MEM_THREADS_ALL, &CLLM_F_MEM_REPEATS, &CLLM_F_MEM_STORES, &CLLM_F_MEM_RESULTS,
    &F_MEM_WRITE_GBPS, &CLLM_F_MEM_READ_GBPS, &F_MEM_COPY_GBPS, &F_MEM_TRIAD_GBPS, &CLLM_F_MEM_VALIDATION,
    &CLLM_F_CLEANUP, &CLLM_F_MONITOR, &CLLM_F_CL_DURATION_S, NULL};
const struct cllm_record CLLM_R_MEMBW = {"memory_bandwidth",
    "STREAM kernels on float64 arrays, single- and all-threads, best of the passes", mem_fields, false};

/* ---- gpu_compute ---- */

const struct cllm_field CLLM_F_GPU_BEST_GBPS = {"best_gbps", NUM, "GB/s", "best copy", NULL, 0, NUL};
static const struct cllm_field *const gpu_copy_fields[] = {&CLLM_F_GPU_BEST_GBPS, NULL};
static const struct cllm_record R_GPU_COPY = {"gpu_copy", "timed copies of one kind", gpu_copy_fields, true};
const struct cllm_field CLLM_F_GPU_D2D = {"d2d", OBJ, "", "device to device: 2 × bytes / time (read + write)",
    &R_GPU_COPY, 0, 0};
const struct cllm_field CLLM_F_GPU_H2D = {"h2d", OBJ, "", "pinned host to device: bytes / time", &R_GPU_COPY, 0, 0};
const struct cllm_field CLLM_F_GPU_D2H = {"d2h", OBJ, "", "device to pinned host: bytes / time", &R_GPU_COPY, 0, 0};
static const struct cllm_field *const gpu_memory_fields[] = {&CLLM_F_GPU_D2D, &CLLM_F_GPU_H2D, &CLLM_F_GPU_D2H,
    NULL};
static const struct cllm_record R_GPU_MEMORY = {"gpu_memory", "device memory bandwidth", gpu_memory_fields, false};
const struct cllm_field CLLM_F_GPU_MEMORY = {"memory", OBJ, "", "device memory bandwidth", &R_GPU_MEMORY, 0, 0};

const struct cllm_field CLLM_F_GPU_MEAN_TFLOPS = {"mean_tflops", NUM, "TFLOPS", "2·N³ / mean time per GEMM", NULL,
    0, NUL};
static const struct cllm_field *const gpu_prec_fields[] = {&CLLM_F_GPU_MEAN_TFLOPS, NULL};
static const struct cllm_record R_GPU_PREC = {"gpu_precision_result", "one precision's timed GEMMs at one size",
    gpu_prec_fields, true};
static const struct cllm_field F_GPU_FP32 = {"fp32", OBJ, "", "fp32 in/out, fp32 math", &R_GPU_PREC, 0, NUL};
static const struct cllm_field F_GPU_TF32 = {"tf32", OBJ, "", "fp32 in/out, TF32 tensor cores", &R_GPU_PREC, 0, NUL};
static const struct cllm_field F_GPU_FP16 = {"fp16", OBJ, "", "fp16 in/out, fp32 accumulation", &R_GPU_PREC, 0,
    NUL};
static const struct cllm_field F_GPU_BF16 = {"bf16", OBJ, "", "bf16 in/out, fp32 accumulation", &R_GPU_PREC, 0,
    NUL};
const struct cllm_field *const CLLM_GPU_PRECISION_FIELDS[CLLM_GPUGEMM_PRECISION_COUNT] = {&F_GPU_FP32, &F_GPU_TF32,
    &F_GPU_FP16, &F_GPU_BF16};
static const struct cllm_field *const gpu_size_fields[] = {&CLLM_F_CL_GFLOPS, &F_GPU_FP32, &F_GPU_TF32, &F_GPU_FP16,
    &F_GPU_BF16, NULL};
static const struct cllm_record R_GPU_SIZE = {"gpu_size", "the GEMMs of one N×N size per precision",
    gpu_size_fields, false};
const struct cllm_field CLLM_F_GPU_RESULTS = {"results", CLLM_FT_MAP, "", "per matrix size (\"4096x4096\")",
    &R_GPU_SIZE, 0, 0};

/* open: the runner's other keys (parameters, backends, method, device, libraries, summary) are listed in
 * classic/gpu_gemm.h and docs/results-schema.md */
static const struct cllm_field *const gpu_fields[] = {&CLLM_F_CL_STATUS, &CLLM_F_REASON, &CLLM_F_ERROR,
    &CLLM_F_GPU_RESULTS, &CLLM_F_GPU_MEMORY, &CLLM_F_CLEANUP, &CLLM_F_MONITOR, &CLLM_F_CL_DURATION_S, NULL};
const struct cllm_record CLLM_R_GPU_COMPUTE = {"gpu_compute",
    "dense GEMM per precision (cuBLAS / hipBLAS) and device memory bandwidth", gpu_fields, true};

/* ---- the section ---- */

const struct cllm_field CLLM_F_CL_CPU_SINGLE = {"cpu_single_thread", OBJ, "", "CPU GEMM on one thread",
    &CLLM_R_CPU_GEMM, 0, 0};
const struct cllm_field CLLM_F_CL_CPU_MULTI = {"cpu_multi_thread", OBJ, "", "CPU GEMM on the physical cores",
    &CLLM_R_CPU_GEMM, 0, 0};
const struct cllm_field CLLM_F_CL_MEMORY = {"memory_bandwidth", OBJ, "", "memory bandwidth (STREAM kernels)",
    &CLLM_R_MEMBW, 0, 0};
const struct cllm_field CLLM_F_CL_GPU = {"gpu_compute", OBJ, "", "GPU GEMM and device memory bandwidth",
    &CLLM_R_GPU_COMPUTE, 0, 0};
const struct cllm_field *const CLLM_CLASSIC_PHASE_FIELDS[CLLM_CLASSIC_PHASE_COUNT] = {&CLLM_F_CL_CPU_SINGLE,
    &CLLM_F_CL_CPU_MULTI, &CLLM_F_CL_MEMORY, &CLLM_F_CL_GPU};

static const struct cllm_field *const phases_fields[] = {&CLLM_F_CL_CPU_SINGLE, &CLLM_F_CL_CPU_MULTI,
    &CLLM_F_CL_MEMORY, &CLLM_F_CL_GPU, NULL};
const struct cllm_record CLLM_R_CLASSIC_PHASES = {"classic_phases", "the classic phases that ran, by name",
    phases_fields, false};
const struct cllm_field CLLM_F_CL_BENCHMARKS = {"benchmarks", OBJ, "", "the classic phases that ran, by name",
    &CLLM_R_CLASSIC_PHASES, 0, 0};

static const struct cllm_field *const classic_fields[] = {&CLLM_F_CL_STATUS, &CLLM_F_REASON, &CLLM_F_CL_BENCHMARKS,
    NULL};
const struct cllm_record CLLM_R_CLASSIC_BENCHMARKS = {"classic_benchmarks",
    "the classic phases: CPU GEMM (single and multi thread), memory bandwidth, GPU compute", classic_fields, false};
