/* embedded: the data files compiled into the binary by tools/embed.sh.
 * The table ends with an entry whose name is NULL; data is NUL-terminated. */
#ifndef VT_EMBEDDED_H
#define VT_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* path in the source tree, e.g. "rules/vmx-e1000.yml" */
    const char *data;
    size_t len;
};

extern const struct embedded_file embedded_files[];

/* The embedded file called `name`, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#define EMBEDDED_MAX_COLS 8
/* Calls row() with the `ncols` columns of each row of the embedded TSV file
 * `name` (lines starting with '#' and blank lines skipped). The strings live
 * for the process. A missing file or a row of another width is a bug (the
 * data is ours, checked by the tests). */
void embedded_rows(const char *name, size_t ncols, void (*row)(char **col));

#endif
