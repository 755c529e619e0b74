/* report_fit: making text output fit a terminal's width (report_text and its
 * sections). Widths count columns as a terminal draws them: wide East Asian
 * characters take two, combining marks none. All functions take text that is
 * already escaped for the terminal (util_term.h) and print it as it is. */
#ifndef VT_REPORT_FIT_H
#define VT_REPORT_FIT_H

#include "util/util_buf.h"

#include <stddef.h>
#include <stdio.h>

/* Columns the UTF-8 text s takes on a terminal. */
size_t fit_width(const char *s);
/* Columns a string from input takes once escaped for the terminal. */
size_t fit_width_escaped(const char *s);
/* Prints text word-wrapped to `width` columns: the first line after `first`
 * (already printed, `used` columns wide), every further line after `indent`.
 * Line breaks in text are kept as spaces; a word wider than the line is
 * printed whole. */
void fit_wrap(FILE *fp, size_t used, const char *indent, const char *text, size_t width);
/* Prints a path from input, escaped, and elided in the middle when the
 * terminal is `width` columns wide (0: whole) and `taken` of them are used by
 * the rest of the line (at least 20 columns are left to the path). */
void report_fit_path(FILE *fp, const char *path, size_t width, size_t taken);
/* The terminal width to fit output to: the window size of fd when it is a
 * terminal (TIOCGWINSZ), else $COLUMNS when set to a number, else 0 (no
 * limit: lines whole, for grep and files). */
size_t fit_terminal_width(int fd);

#endif
