/* util_term: text for a terminal that input cannot take over. Every string a
 * text report or an error message prints from input (file and VM names, log
 * lines, crash text) goes through here, so that an ESC, a CR, a newline, a
 * bidirectional override or a byte that is not UTF-8 is shown as an escape
 * (\x1b, \u202e) and never acted on by the terminal. */
#ifndef VT_UTIL_TERM_H
#define VT_UTIL_TERM_H

#include "util/util_buf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Appends the first n bytes of s (stopping at a NUL) with every character
 * utf8_unsafe() names and every byte that is not UTF-8 escaped: \xNN below
 * U+0080 and for stray bytes, \uNNNN above. */
void term_escape_n(struct buf *b, const char *s, size_t n);
void term_escape(struct buf *b, const char *s);

/* fprintf whose %s and %c arguments are escaped as term_escape does (width
 * and precision apply as in printf; a precision cuts the input before it is
 * escaped). The format itself is trusted text. Supports the flags, widths,
 * precisions, length modifiers and conversions of C11 except %n. */
int term_printf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints each line of `text` after `indent`, escaped as term_printf does. */
void term_print_lines(FILE *fp, const char *indent, const char *text);
int term_vprintf(FILE *fp, const char *fmt, va_list ap);
/* fputs of an input string, escaped. */
int term_puts(const char *s, FILE *fp);

#endif
