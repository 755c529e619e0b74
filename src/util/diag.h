/* diag: problems found in the input, collected rather than printed.
 *
 * Parsers, sources and the rule engine never print; they append a diagnostic
 * here (sqlite3_errmsg, archive_error_string) and the CLI decides how to show
 * it. Each entry names the file and the line (0 when not line-bound). */
#ifndef VT_DIAG_H
#define VT_DIAG_H

#include <stddef.h>

enum diag_level {
    DIAG_NOTE,  /* worth saying, changes nothing (a non-VMware .vmx skipped) */
    DIAG_ERROR, /* input could not be read or understood: exit status 3 */
};

struct diag {
    enum diag_level level;
    char *path;         /* owned */
    unsigned long line; /* 1-based; 0 = whole file */
    char *message;      /* owned; lower case, no final full stop */
};

struct diags {
    struct diag *v;
    size_t n, cap;
};

#define DIAGS_INIT                                                                                 \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void diags_add(struct diags *d, enum diag_level level, const char *path, unsigned long line,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Moves every entry of `from` to the end of `to`; `from` is left empty. */
void diags_move(struct diags *to, struct diags *from);
size_t diags_count(const struct diags *d, enum diag_level level);
void diags_release(struct diags *d);

#endif
