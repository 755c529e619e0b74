/* inv_source: the bytes of an inventory: a file in chunks, the files of a
 * folder, and the members of a zip archive (an .xlsx workbook) in chunks.
 * Only sources do I/O; the inventory parsers get what this reads. */
#ifndef VT_INV_SOURCE_H
#define VT_INV_SOURCE_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

#define INV_CHUNK (64u * 1024)

/* Receives bytes in order; returns 0 to go on, non-zero to stop (that value
 * is returned by the reader). */
typedef int (*inv_chunk_fn)(void *arg, const unsigned char *p, size_t n);

/* Reads the first bytes of `path` (at most `max`) into `buf`; returns how
 * many, or -1 with an error in `d` (not a regular file, unreadable). */
long inv_peek(const char *path, unsigned char *buf, size_t max, struct diags *d);
/* Streams the file. Returns 0 at its end, the callback's non-zero value, or
 * -1 with an error in `d` (with the byte offset of a read error). */
int inv_stream(const char *path, inv_chunk_fn fn, void *arg, struct diags *d);
/* Whether `path` is a folder (false for anything else, or when missing). */
bool inv_is_folder(const char *path);
/* The regular files directly in folder `path`, sorted, as "path/name"
 * (owned, free each and the array). Returns -1 with an error when the
 * folder cannot be read. */
int inv_folder_files(const char *path, char ***out, size_t *n, struct diags *d);

/* Calls member(arg, name) for each member of the zip archive `path`; when
 * it returns true the member's bytes are streamed to chunk(arg, ...). A
 * chunk callback's non-zero value stops the walk and is returned. Returns 0,
 * or -1 with an error naming the archive and the member (a truncated or
 * corrupt archive). */
int inv_zip_each(const char *path, bool (*member)(void *arg, const char *name), inv_chunk_fn chunk,
                 void *arg, struct diags *d);

#endif
