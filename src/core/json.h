/* Strict JSON input and UTF-8 checks: every JSON text that comes from a file, a request body or a server goes
 * through cllm_json_parse, so trailing content, NUL characters and invalid UTF-8 are refused in one place, with
 * the byte offset, line and column in the message. */
#ifndef CLLM_JSON_H
#define CLLM_JSON_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* True when s[0..len) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). On false,
 * *bad_at (when not NULL) is the byte offset of the first invalid sequence. */
bool cllm_utf8_valid(const char *s, size_t len, size_t *bad_at);

/* A malloc'd, NUL-terminated copy of s[0..len) with every invalid UTF-8 sequence replaced by U+FFFD; *out_len (when
 * not NULL) its length in bytes. NULL when out of memory. */
char *cllm_utf8_repair(const char *s, size_t len, size_t *out_len);

/* Parses text[0..len) as exactly one JSON value. Refused, with `origin: <what> at byte N (line L, column C)` in
 * err: invalid UTF-8, a NUL byte or a "\u0000" escape (C strings would silently end there), a control character
 * unescaped in a string or between tokens (other than tab, LF, CR), invalid JSON, anything but whitespace after
 * the value; and, with the object's path, a key repeated in one object (a lookup would see one value, a walk
 * both). Returns the tree (the caller deletes it) or NULL. */
struct cJSON *cllm_json_parse(const char *text, size_t len, const char *origin, char *err, size_t errlen);

/* Looks a dotted path up ("hardware.cpu.model"; a segment in brackets, e.g. results[2048x2048], is a literal key). */
struct cJSON *cllm_json_path(const struct cJSON *root, const char *path);

/* Replaces obj's "status" with `status` and, when key and text are both given, sets `key` to text (e.g. "error",
 * "reason", "cancelled"). */
void cllm_json_set_status(struct cJSON *obj, const char *status, const char *key, const char *text);

#ifdef __cplusplus
}
#endif

#endif
