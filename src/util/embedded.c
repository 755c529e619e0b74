/* embedded: lookup in the generated table of compiled-in data files. */
#include "util/embedded.h"
#include "util/util_mem.h"

#include <string.h>

const struct embedded_file *
embedded_find(const char *name)
{
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

void
embedded_rows(const char *name, size_t ncols, void (*row)(char **col))
{
    const struct embedded_file *f = embedded_find(name);
    if (f == NULL)
        VT_BUG("%s is not embedded", name);
    if (ncols > EMBEDDED_MAX_COLS)
        VT_BUG("%s: %zu columns", name, ncols);
    char *text = xstrdup(f->data); /* the rows point into it for the life of the process */
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '#' || *line == '\0')
            continue;
        char *col[EMBEDDED_MAX_COLS];
        size_t n = 0;
        for (char *p = line; p != NULL && n < ncols; n++) {
            col[n] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (n != ncols)
            VT_BUG("%s: bad row '%s'", name, line);
        row(col);
    }
}
