/* diag: the list of input problems that travels from parsers to reporters. */
#include "util/diag.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdlib.h>

void
diags_add(struct diags *d, enum diag_level level, const char *path, unsigned long line,
          const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    XGROW(d->v, d->cap, d->n + 1);
    d->v[d->n++] = (struct diag){level, xstrdup(path ? path : "-"), line, buf_detach(&b)};
}

void
diags_move(struct diags *to, struct diags *from)
{
    XGROW(to->v, to->cap, to->n + from->n);
    for (size_t i = 0; i < from->n; i++)
        to->v[to->n++] = from->v[i];
    free(from->v);
    *from = (struct diags)DIAGS_INIT;
}

size_t
diags_count(const struct diags *d, enum diag_level level)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->v[i].level == level;
    return n;
}

void
diags_release(struct diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].path);
        free(d->v[i].message);
    }
    free(d->v);
    *d = (struct diags)DIAGS_INIT;
}
