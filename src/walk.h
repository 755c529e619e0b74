/* walk: finds the VM configuration files under datastore paths.
 *
 * A datastore is reachable as /vmfs/volumes/<uuid> and through a name
 * symlink, so every file and folder is visited once, by device and inode; a
 * real folder is preferred to a symlink to it, so paths name the uuid form.
 * Symlink loops, broken links and unreadable folders are reported in the
 * diagnostics and the walk goes on. Only sources do I/O; this one only lists. */
#ifndef VT_WALK_H
#define VT_WALK_H

#include "diag.h"

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
size_t walk_paths_want(char *const *roots, size_t nroots, walk_want_fn *want,
                       walk_found_fn *found, void *arg, struct diags *d);

/* Reads a whole file of at most `max` bytes into *data (owned, NUL-terminated).
 * Returns 0, or -1 with a diagnostic naming the file. */
int read_small_file(const char *path, size_t max, char **data, size_t *len, struct diags *d);

#endif
