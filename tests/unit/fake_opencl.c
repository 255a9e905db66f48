/* A stand-in OpenCL ICD loader for test_gpu_opencl: the four entry points detection calls, answering as the
 * environment variable CLLM_FAKE_CL_MODE says (read at every call, so one loaded copy serves every case):
 *   none     clGetPlatformIDs → CL_PLATFORM_NOT_FOUND_KHR (a loader without ICDs, as ocl-icd answers)
 *   zero     CL_SUCCESS with no platform
 *   error    clGetPlatformIDs → CL_OUT_OF_HOST_MEMORY
 *   many     10 platforms of 3 GPUs each (more than detection keeps)
 *   odd      1 platform: a GPU with a padded name, no NUL in its vendor string and a 0 MHz clock; a device whose
 *            memory query fails and whose type names no kind; a platform whose version query fails
 *   devfail  2 platforms: the first's clGetDeviceIDs → CL_OUT_OF_RESOURCES, the second has one CPU device */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int32_t cl_int;
typedef uint32_t cl_uint;
typedef uint64_t cl_ulong;
typedef void *cl_platform_id;
typedef void *cl_device_id;

#define N_PLAT_MAX 10
#define N_DEV_PER  3

/* handles are addresses inside these arrays: platform p, device (p, k) */
static char g_plats[N_PLAT_MAX];
static char g_devs[N_PLAT_MAX][N_DEV_PER];

static const char *mode(void)
{
    const char *m = getenv("CLLM_FAKE_CL_MODE");
    return m ? m : "none";
}

static int is(const char *m) { return strcmp(mode(), m) == 0; }

static cl_uint n_platforms(void)
{
    if (is("many"))
        return 10;
    if (is("odd"))
        return 1;
    if (is("devfail"))
        return 2;
    return 0;
}

static int plat_index(cl_platform_id p)
{
    char *c = p;
    return (c >= g_plats && c < g_plats + N_PLAT_MAX) ? (int)(c - g_plats) : -1;
}

static int dev_index(cl_device_id d, int *plat)
{
    char *c = d;
    if (c < &g_devs[0][0] || c >= &g_devs[0][0] + sizeof(g_devs))
        return -1;
    *plat = (int)((c - &g_devs[0][0]) / N_DEV_PER);
    return (int)((c - &g_devs[0][0]) % N_DEV_PER);
}

static cl_uint n_devices(int p)
{
    if (is("many"))
        return 3;
    if (is("odd"))
        return 2;
    if (is("devfail"))
        return p == 1 ? 1 : 0;
    return 0;
}

/* value of size n into (size, value, size_ret) as the spec says; CL_INVALID_VALUE when it does not fit */
static cl_int answer(const void *v, size_t n, size_t size, void *value, size_t *size_ret)
{
    if (size_ret)
        *size_ret = n;
    if (value) {
        if (size < n)
            return -30;
        memcpy(value, v, n);
    }
    return 0;
}

static cl_int answer_str(const char *s, size_t size, void *value, size_t *size_ret)
{
    return answer(s, strlen(s) + 1, size, value, size_ret);
}

cl_int clGetPlatformIDs(cl_uint num_entries, cl_platform_id *platforms, cl_uint *num_platforms)
{
    cl_uint n = n_platforms();
    if (is("none"))
        return -1001;
    if (is("error"))
        return -6;
    if ((num_entries == 0 && platforms) || (!platforms && !num_platforms))
        return -30;
    if (num_platforms)
        *num_platforms = n;
    for (cl_uint i = 0; platforms && i < num_entries && i < n; i++)
        platforms[i] = &g_plats[i];
    return 0;
}

cl_int clGetPlatformInfo(cl_platform_id platform, cl_uint param, size_t size, void *value, size_t *size_ret)
{
    static char name[64];
    int p = plat_index(platform);
    if (p < 0)
        return -32;
    switch (param) {
    case 0x0902:   /* CL_PLATFORM_NAME */
        name[0] = 'F'; name[1] = 'a'; name[2] = 'k'; name[3] = 'e'; name[4] = ' ';
        name[5] = (char)('0' + p);
        name[6] = '\0';
        return answer_str(name, size, value, size_ret);
    case 0x0903:   /* CL_PLATFORM_VENDOR */
        return answer_str("ComputeLLM tests", size, value, size_ret);
    case 0x0901:   /* CL_PLATFORM_VERSION */
        if (is("odd"))
            return -30;
        return answer_str("OpenCL 3.0 fake", size, value, size_ret);
    default:
        return -30;
    }
}

cl_int clGetDeviceIDs(cl_platform_id platform, cl_ulong type, cl_uint num_entries, cl_device_id *devices,
                      cl_uint *num_devices)
{
    int p = plat_index(platform);
    cl_uint n;
    (void)type;
    if (p < 0)
        return -32;
    if (is("devfail") && p == 0)
        return -5;
    n = n_devices(p);
    if (n == 0)
        return -1;   /* CL_DEVICE_NOT_FOUND */
    if ((num_entries == 0 && devices) || (!devices && !num_devices))
        return -30;
    if (num_devices)
        *num_devices = n;
    for (cl_uint k = 0; devices && k < num_entries && k < n; k++)
        devices[k] = &g_devs[p][k];
    return 0;
}

cl_int clGetDeviceInfo(cl_device_id device, cl_uint param, size_t size, void *value, size_t *size_ret)
{
    int p = 0, k = dev_index(device, &p);
    int odd = is("odd");
    cl_ulong type = is("devfail") ? 2 : 4;   /* CPU : GPU */
    cl_ulong mem = (cl_ulong)(k + 1) << 30;
    cl_uint cu = 8u * (cl_uint)(k + 1), mhz = 1500;

    if (k < 0)
        return -33;   /* CL_INVALID_DEVICE */
    if (odd && k == 1)
        type = 1;     /* CL_DEVICE_TYPE_DEFAULT alone */
    if (odd && k == 0)
        mhz = 0;
    switch (param) {
    case 0x1000: return answer(&type, sizeof(type), size, value, size_ret);
    case 0x1002: return answer(&cu, sizeof(cu), size, value, size_ret);
    case 0x100C: return answer(&mhz, sizeof(mhz), size, value, size_ret);
    case 0x101F:
        if (odd && k == 1)
            return -30;
        return answer(&mem, sizeof(mem), size, value, size_ret);
    case 0x102B:
        return answer_str(odd && k == 0 ? "  Fake GPU  " : "Fake device", size, value, size_ret);
    case 0x102C:
        if (odd && k == 0)
            return answer("NoNul", 5, size, value, size_ret);   /* a driver that leaves out the NUL */
        return answer_str("ComputeLLM tests", size, value, size_ret);
    case 0x102D: return answer_str("1.2.3", size, value, size_ret);
    case 0x102F: return answer_str("OpenCL 3.0 fake", size, value, size_ret);
    case 0x103D: return answer_str("OpenCL C 1.2 fake", size, value, size_ret);
    default:     return -30;
    }
}
