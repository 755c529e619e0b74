/* lazy_archive: libarchive (bundles and logs in .tgz/.zip, .xlsx
 * inventories) loaded on first use in the dynamic build (lazy_lib.h says
 * why). Defines the libarchive functions vmtriage calls, with archive.h's
 * and archive_entry.h's prototypes, forwarding to libarchive.so.13. `make
 * static` links libarchive in instead and does not compile this file. */
#include "util/lazy_lib.h"

#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

/* X(return type, name, parameters, arguments): every function but the
 * variadic archive_set_error, which is written out below. */
#define ARCHIVE_FUNCS(X)                                                                           \
    X(struct archive *, archive_read_new, (void), ())                                              \
    X(int, archive_read_free, (struct archive * a), (a))                                           \
    X(int, archive_read_support_filter_bzip2, (struct archive * a), (a))                           \
    X(int, archive_read_support_filter_gzip, (struct archive * a), (a))                            \
    X(int, archive_read_support_filter_xz, (struct archive * a), (a))                              \
    X(int, archive_read_support_filter_zstd, (struct archive * a), (a))                            \
    X(int, archive_read_support_format_tar, (struct archive * a), (a))                             \
    X(int, archive_read_support_format_zip, (struct archive * a), (a))                             \
    X(int, archive_read_open,                                                                      \
      (struct archive * a, void *data, archive_open_callback *open, archive_read_callback *read,   \
       archive_close_callback *close),                                                             \
      (a, data, open, read, close))                                                                \
    X(int, archive_read_open_fd, (struct archive * a, int fd, size_t block_size),                  \
      (a, fd, block_size))                                                                         \
    X(int, archive_read_open_memory, (struct archive * a, const void *buff, size_t size),          \
      (a, buff, size))                                                                             \
    X(int, archive_read_next_header, (struct archive * a, struct archive_entry * *e), (a, e))      \
    X(int, archive_read_data_block,                                                                \
      (struct archive * a, const void **buff, size_t *size, la_int64_t *offset),                   \
      (a, buff, size, offset))                                                                     \
    X(const char *, archive_error_string, (struct archive * a), (a))                               \
    X(int, archive_format, (struct archive * a), (a))                                              \
    X(__LA_MODE_T, archive_entry_filetype, (struct archive_entry * e), (e))                        \
    X(const char *, archive_entry_hardlink, (struct archive_entry * e), (e))                       \
    X(time_t, archive_entry_mtime, (struct archive_entry * e), (e))                                \
    X(int, archive_entry_mtime_is_set, (struct archive_entry * e), (e))                            \
    X(const char *, archive_entry_pathname, (struct archive_entry * e), (e))                       \
    X(const char *, archive_entry_pathname_utf8, (struct archive_entry * e), (e))                  \
    X(la_int64_t, archive_entry_size, (struct archive_entry * e), (e))                             \
    X(int, archive_entry_size_is_set, (struct archive_entry * e), (e))                             \
    X(int, archive_entry_sparse_count, (struct archive_entry * e), (e))                            \
    X(const char *, archive_entry_symlink, (struct archive_entry * e), (e))

#define DECLARE(ret, name, params, args) static ret(*p_##name) params;
ARCHIVE_FUNCS(DECLARE)
static void (*p_archive_set_error)(struct archive *, int, const char *, ...);

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
#define ENTRY(ret, name, params, args) LAZY_SYM(p_##name, #name),
    static const struct lazy_sym syms[] = {
        ARCHIVE_FUNCS(ENTRY) LAZY_SYM(p_archive_set_error, "archive_set_error"),
    };
    lazy_lib_load("libarchive.so.13", "to read .tgz, .zip and .xlsx files", syms,
                  sizeof syms / sizeof syms[0]);
}

#define DEFINE(ret, name, params, args)                                                            \
    ret name params                                                                                \
    {                                                                                              \
        pthread_once(&once, load);                                                                 \
        return p_##name args;                                                                      \
    }
ARCHIVE_FUNCS(DEFINE)

/* The message is formatted here and passed on as one "%s" argument (a NULL
 * format clears the message, as in libarchive). */
void
archive_set_error(struct archive *a, int err, const char *fmt, ...)
{
    pthread_once(&once, load);
    if (fmt == NULL) {
        p_archive_set_error(a, err, NULL);
        return;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p_archive_set_error(a, err, "%s", msg);
}
