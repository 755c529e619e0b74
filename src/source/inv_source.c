/* inv_source: inventory bytes from files, folders and zip archives (see
 * inv_source.h). Files are opened through input_open (no FIFO or device is
 * ever read); zip members through libarchive. */
#include "source/inv_source.h"
#include "source/input.h"
#include "util/util_mem.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

long
inv_peek(const char *path, unsigned char *buf, size_t max, struct diags *d)
{
    int fd = input_open(path, 0, NULL, d);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < max) {
        ssize_t r = read(fd, buf + got, max - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            diags_add(d, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return (long)got;
}

int
inv_stream(const char *path, inv_chunk_fn fn, void *arg, struct diags *d)
{
    int fd = input_open(path, 0, NULL, d);
    if (fd < 0)
        return -1;
    unsigned char *buf = xmalloc(INV_CHUNK);
    unsigned long long off = 0;
    int rc = 0;
    for (;;) {
        ssize_t r = read(fd, buf, INV_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            diags_add(d, DIAG_ERROR, path, 0, "byte %llu: cannot read: %s", off, strerror(errno));
            rc = -1;
            break;
        }
        if (r == 0)
            break;
        off += (unsigned long long)r;
        if ((rc = fn(arg, buf, (size_t)r)) != 0)
            break;
    }
    free(buf);
    close(fd);
    return rc;
}

bool
inv_is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
inv_folder_files(const char *path, char ***out, size_t *n, struct diags *d)
{
    *out = NULL;
    *n = 0;
    DIR *dir = opendir(path);
    if (dir == NULL) {
        diags_add(d, DIAG_ERROR, path, 0, "cannot read the folder: %s", strerror(errno));
        return -1;
    }
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode) || *n == 100000) {
            free(p);
            continue;
        }
        XGROW(*out, cap, *n + 1);
        (*out)[(*n)++] = p;
    }
    closedir(dir);
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), cmp_str);
    return 0;
}

int
inv_zip_each(const char *path, bool (*member)(void *arg, const char *name), inv_chunk_fn chunk,
             void *arg, struct diags *d)
{
    int fd = input_open(path, 0, NULL, d);
    if (fd < 0)
        return -1;
    struct archive *a = archive_read_new();
    if (a == NULL)
        VT_BUG("archive_read_new: out of memory");
    archive_read_support_format_zip(a);
    int rc = 0;
    if (archive_read_open_fd(a, fd, INV_CHUNK) != ARCHIVE_OK) {
        diags_add(d, DIAG_ERROR, path, 0, "not a readable zip archive: %s",
                  archive_error_string(a));
        rc = -1;
        goto out;
    }
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            diags_add(d, DIAG_ERROR, path, 0, "zip archive: %s (truncated or corrupt)",
                      archive_error_string(a));
            rc = -1;
            break;
        }
        const char *name = archive_entry_pathname(e);
        if (name == NULL || !member(arg, name))
            continue;
        const void *blk;
        size_t sz;
        la_int64_t off;
        for (;;) {
            r = archive_read_data_block(a, &blk, &sz, &off);
            if (r == ARCHIVE_EOF)
                break;
            if (r < ARCHIVE_WARN) {
                diags_add(d, DIAG_ERROR, path, 0, "zip member %s: %s (truncated or corrupt)", name,
                          archive_error_string(a));
                rc = -1;
                goto out;
            }
            if (sz && (rc = chunk(arg, blk, sz)) != 0)
                goto out;
        }
        if ((rc = chunk(arg, NULL, 0)) != 0) /* the member's end */
            goto out;
    }
out:
    archive_read_free(a);
    close(fd);
    return rc;
}
