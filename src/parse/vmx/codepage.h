/* codepage: text in the code pages VMware writes in a .vmx `.encoding`,
 * converted to UTF-8 in process, from tables built into the program.
 *
 * Why not iconv: in a static binary glibc's iconv_open loads the gconv
 * modules of whatever host it runs on, at run time (missing in an empty
 * root, another glibc's elsewhere). The tables are generated at build time
 * from the build machine's iconv (tools/gen_codepages.c), so every build
 * (dynamic, static, sanitized) converts the same way and none calls iconv.
 *
 * Pure: no I/O, no globals besides the constant tables. */
#ifndef VT_CODEPAGE_H
#define VT_CODEPAGE_H

#include "util/util_buf.h"

#include <stdbool.h>
#include <stddef.h>

struct cp_table;

/* The table for an encoding name as VMware products write it ("windows-1252",
 * "Shift_JIS", "windows-949-2000", "GBK", "UTF-8", ...), compared ignoring
 * case and the characters '-', '_', '.', ':' and ' '; NULL when unknown.
 * UTF-8 and ASCII names give a table that checks UTF-8. Borrowed, static. */
const struct cp_table *codepage_find(const char *name);
/* True for the UTF-8 table (nothing to convert, only to check). */
bool codepage_is_utf8(const struct cp_table *t);

/* Appends the UTF-8 form of `len` bytes in code page `t` to `out`. Bytes
 * that are not a character of the code page become U+FFFD in `out` (so the
 * output stays valid UTF-8) and are counted: returns how many sequences were
 * bad, and sets *first_bad to the offset of the first (untouched when none). */
size_t codepage_decode(const struct cp_table *t, const char *in, size_t len, struct buf *out,
                       size_t *first_bad);

/* Appends the UTF-8 form of UTF-16 text (`big_endian` or little, no BOM) to
 * `out`; unpaired surrogates and a final odd byte count as bad as above. */
size_t codepage_utf16(const char *in, size_t len, bool big_endian, struct buf *out,
                      size_t *first_bad);

/* Appends code point c (at most U+10FFFF, not a surrogate) as UTF-8. */
void codepage_put_utf8(struct buf *out, unsigned c);

#endif
