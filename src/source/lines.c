/* lines: getline over a FILE, with lone-CR line ends split out. */
#include "source/lines.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
read_lines(const char *path, line_fn fn, void *ctx, struct diags *d)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "r");
    if (fp == NULL) {
        diags_add(d, DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    ssize_t got;
    errno = 0;
    while ((got = getline(&buf, &cap, fp)) >= 0) {
        size_t len = (size_t)got;
        if (len && buf[len - 1] == '\n')
            len--;
        /* A lone CR ends a line too (old Mac text, some console captures). */
        size_t start = 0;
        for (char *cr; (cr = memchr(buf + start, '\r', len - start)) != NULL;) {
            size_t end = (size_t)(cr - buf);
            if (end + 1 == len) { /* CRLF, or CR at the end */
                len = end;
                break;
            }
            buf[end] = '\0';
            fn(ctx, buf + start, end - start, ++lineno);
            start = end + 1;
        }
        buf[len] = '\0';
        fn(ctx, buf + start, len - start, ++lineno);
        errno = 0;
    }
    int rc = 0;
    if (ferror(fp)) {
        diags_add(d, DIAG_ERROR, path, lineno + 1, "read error: %s", strerror(errno));
        rc = -1;
    }
    free(buf);
    if (!is_stdin)
        fclose(fp);
    else
        clearerr(stdin);
    return rc;
}
