/* codepage_impl: the layout of the code-page tables that tools/gen_codepages.c
 * writes into $(B)/codepages.c, shared by that file and src/parse/vmx/codepage.c only.
 *
 * Compact by construction: a single-byte table is the 128 code points of
 * bytes 0x80-0xFF (0 = not a character; bytes 0x00-0x7F are ASCII in every
 * table, which the generator checks). A double-byte table adds one row per
 * lead byte 0x80-0xFF holding only the trail bytes lo..hi it uses (lo > hi:
 * not a lead byte); EUC-JP has a second set of rows for its 0x8F prefix. */
#ifndef VT_CODEPAGE_IMPL_H
#define VT_CODEPAGE_IMPL_H

#include <stddef.h>
#include <stdint.h>

struct cp_row {
    uint8_t lo, hi; /* trail bytes lo..hi are in cells[off ..] */
    uint32_t off;
};

struct cp_table {
    const char *name;           /* glibc's name for it at generation, e.g. "CP1252" */
    const uint16_t *high;       /* [128]: bytes 0x80-0xFF alone; 0 = not a character */
    const struct cp_row *rows;  /* [128] per lead byte 0x80-0xFF, or NULL */
    const uint16_t *cells;      /* 0 = not a character */
    const struct cp_row *rows3; /* EUC-JP: 0x8F lead trail, per lead 0x80-0xFF, or NULL */
    const uint16_t *cells3;
};

extern const struct cp_table cp_tables[];
extern const size_t cp_ntables;

#endif
