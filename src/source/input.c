/* input: open-and-check for named inputs (input.h): stat, then open with
 * O_NONBLOCK, then fstat, so that nothing but a regular file or a folder is
 * ever read and no open can block. */
#include "source/input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

const char *
input_special_kind(mode_t mode)
{
    if (S_ISREG(mode) || S_ISDIR(mode))
        return NULL;
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    return "not a regular file";
}

bool
input_refused(const char *path, mode_t mode, unsigned flags, struct diags *d)
{
    const char *kind = input_special_kind(mode);
    if (kind != NULL) {
        diags_add(d, DIAG_ERROR, path, 0, "%s, not a file%s: refused", kind,
                  flags & INPUT_FOLDER ? " or folder" : "");
        return true;
    }
    if (S_ISDIR(mode) && !(flags & INPUT_FOLDER)) {
        diags_add(d, DIAG_ERROR, path, 0, "is a folder; give a file");
        return true;
    }
    return false;
}

int
input_open(const char *path, unsigned flags, struct stat *st, struct diags *d)
{
    struct stat tmp;
    if (st == NULL)
        st = &tmp;
    if ((flags & INPUT_STDIN) && strcmp(path, "-") == 0) {
        if (fstat(0, st) != 0)
            memset(st, 0, sizeof(*st));
        return 0;
    }
    /* stat first: a device or socket is never opened at all */
    if (stat(path, st) != 0) {
        diags_add(d, DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (input_refused(path, st->st_mode, flags, d))
        return -1;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        diags_add(d, DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    /* what was opened may not be what was looked at (replaced in between) */
    if (fstat(fd, st) != 0) {
        diags_add(d, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (input_refused(path, st->st_mode, flags, d)) {
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        diags_add(d, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
