/* A stand-in libcudart for test_gpu_compute, built as a shared library twice: the minimal build exports only
 * cudaGetDeviceCount (the loader must name the first missing symbol); CLLM_FAKE_CUDART_FULL exports every symbol
 * the CUDA backend requires (so the search goes on to cuBLAS, which is absent). Nothing here is ever called
 * except cudaGetDeviceCount; each stub returns cudaErrorNoDevice (100). */
#if defined(__GNUC__)
#define FAKE_EXPORT __attribute__((visibility("default")))
#else
#define FAKE_EXPORT
#endif

FAKE_EXPORT int cudaGetDeviceCount(int *count)
{
    if (count)
        *count = 0;
    return 100;
}

#ifdef CLLM_FAKE_CUDART_FULL
#define STUB(name) \
    FAKE_EXPORT int name(void) { return 100; }
STUB(cudaSetDevice)
STUB(cudaDeviceGetAttribute)
STUB(cudaMalloc)
STUB(cudaFree)
STUB(cudaMallocHost)
STUB(cudaFreeHost)
STUB(cudaMemcpy)
STUB(cudaMemset)
STUB(cudaEventCreate)
STUB(cudaEventRecord)
STUB(cudaEventSynchronize)
STUB(cudaEventElapsedTime)
STUB(cudaEventDestroy)
STUB(cudaDeviceSynchronize)
FAKE_EXPORT const char *cudaGetErrorString(int e)
{
    return e == 100 ? "no CUDA-capable device is detected (fake)" : "fake error";
}
#endif
