/* One monotonic clock for every measurement, and the wall-clock stamps used in results. */
#ifndef CLLM_CLOCK_H
#define CLLM_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Monotonic time in nanoseconds from an arbitrary origin. */
uint64_t cllm_now_ns(void);

/* Monotonic time in seconds. */
double cllm_now_s(void);

/* Resolution of the monotonic clock in nanoseconds (clock_getres). */
uint64_t cllm_clock_resolution_ns(void);

/* Local time as ISO 8601 with the UTC offset: "2026-02-06T14:30:22+01:00". */
void cllm_time_iso8601(time_t t, char *buf, size_t n);

/* Local time as a result id: "20260206_143022". */
void cllm_time_id(time_t t, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif
