/* lines: the streaming text source: a file or standard input, line by line.
 *
 * Memory is one line (the longest), whatever the file size. Line ends are
 * LF, CRLF or a lone CR; the line handed on has none. Only sources do I/O. */
#ifndef VT_LINES_H
#define VT_LINES_H

#include "util/diag.h"

#include <stddef.h>

/* `line` is NUL-terminated at line[len] but may hold NUL bytes before it;
 * it is valid only during the call. `lineno` is 1-based. */
typedef void (*line_fn)(void *ctx, const char *line, size_t len, unsigned long lineno);

/* Calls fn for every line of `path` ("-" reads standard input). Returns 0,
 * or -1 after adding an error naming the file (and the line reached). */
int read_lines(const char *path, line_fn fn, void *ctx, struct diags *d);

#endif
