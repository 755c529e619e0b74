/* inv_csv: a streaming CSV reader (RFC 4180: quoted fields, doubled quotes,
 * newlines inside quotes, CRLF or LF, a UTF-8 byte-order mark) for RVTools'
 * per-sheet CSV export. Fed in chunks of any size; memory holds one row. The
 * separator is the first of ',', ';' or TAB met outside quotes on the first
 * line (RVTools writes the locale's list separator). Pure. */
#ifndef VT_INV_CSV_H
#define VT_INV_CSV_H

#include "util/util_buf.h"

#include <stdbool.h>
#include <stddef.h>

#define CSV_MAX_CELL (1u << 20) /* bytes in one cell */
#define CSV_MAX_CELLS 4096      /* cells in one row */

/* One row: `cells` are NUL-terminated and valid during the call; `line`
 * is the line the row starts on. Returns 0 to go on, non-zero to stop. */
typedef int (*csv_row_fn)(void *arg, unsigned long line, char **cells, size_t n);

struct csv {
    struct buf cell;
    char **cells; /* owned copies of the row's cells */
    size_t n, cap;
    unsigned long line, row_line;
    char sep;
    bool in_quotes, quote_seen, after_cr, started, row_open;
    unsigned bom; /* bytes of a BOM matched so far */
    char err[160];
    unsigned long err_line;
};

void csv_init(struct csv *c);
/* Feeds bytes; calls fn for each complete row. Returns 0, 1 when fn asked
 * to stop, or -1 with c->err and c->err_line set (a cell or row too large). */
int csv_feed(struct csv *c, const char *p, size_t len, csv_row_fn fn, void *arg);
/* Ends the input: the last row without a newline, or the error of an
 * unclosed quote. Same returns as csv_feed. */
int csv_finish(struct csv *c, csv_row_fn fn, void *arg);
void csv_release(struct csv *c);

#endif
