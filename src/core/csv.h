/* CSV text (RFC 4180: fields with a comma, a quote or a line break are quoted, quotes doubled; CRLF line ends):
 * a writer that builds the text a row at a time, and a reader of one record. What goes in the rows is the
 * caller's (results files: report/export_csv.h). */
#ifndef CLLM_CSV_H
#define CLLM_CSV_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A CSV text being built; start it zeroed ({0}). */
struct cllm_csv {
    char  *text;
    size_t len, cap;
    bool   oom;     /* an allocation failed: cllm_csv_finish gives NULL */
};

/* Appends one field, quoted when needed, then ',' or (last) the CRLF that ends the row. */
void cllm_csv_cell(struct cllm_csv *c, const char *s, bool last);

/* Appends a whole row of n fields. */
void cllm_csv_row(struct cllm_csv *c, const char *const *fields, int n);

/* The text (malloc'd, NUL-terminated; the caller frees), or NULL when an allocation failed (nothing to free). */
char *cllm_csv_finish(struct cllm_csv *c);

/* Splits one CSV record (RFC 4180; quoted fields may hold commas, quotes and newlines) starting at *pos in text.
 * Fields are written NUL-terminated into fields[i] (each of size cap); returns the field count, 0 at the end of
 * input, -1 on a malformed record or overflow. *pos advances past the record. */
int cllm_csv_read_record(const char *text, size_t *pos, char fields[][512], int max_fields);

#ifdef __cplusplus
}
#endif

#endif
