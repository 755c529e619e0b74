/* log_source: the bytes of one log file, plain or gzip, in large blocks.
 *
 * ESXi rotates logs as vmkernel.0.gz, vmkernel.1.gz ...; a support bundle
 * holds both forms. A gzip stream is recognised by its first two bytes
 * (1f 8b), never by the name; concatenated gzip members (what `cat a.gz
 * b.gz` and some rotators make) are read one after another. Memory is the
 * caller's buffer plus zlib's state, whatever the file size. Only sources do
 * I/O (DESIGN.md). */
#ifndef VT_LOG_SOURCE_H
#define VT_LOG_SOURCE_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct log_source;

/* Opens `path` ("-": standard input) through input_open (a FIFO, socket,
 * device or folder is refused). Returns NULL after adding an error naming
 * the file. */
struct log_source *log_source_open(const char *path, struct diags *d);

/* Where a source's raw bytes come from: reads up to n bytes, returns the
 * count, 0 at the end, or -1 after adding its own error to `d`. */
typedef ssize_t log_raw_fn(void *ctx, void *buf, size_t n, struct diags *d);
/* The reader of an open file: read(2), retrying on EINTR; an error names
 * `path` and the byte offset. */
struct log_fd {
    int fd;
    const char *path; /* borrowed */
    uint64_t off;     /* bytes read so far */
};
ssize_t log_fd_read(void *ctx, void *buf, size_t n, struct diags *d);

/* A source over a reader (a member of a support bundle); `name` (borrowed,
 * outlives the source) names it in errors. Returns NULL after a read error. */
struct log_source *log_source_open_reader(const char *name, log_raw_fn *fn, void *ctx,
                                          struct diags *d);
/* Reads up to `cap` bytes of text (decompressed) into buf. Returns the
 * number read, 0 at the end, or -1 after adding an error naming the file
 * and the byte offset (of the compressed file for gzip): a read error, a
 * corrupt or truncated gzip stream. */
ssize_t log_source_read(struct log_source *s, char *buf, size_t cap, struct diags *d);
bool log_source_is_gzip(const struct log_source *s);
/* When the source was last written (a file's modification time, an archive
 * member's date; UTC ms), or 0 when unknown (standard input): the year of
 * syslog lines that carry none (ESX 3.x/4.x). */
int64_t log_source_written(const struct log_source *s);
void log_source_set_written(struct log_source *s, int64_t ms);
/* Closes the file (not standard input) and frees the source; NULL is fine. */
void log_source_close(struct log_source *s);

#endif
