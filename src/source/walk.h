/* walk: finds the VM configuration files under datastore paths.
 *
 * A datastore is reachable as /vmfs/volumes/<uuid> and through a name
 * symlink, so every file and folder is visited once, by device and inode; a
 * real folder is preferred to a symlink to it, so paths name the uuid form.
 * Symlink loops, broken links, unreadable folders, FIFOs, sockets and
 * devices are reported in the diagnostics and the walk goes on; a symbolic
 * link that resolves outside the tree being walked is noted and not
 * followed (a datastore name link to its uuid folder beside it is inside). Only sources do I/O;
 * this one only lists. */
#ifndef VT_WALK_H
#define VT_WALK_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

/* Receives each file the walk finds, in walk order, on the walking thread,
 * as soon as it is found (so a consumer can work while the walk goes on).
 * Takes ownership of `path` (malloc'ed; free it). */
typedef void walk_found_fn(void *arg, char *path);

/* Walks each root, calling found(arg, path) once per file. A root that is a
 * file is taken whatever its name; inside folders only *.vmx and *.vmtx (any
 * case) are taken, names sorted within a folder. Returns the number of
 * aliases: files or folders skipped because already seen by another path.
 * Everything happens on the calling thread: found() runs there and `d`
 * (walk problems: loops, broken links, unreadable folders) is appended to
 * there only. A file found in a folder is identified by the folder's device
 * and its inode from readdir (no stat); folders, links and roots by stat. */
size_t walk_paths(char *const *roots, size_t nroots, walk_found_fn *found, void *arg,
                  struct diags *d);

/* Which files of a folder to take, by name. */
typedef bool walk_want_fn(const char *name);

/* walk_paths, taking in folders the files `want` accepts (roots that are
 * files are taken whatever their name). */
size_t walk_paths_want(char *const *roots, size_t nroots, walk_want_fn *want, walk_found_fn *found,
                       void *arg, struct diags *d);

/* walk_paths_want with the tree fixed: every symbolic link met, the roots
 * included, must resolve under `tree` (a folder; its own real path is
 * taken) to be followed. walk_paths_want passes NULL: each root is then its
 * own tree, and a root that is a symbolic link is followed (the user named
 * it). A `tree` that does not exist is an error and nothing is walked. */
size_t walk_paths_under(const char *tree, char *const *roots, size_t nroots, walk_want_fn *want,
                        walk_found_fn *found, void *arg, struct diags *d);

/* Reads `fd` to its end into *data (owned, NUL-terminated); `size` is the
 * size fstat gave (the first guess). Returns 0; -1 on a read error (errno
 * set); -2 when more than `max` bytes came (the file grew). Does not close
 * fd. */
int read_fd_whole(int fd, size_t size, size_t max, char **data, size_t *len);

/* Reads a whole file of at most `max` bytes into *data (owned, NUL-terminated).
 * Opened through input_open: a FIFO, socket or device is refused. Returns 0,
 * or -1 with a diagnostic naming the file. */
int read_small_file(const char *path, size_t max, char **data, size_t *len, struct diags *d);

#endif
