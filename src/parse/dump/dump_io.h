/* dump_io: what the dump_*.c files share below the format readers, and
 * nobody else sees (not part of the dump API). The reader is split by
 * concern, each calling only downwards: dump_read.c (dispatch by signature,
 * report words) -> dump_kernel.c (PAGEDUMP/PAGEDU64), dump_mdmp.c (MDMP) ->
 * dump_culprit.c (the "caused by" heuristic and the address index) and
 * dump_io.c (checked reads, errors, names). */
#ifndef VT_DUMP_IO_H
#define VT_DUMP_IO_H

#include "parse/dump/dump.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One read in progress: the input, the file's name for diagnostics, where
 * diagnostics go and how many errors this read has found (status). While
 * `mute` is set errors are counted but not added: a list whose every entry is
 * bad says so for its first DUMP_LIST_ERRORS entries, then once in a sum. */
struct dump_reader {
    const struct dump_input *in;
    const char *path;
    struct diags *d;
    size_t errors;
    bool mute;
};

#define DUMP_LIST_ERRORS 8

/* ---- dump_io.c ---- */

static inline uint16_t
dump_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t
dump_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
dump_le64(const unsigned char *p)
{
    return (uint64_t)dump_le32(p) | (uint64_t)dump_le32(p + 4) << 32;
}

/* Adds a DIAG_ERROR (counted in r->errors) / a DIAG_NOTE for the file. */
void dump_error(struct dump_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dump_note(struct dump_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when [off, off+len) lies inside the file (no overflow). */
bool dump_in_file(const struct dump_reader *r, uint64_t off, uint64_t len);

/* Reads len bytes at off into buf. A range that leaves the file or an I/O
 * error adds an error "<what> at offset 0x.. (N bytes) lies past the end of
 * the file (M bytes)" (what: printf format naming the structure) and returns
 * false; buf is then unspecified. */
bool dump_fetch(struct dump_reader *r, uint64_t off, void *buf, size_t len, const char *what, ...)
    __attribute__((format(printf, 5, 6)));

/* Reads a table of `count` entries of `size` bytes at off (owned buffer, NULL
 * when nothing was read; *got entries). A table that runs past the end of the
 * file is an error ("<what> at offset ..."), and the entries that fit are read:
 * a cut file still shows what it holds. count * size must not overflow (the
 * callers cap count first). */
unsigned char *dump_fetch_table(struct dump_reader *r, uint64_t off, size_t count, size_t size,
                                size_t *got, const char *what);

/* UTF-16LE (n units at p) to an owned UTF-8 string: stops at a NUL unit,
 * unpaired surrogates become U+FFFD, at most DUMP_MAX_NAME units are read. */
char *dump_utf16_to_utf8(const unsigned char *p, size_t n);

/* Fills drv->path (owned) from a UTF-16LE name and drv->name with its part
 * after the last '\' (the whole path when it ends in '\'). */
void dump_set_driver_name(struct dump_driver *drv, const unsigned char *utf16, size_t n);
/* The "?" placeholder of a name that could not be read. */
void dump_set_unknown_name(struct dump_driver *drv);
/* Reads a UTF-16LE name of nunits units at off into drv (what names it in
 * errors). More than DUMP_MAX_NAME units or a range outside the file is an
 * error and gives the "?" name; returns whether the name was read. */
bool dump_read_name(struct dump_reader *r, uint64_t off, size_t nunits, struct dump_driver *drv,
                    const char *what);

/* ---- dump_culprit.c ---- */

/* Sets on_stack on every driver holding a `word`-byte (4 or 8) little-endian
 * word of the saved stack; uses a sorted index, O((words + drivers) log drivers). */
void dump_mark_stack(struct crash_dump *dump, const unsigned char *stack, size_t nstack,
                     size_t word);

#endif
