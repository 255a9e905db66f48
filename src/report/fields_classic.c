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
const struct cllm_field CLLM_F_CPU_METHOD = {"method", STR, "",
    "how the products were timed: the untimed warmup (same threads and size) before each size, then every timed "
    "product", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_WARMUP_PRODUCTS = {"warmup_products", INT, "",
    "untimed products before the timed ones, same threads and size (at least 1, until 0.25 s had passed or "
    "100000 ran)", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_WARMUP_S = {"warmup_s", NUM, "s", "wall time of the untimed products", NULL, 0,
    0};
const struct cllm_field CLLM_F_CPU_SUSPECT = {"suspect", BOOL, "",
    "cpu_multi_thread: gflops below cpu_single_thread's gflops at this size (written where both ran)", NULL, 0, 0};
const struct cllm_field CLLM_F_CPU_SUSPECT_REASON = {"suspect_reason", STR, "",
    "why the result is suspect: both results and what may have been timed", NULL, 0, 0};
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
    &CLLM_F_CPU_SPOT_CHECK, &CLLM_F_CPU_WARMUP_PRODUCTS, &CLLM_F_CPU_WARMUP_S, &CLLM_F_CPU_SUSPECT,
    &CLLM_F_CPU_SUSPECT_REASON, NULL};
const struct cllm_record CLLM_R_CPU_GEMM_SIZE = {"cpu_gemm_size", "the timed N×N float32 products of one size",
    cpu_size_fields, false};

static const struct cllm_field *const cpu_peak_fields[] = {&CLLM_F_CPU_PEAK_GFLOPS, &CLLM_F_CPU_PEAK_RATIO,
    &CLLM_F_CPU_PEAK_BASIS, NULL};
const struct cllm_record CLLM_R_CPU_GEMM_PEAK = {"cpu_gemm_peak",
    "the theoretical peak and how close the best size came", cpu_peak_fields, false};

const struct cllm_field CLLM_F_CPU_VALIDATION = {"validation", OBJ, "",
    "a small sgemm product against a double-precision naive one", &CLLM_R_CPU_GEMM_VALIDATION, 0, 0};
const struct cllm_field CLLM_F_CPU_RESULTS = {"results", CLLM_FT_MAP, "", "per matrix size (\"2048x2048\")",
    &CLLM_R_CPU_GEMM_SIZE, 0, 0};
const struct cllm_field CLLM_F_CPU_PEAK = {"peak", OBJ, "", "multi-thread: the theoretical-peak estimate",
    &CLLM_R_CPU_GEMM_PEAK, 0, 0};

static const struct cllm_field *const cpu_fields[] = {&CLLM_F_CL_STATUS, &CLLM_F_REASON, &CLLM_F_ERROR,
    &CLLM_F_CL_CANCELLED, &CLLM_F_CPU_LIBRARY, &CLLM_F_CPU_BLAS_KERNELS, &CLLM_F_CPU_BLAS_CORETYPE_ENV,
    &CLLM_F_CPU_WARNING, &CLLM_F_CPU_BLAS_THREADS, &CLLM_F_CPU_THREADS_REQUESTED, &CLLM_F_CPU_METHOD,
    &CLLM_F_CPU_VALIDATION,
    &CLLM_F_CPU_RESULTS,
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

static const struct cllm_field F_GPU_SIZES = {"sizes", CLLM_FT_ARRAY, "", "N of each N×N GEMM", NULL, INT, 0};
static const struct cllm_field F_GPU_WARMUP = {"warmup", INT, "", "untimed batches per size and precision", NULL, 0,
    0};
static const struct cllm_field F_GPU_ITERATIONS = {"iterations", INT, "",
    "timed batches per size and precision (classic.gemm_iterations); copies: at least 5", NULL, 0, 0};
static const struct cllm_field F_GPU_COPY_BYTES = {"copy_bytes", NUM, "bytes", "device-to-device copy size asked for",
    NULL, 0, 0};
static const struct cllm_field F_GPU_H2D_BYTES = {"h2d_bytes", NUM, "bytes", "pinned host-device copy size asked for",
    NULL, 0, 0};
static const struct cllm_field F_GPU_DEVICE_PARAM = {"device", INT, "", "GPU index as the backend's runtime counts",
    NULL, 0, 0};
static const struct cllm_field F_GPU_VALIDATE_N = {"validate_n", INT, "", "N of the GEMM checked in full", NULL, 0,
    0};
static const struct cllm_field F_GPU_BATCH_TARGET_S = {"batch_target_s", NUM, "s", "length of one timed batch",
    NULL, 0, 0};
static const struct cllm_field *const gpu_params_fields[] = {&F_GPU_SIZES, &F_GPU_WARMUP, &F_GPU_ITERATIONS,
    &F_GPU_COPY_BYTES, &F_GPU_H2D_BYTES, &F_GPU_DEVICE_PARAM, &F_GPU_VALIDATE_N, &F_GPU_BATCH_TARGET_S, NULL};
static const struct cllm_record R_GPU_PARAMS = {"gpu_parameters", "the phase's settings as run", gpu_params_fields,
    false};
const struct cllm_field CLLM_F_GPU_PARAMETERS = {"parameters", OBJ, "", "the phase's settings as run",
    &R_GPU_PARAMS, 0, 0};

const struct cllm_field CLLM_F_GPU_NOTE_NAME = {"name", STR, "", "the backend (cuda, hip)", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_NOTE_STATUS = {"status", STR, "", "ok | unavailable | error", NULL, 0, 0};
static const struct cllm_field *const gpu_note_fields[] = {&CLLM_F_GPU_NOTE_NAME, &CLLM_F_GPU_NOTE_STATUS,
    &CLLM_F_DETAIL, NULL};
static const struct cllm_record R_GPU_NOTE = {"gpu_backend_note", "what one backend's loading said",
    gpu_note_fields, false};
const struct cllm_field CLLM_F_GPU_BACKENDS = {"backends", CLLM_FT_ARRAY, "", "each backend tried, in order",
    &R_GPU_NOTE, 0, 0};
const struct cllm_field CLLM_F_GPU_BACKEND = {"backend", STR, "", "the backend that ran (cuda, hip)", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_VERIFIED = {"verified", BOOL, "",
    "false for a backend never run on its hardware (hip)", NULL, 0, 0};

static const struct cllm_field F_GPU_TIMER = {"timer", STR, "", "how times were taken", NULL, 0, 0};
static const struct cllm_field F_GPU_FLOPS_PER_GEMM = {"flops_per_gemm", STR, "", "FLOPs counted per GEMM", NULL, 0,
    0};
static const struct cllm_field F_GPU_LAYOUT = {"layout", STR, "", "matrix layout and inputs", NULL, 0, 0};
static const struct cllm_field F_GPU_METHOD_BATCH = {"batch", STR, "", "how GEMMs are batched per timing", NULL, 0,
    0};
static const struct cllm_field F_GPU_CHECK = {"check", STR, "", "how results are checked", NULL, 0, 0};
static const struct cllm_field F_GPU_COPIES = {"copies", STR, "", "how copy bytes are counted", NULL, 0, 0};
static const struct cllm_field *const gpu_method_fields[] = {&F_GPU_TIMER, &F_GPU_FLOPS_PER_GEMM, &F_GPU_LAYOUT,
    &F_GPU_METHOD_BATCH, &F_GPU_CHECK, &F_GPU_COPIES, NULL};
static const struct cllm_record R_GPU_METHOD = {"gpu_method", "how the numbers were taken", gpu_method_fields,
    false};
const struct cllm_field CLLM_F_GPU_METHOD = {"method", OBJ, "", "how the numbers were taken", &R_GPU_METHOD, 0, 0};

static const struct cllm_field F_GPU_LIB_PATH = {"path", STR, "", "the file loaded", NULL, 0, 0};
static const struct cllm_field F_GPU_LIB_VERSION = {"version", STR, "", "its version as it reports it", NULL, 0, 0};
static const struct cllm_field F_GPU_GEMM_EX_API = {"gemm_ex_api", STR, "",
    "hip: which hipblasGemmEx signature the library has", NULL, 0, 0};
static const struct cllm_field *const gpu_lib_fields[] = {&F_GPU_LIB_PATH, &F_GPU_GEMM_EX_API, &F_GPU_LIB_VERSION,
    NULL};
static const struct cllm_record R_GPU_LIB = {"gpu_library", "one vendor library", gpu_lib_fields, false};
static const struct cllm_field F_GPU_LIB_RUNTIME = {"runtime", OBJ, "", "libcudart / libamdhip64", &R_GPU_LIB, 0,
    0};
static const struct cllm_field F_GPU_LIB_BLAS = {"blas", OBJ, "", "libcublas / libhipblas", &R_GPU_LIB, 0, 0};
static const struct cllm_field F_GPU_LIB_BLAS_LT = {"blas_lt", OBJ, "", "libcublasLt", &R_GPU_LIB, 0, 0};
static const struct cllm_field F_GPU_DRIVER_API_VERSION = {"driver_api_version", STR, "",
    "cuda: the CUDA version the installed driver supports", NULL, 0, 0};
static const struct cllm_field *const gpu_libs_fields[] = {&F_GPU_LIB_RUNTIME, &F_GPU_DRIVER_API_VERSION,
    &F_GPU_LIB_BLAS, &F_GPU_LIB_BLAS_LT, NULL};
static const struct cllm_record R_GPU_LIBS = {"gpu_libraries", "the vendor libraries loaded", gpu_libs_fields,
    false};
const struct cllm_field CLLM_F_GPU_LIBRARIES = {"libraries", OBJ, "", "the vendor libraries loaded", &R_GPU_LIBS, 0,
    0};
const struct cllm_field *const CLLM_GPU_LIB_FIELDS[4] = {&F_GPU_LIB_RUNTIME, &F_GPU_LIB_BLAS, &F_GPU_LIB_BLAS_LT,
    &F_GPU_DRIVER_API_VERSION};
const struct cllm_field *const CLLM_GPU_LIB_ITEM_FIELDS[3] = {&F_GPU_LIB_PATH, &F_GPU_GEMM_EX_API,
    &F_GPU_LIB_VERSION};

/* device: one set for every backend (docs/results-schema.md) */
static const struct cllm_field F_GPU_DEV_INDEX = {"index", INT, "", "the device as the backend's runtime counts",
    NULL, 0, 0};
static const struct cllm_field F_GPU_DEV_NAME = {"name", STR, "", "the device's name", NULL, 0, NUL};
static const struct cllm_field F_GPU_DEV_CC = {"compute_capability", STR, "",
    "NVIDIA compute capability (9.0), AMD gfx architecture", NULL, 0, NUL};
static const struct cllm_field F_GPU_DEV_MP = {"multiprocessors", INT, "", "SMs (NVIDIA) / CUs (AMD)", NULL, 0,
    NUL};
static const struct cllm_field F_GPU_DEV_L2 = {"l2_cache_bytes", INT, "bytes", "L2 cache size", NULL, 0, NUL};
static const struct cllm_field F_GPU_DEV_PCI = {"pci_bus_id", STR, "", "PCI location domain:bus:device.function",
    NULL, 0, NUL};
static const struct cllm_field F_GPU_DEV_VRAM_TOTAL = {"vram_total_gb", NUM, "GiB", "device memory", NULL, 0, NUL};
static const struct cllm_field F_GPU_DEV_VRAM_FREE = {"vram_free_gb", NUM, "GiB", "free device memory at open",
    NULL, 0, NUL};
static const struct cllm_field F_GPU_DEV_DRIVER = {"driver_version", STR, "", "the driver, from hw detection", NULL,
    0, 0};
static const struct cllm_field *const gpu_dev_fields[] = {&F_GPU_DEV_INDEX, &F_GPU_DEV_NAME, &F_GPU_DEV_CC,
    &F_GPU_DEV_MP, &F_GPU_DEV_L2, &F_GPU_DEV_PCI, &F_GPU_DEV_VRAM_TOTAL, &F_GPU_DEV_VRAM_FREE, &F_GPU_DEV_DRIVER,
    NULL};
static const struct cllm_record R_GPU_DEVICE = {"gpu_compute_device", "the device the backend opened",
    gpu_dev_fields, false};
const struct cllm_field CLLM_F_GPU_DEVICE = {"device", OBJ, "", "the device the backend opened", &R_GPU_DEVICE, 0,
    0};
const struct cllm_field *const CLLM_GPU_DEVICE_FIELDS[9] = {&F_GPU_DEV_INDEX, &F_GPU_DEV_NAME, &F_GPU_DEV_CC,
    &F_GPU_DEV_MP, &F_GPU_DEV_L2, &F_GPU_DEV_PCI, &F_GPU_DEV_VRAM_TOTAL, &F_GPU_DEV_VRAM_FREE, &F_GPU_DEV_DRIVER};

/* validation */
const struct cllm_field CLLM_F_GPU_REL_ERR = {"rel_err", NUM, "", "max |C − ref| / RMS(ref)", NULL, 0, NUL};
static const struct cllm_field *const gpu_check_fields[] = {&CLLM_F_GPU_REL_ERR, &CLLM_F_CL_TOLERANCE,
    &CLLM_F_CL_PASSED, NULL};
static const struct cllm_record R_GPU_CHECK = {"gpu_check", "one precision's GEMM against the CPU reference",
    gpu_check_fields, false};
static const struct cllm_field F_GPU_V_FP32 = {"fp32", OBJ, "", "fp32 in/out, fp32 math", &R_GPU_CHECK, 0, NUL};
static const struct cllm_field F_GPU_V_TF32 = {"tf32", OBJ, "", "TF32 tensor cores", &R_GPU_CHECK, 0, NUL};
static const struct cllm_field F_GPU_V_FP16 = {"fp16", OBJ, "", "fp16 in/out", &R_GPU_CHECK, 0, NUL};
static const struct cllm_field F_GPU_V_BF16 = {"bf16", OBJ, "", "bf16 in/out", &R_GPU_CHECK, 0, NUL};
const struct cllm_field *const CLLM_GPU_CHECK_FIELDS[CLLM_GPUGEMM_PRECISION_COUNT] = {&F_GPU_V_FP32, &F_GPU_V_TF32,
    &F_GPU_V_FP16, &F_GPU_V_BF16};
static const struct cllm_field F_GPU_V_N = {"n", INT, "", "N of the N×N GEMM checked in full", NULL, 0, 0};
static const struct cllm_field *const gpu_validation_fields[] = {&F_GPU_V_N, &F_GPU_V_FP32, &F_GPU_V_TF32,
    &F_GPU_V_FP16, &F_GPU_V_BF16, NULL};
static const struct cllm_record R_GPU_VALIDATION = {"gpu_validation", "each precision against the CPU reference",
    gpu_validation_fields, false};
const struct cllm_field CLLM_F_GPU_VALIDATION = {"validation", OBJ, "", "each precision against the CPU reference",
    &R_GPU_VALIDATION, 0, 0};
const struct cllm_field *const CLLM_F_GPU_VALIDATION_N = &F_GPU_V_N;

/* results */
const struct cllm_field CLLM_F_GPU_MEAN_TFLOPS = {"mean_tflops", NUM, "TFLOPS", "2·N³ / mean time per GEMM", NULL,
    0, NUL};
const struct cllm_field CLLM_F_GPU_BEST_TFLOPS = {"best_tflops", NUM, "TFLOPS", "2·N³ / best time per GEMM", NULL,
    0, NUL};
const struct cllm_field CLLM_F_GPU_MEAN_S = {"mean_s", NUM, "s", "mean time per GEMM", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_STD_S = {"std_s", NUM, "s", "standard deviation of the times", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_BATCH = {"batch", INT, "", "GEMMs per timed batch", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_CHECK_REL_ERR = {"check_rel_err", NUM, "",
    "256 sampled entries of the timed result against the CPU", NULL, 0, NUL};
static const struct cllm_field *const gpu_prec_fields[] = {&CLLM_F_GPU_MEAN_TFLOPS, &CLLM_F_GPU_BEST_TFLOPS,
    &CLLM_F_GPU_MEAN_S, &CLLM_F_GPU_STD_S, &CLLM_F_CL_TIMES_S, &CLLM_F_GPU_BATCH, &CLLM_F_GPU_CHECK_REL_ERR, NULL};
static const struct cllm_record R_GPU_PREC = {"gpu_precision_result", "one precision's timed GEMMs at one size",
    gpu_prec_fields, false};
static const struct cllm_field F_GPU_FP32 = {"fp32", OBJ, "", "fp32 in/out, fp32 math", &R_GPU_PREC, 0, NUL};
static const struct cllm_field F_GPU_TF32 = {"tf32", OBJ, "", "fp32 in/out, TF32 tensor cores", &R_GPU_PREC, 0, NUL};
static const struct cllm_field F_GPU_FP16 = {"fp16", OBJ, "", "fp16 in/out, fp32 accumulation", &R_GPU_PREC, 0,
    NUL};
static const struct cllm_field F_GPU_BF16 = {"bf16", OBJ, "", "bf16 in/out, fp32 accumulation", &R_GPU_PREC, 0,
    NUL};
const struct cllm_field *const CLLM_GPU_PRECISION_FIELDS[CLLM_GPUGEMM_PRECISION_COUNT] = {&F_GPU_FP32, &F_GPU_TF32,
    &F_GPU_FP16, &F_GPU_BF16};
static const struct cllm_field *const gpu_size_fields[] = {&F_GPU_FP32, &CLLM_F_CL_GFLOPS, &F_GPU_TF32, &F_GPU_FP16,
    &F_GPU_BF16, NULL};
static const struct cllm_record R_GPU_SIZE = {"gpu_size", "the GEMMs of one N×N size per precision",
    gpu_size_fields, false};
const struct cllm_field CLLM_F_GPU_RESULTS = {"results", CLLM_FT_MAP, "", "per matrix size (\"4096x4096\")",
    &R_GPU_SIZE, 0, 0};

static const struct cllm_field F_GPU_S_FP32 = {"fp32_tflops", NUM, "TFLOPS", "best mean over the sizes", NULL, 0,
    NUL};
static const struct cllm_field F_GPU_S_TF32 = {"tf32_tflops", NUM, "TFLOPS", "best mean over the sizes", NULL, 0,
    NUL};
static const struct cllm_field F_GPU_S_FP16 = {"fp16_tflops", NUM, "TFLOPS", "best mean over the sizes", NULL, 0,
    NUL};
static const struct cllm_field F_GPU_S_BF16 = {"bf16_tflops", NUM, "TFLOPS", "best mean over the sizes", NULL, 0,
    NUL};
const struct cllm_field *const CLLM_GPU_SUMMARY_FIELDS[CLLM_GPUGEMM_PRECISION_COUNT] = {&F_GPU_S_FP32,
    &F_GPU_S_TF32, &F_GPU_S_FP16, &F_GPU_S_BF16};
static const struct cllm_field *const gpu_summary_fields[] = {&F_GPU_S_FP32, &F_GPU_S_TF32, &F_GPU_S_FP16,
    &F_GPU_S_BF16, NULL};
static const struct cllm_record R_GPU_SUMMARY = {"gpu_summary", "best mean TFLOPS per precision",
    gpu_summary_fields, false};
const struct cllm_field CLLM_F_GPU_SUMMARY = {"summary", OBJ, "", "best mean TFLOPS per precision", &R_GPU_SUMMARY,
    0, 0};

/* memory */
const struct cllm_field CLLM_F_GPU_BEST_GBPS = {"best_gbps", NUM, "GB/s", "best copy", NULL, 0, NUL};
const struct cllm_field CLLM_F_GPU_MEAN_GBPS = {"mean_gbps", NUM, "GB/s", "mean over the copies", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_STD_GBPS = {"std_gbps", NUM, "GB/s", "standard deviation over the copies", NULL,
    0, 0};
const struct cllm_field CLLM_F_GPU_BYTES = {"bytes", NUM, "bytes", "bytes per copy (halved until it fitted)", NULL,
    0, 0};
static const struct cllm_field *const gpu_copy_fields[] = {&CLLM_F_GPU_BEST_GBPS, &CLLM_F_GPU_MEAN_GBPS,
    &CLLM_F_GPU_STD_GBPS, &CLLM_F_CL_TIMES_S, &CLLM_F_GPU_BYTES, NULL};
static const struct cllm_record R_GPU_COPY = {"gpu_copy", "timed copies of one kind", gpu_copy_fields, false};
const struct cllm_field CLLM_F_GPU_D2D = {"d2d", OBJ, "", "device to device: 2 × bytes / time (read + write)",
    &R_GPU_COPY, 0, 0};
const struct cllm_field CLLM_F_GPU_H2D = {"h2d", OBJ, "", "pinned host to device: bytes / time", &R_GPU_COPY, 0, 0};
const struct cllm_field CLLM_F_GPU_D2H = {"d2h", OBJ, "", "device to pinned host: bytes / time", &R_GPU_COPY, 0, 0};
static const struct cllm_field *const gpu_memory_fields[] = {&CLLM_F_GPU_D2D, &CLLM_F_GPU_H2D, &CLLM_F_GPU_D2H,
    NULL};
static const struct cllm_record R_GPU_MEMORY = {"gpu_memory", "device memory bandwidth", gpu_memory_fields, false};
const struct cllm_field CLLM_F_GPU_MEMORY = {"memory", OBJ, "", "device memory bandwidth", &R_GPU_MEMORY, 0, 0};

/* several GPUs: each one's phase, and the copies between them */
const struct cllm_field CLLM_F_GPU_ONE_GPU = {"gpu", INT, "", "the detected GPU (hardware.gpu.devices index)", NULL,
    0, 0};
static const struct cllm_field *const gpu_one_fields[] = {&CLLM_F_GPU_ONE_GPU, &CLLM_F_CL_STATUS,
    &CLLM_F_GPU_PARAMETERS, &CLLM_F_ERROR, &CLLM_F_GPU_BACKENDS, &CLLM_F_REASON, &CLLM_F_GPU_BACKEND,
    &CLLM_F_GPU_VERIFIED, &CLLM_F_GPU_METHOD, &CLLM_F_GPU_LIBRARIES, &CLLM_F_GPU_DEVICE, &CLLM_F_GPU_VALIDATION,
    &CLLM_F_GPU_RESULTS, &CLLM_F_GPU_SUMMARY, &CLLM_F_GPU_MEMORY, NULL};
static const struct cllm_record R_GPU_ONE = {"gpu_compute_one", "the GPU compute phase on one selected GPU alone",
    gpu_one_fields, false};
const struct cllm_field CLLM_F_GPU_PER_GPU = {"per_gpu", CLLM_FT_ARRAY, "",
    "two or more GPUs selected: the phase on each alone, in the selection's order (the first is the phase's own "
    "keys above)", &R_GPU_ONE, 0, 0};

const struct cllm_field CLLM_F_GPU_PEER_SRC_GPU = {"src_gpu", INT, "", "copied from: detected GPU index", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_PEER_DST_GPU = {"dst_gpu", INT, "", "copied to: detected GPU index", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_PEER_SRC_DEVICE = {"src_device", INT, "", "copied from: the runtime's device number",
    NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_PEER_DST_DEVICE = {"dst_device", INT, "", "copied to: the runtime's device number",
    NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_PEER_ACCESS = {"peer_access", BOOL, "",
    "the source GPU addresses the destination's memory directly (cudaDeviceCanAccessPeer; enabled for the copies); "
    "false: the driver stages the copy through host memory", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_PEER_COPY = {"copy", OBJ, "", "cudaMemcpyPeer: bytes / time (each byte crosses "
    "once)", &R_GPU_COPY, 0, 0};
static const struct cllm_field *const gpu_peer_fields[] = {&CLLM_F_GPU_PEER_SRC_GPU, &CLLM_F_GPU_PEER_DST_GPU,
    &CLLM_F_GPU_PEER_SRC_DEVICE, &CLLM_F_GPU_PEER_DST_DEVICE, &CLLM_F_CL_STATUS, &CLLM_F_GPU_PEER_ACCESS,
    &CLLM_F_GPU_PEER_COPY, &CLLM_F_ERROR, NULL};
static const struct cllm_record R_GPU_PEER = {"gpu_peer_copy", "copies from one GPU to another", gpu_peer_fields,
    false};
const struct cllm_field CLLM_F_GPU_PEER_PAIRS = {"pairs", CLLM_FT_ARRAY, "", "every ordered pair of selected GPUs",
    &R_GPU_PEER, 0, 0};
static const struct cllm_field *const gpu_peers_fields[] = {&CLLM_F_CL_STATUS, &CLLM_F_GPU_BACKEND,
    &CLLM_F_GPU_PEER_PAIRS, &CLLM_F_REASON, &CLLM_F_ERROR, NULL};
static const struct cllm_record R_GPU_PEERS = {"gpu_peer_copies", "GPU to GPU copy bandwidth", gpu_peers_fields,
    false};
const struct cllm_field CLLM_F_GPU_PEER_COPIES = {"peer_copies", OBJ, "",
    "two or more GPUs selected: copy bandwidth between every ordered pair", &R_GPU_PEERS, 0, 0};

static const struct cllm_field *const gpu_fields[] = {&CLLM_F_CL_STATUS, &CLLM_F_GPU_PARAMETERS, &CLLM_F_ERROR,
    &CLLM_F_GPU_BACKENDS, &CLLM_F_REASON, &CLLM_F_GPU_BACKEND, &CLLM_F_GPU_VERIFIED, &CLLM_F_GPU_METHOD,
    &CLLM_F_GPU_LIBRARIES, &CLLM_F_GPU_DEVICE, &CLLM_F_GPU_VALIDATION, &CLLM_F_GPU_RESULTS, &CLLM_F_GPU_SUMMARY,
    &CLLM_F_GPU_MEMORY, &CLLM_F_GPU_PER_GPU, &CLLM_F_GPU_PEER_COPIES, &CLLM_F_CLEANUP, &CLLM_F_MONITOR,
    &CLLM_F_CL_DURATION_S, NULL};
const struct cllm_record CLLM_R_GPU_COMPUTE = {"gpu_compute",
    "dense GEMM per precision (cuBLAS / hipBLAS) and device memory bandwidth", gpu_fields, false};

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

/* the section's status: absent in a file whose run ended (or was cancelled) before the classic phases started */
static const struct cllm_field F_CL_SECTION_STATUS = {"status", STR, "", "ok | partial | failed | skipped", NULL, 0,
    0};
static const struct cllm_field *const classic_fields[] = {&F_CL_SECTION_STATUS, &CLLM_F_REASON,
    &CLLM_F_CL_BENCHMARKS, NULL};
const struct cllm_record CLLM_R_CLASSIC_BENCHMARKS = {"classic_benchmarks",
    "the classic phases: CPU GEMM (single and multi thread), memory bandwidth, GPU compute", classic_fields, false};
