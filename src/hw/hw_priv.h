/* Helpers shared by the hardware detection files (src/hw/ only; not part of the public API).
 * File access uses stdio alone so the parsers build on every platform. */
#ifndef CLLM_HW_PRIV_H
#define CLLM_HW_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True when root names the running machine: NULL, "" or "/". */
bool cllm_hw_root_is_live(const char *root);

/* True when the OS itself may be asked (params say live and the root is the running machine). */
bool cllm_hw_may_ask_os(const struct cllm_hw_params *p);

/* root + path into out ("" or "/" root leaves path unchanged). False when it did not fit. */
bool cllm_hw_path(char *out, size_t outlen, const char *root, const char *path);

/* Reads a small text file under root into buf, NUL-terminated, surrounding white space trimmed.
 * Returns its length, or -1 with errno set. */
long cllm_hw_read_small(const char *root, const char *path, char *buf, size_t len);

/* Reads a whole file under root (text or binary) into a malloc'd buffer with a NUL after the last byte.
 * Works for /proc files whose size reads as 0. Returns NULL with errno set on failure. */
char *cllm_hw_read_all(const char *root, const char *path, size_t *len);

/* Copies n bytes of src into dst (size dstlen, always NUL-terminated) without leading/trailing white space. */
void cllm_hw_copy_trim(char *dst, size_t dstlen, const char *src, size_t n);

/* Counts the CPUs in a kernel range list ("0-3,8,10-11"); -1 when malformed. */
int cllm_hw_count_range_list(const char *s);

/* Expands a kernel range list into a malloc'd array of ids (sorted as written); -1 when malformed. */
int cllm_hw_parse_range_list(const char *s, int **ids);

/* Ends a detection pass: drops reasons of fields that ended up known, and gives every field still unknown
 * without a reason the generic `why`. Keeps the contract "unknown ⇔ has a reason". */
void cllm_hw_cpu_reconcile(struct cllm_cpu_info *c, const char *why);
void cllm_hw_ram_reconcile(struct cllm_ram_info *r, const char *why);
void cllm_hw_os_reconcile(struct cllm_os_info *o, const char *why);

#ifdef __cplusplus
}
#endif

#endif
