#include "core/clock.h"

#include <stdio.h>

uint64_t cllm_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double cllm_now_s(void) { return (double)cllm_now_ns() / 1e9; }

uint64_t cllm_clock_resolution_ns(void)
{
    struct timespec ts;
    if (clock_getres(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void cllm_time_iso8601(time_t t, char *buf, size_t n)
{
    struct tm tm;
    char off[8];
    localtime_r(&t, &tm);
    /* %z gives +0100; ISO 8601 extended form wants +01:00 */
    strftime(off, sizeof(off), "%z", &tm);
    {
        char date[32];
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        if (off[0] && off[1] && off[2] && off[3] && off[4])
            snprintf(buf, n, "%s%c%c%c:%c%c", date, off[0], off[1], off[2], off[3], off[4]);
        else
            snprintf(buf, n, "%s", date);
    }
}

void cllm_time_id(time_t t, char *buf, size_t n)
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, n, "%Y%m%d_%H%M%S", &tm);
}
