/* input: the one gate every command opens a named input through.
 *
 * A FIFO, a socket or a device named as an input is refused at once with an
 * error naming it (opening a FIFO for reading would wait for a writer, and
 * reading a device may never end or have side effects): only regular files,
 * and folders where the caller takes them, are opened. The type is checked
 * with stat before anything is opened (so a device is never opened), and
 * again with fstat on what was opened, which is opened with O_NONBLOCK (so
 * a FIFO swapped in between cannot block the open) and then set back to
 * blocking reads. `-` is standard input where the caller allows it.
 * Only sources do I/O (DESIGN.md); this is one. */
#ifndef VT_INPUT_H
#define VT_INPUT_H

#include "util/diag.h"

#include <stdbool.h>
#include <sys/stat.h>

enum input_flags {
    INPUT_FOLDER = 1 << 0, /* a folder is accepted (opened O_DIRECTORY) */
    INPUT_STDIN = 1 << 1,  /* "-" is standard input (fd 0, never closed by the caller) */
};

/* Opens `path` for reading. Returns the descriptor (O_CLOEXEC, blocking
 * reads) and fills *st (may be NULL) from fstat, or -1 after adding a
 * DIAG_ERROR naming `path`: cannot open (the system's reason), a FIFO, a
 * socket, a character or block device, or a folder without INPUT_FOLDER.
 * For "-" with INPUT_STDIN returns 0 (whatever standard input is: a pipe is
 * what '-' is for). */
int input_open(const char *path, unsigned flags, struct stat *st, struct diags *d);

/* Adds the error input_open gives for a named input of type `mode` and
 * returns true when that type is refused (anything but a regular file, or a
 * folder with INPUT_FOLDER); false adds nothing. For callers that looked at
 * the type already (a walk's roots). */
bool input_refused(const char *path, mode_t mode, unsigned flags, struct diags *d);

/* What a file that is neither a regular file nor a folder is, for messages:
 * "a FIFO (named pipe)", "a socket", "a character device", "a block device",
 * or "not a regular file"; NULL for a regular file or a folder. */
const char *input_special_kind(mode_t mode);

#endif
