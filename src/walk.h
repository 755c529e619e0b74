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

#include <stddef.h>

struct walk_result {
    char **paths; /* owned; in walk order (names sorted within a folder) */
    size_t n, cap;
    size_t aliases; /* files or folders skipped because already seen by another path */
};

#define WALK_RESULT_INIT {NULL, 0, 0, 0}

/* Walks each root. A root that is a file is taken whatever its name; inside
 * folders only *.vmx and *.vmtx (any case) are taken. */
void walk_paths(char *const *roots, size_t nroots, struct walk_result *out, struct diags *d);
void walk_result_release(struct walk_result *w);

/* Reads a whole file of at most `max` bytes into *data (owned, NUL-terminated).
 * Returns 0, or -1 with a diagnostic naming the file. */
int read_small_file(const char *path, size_t max, char **data, size_t *len, struct diags *d);

#endif
