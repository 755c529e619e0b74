/* inv_csv: the streaming CSV reader (see inv_csv.h). */
#include "parse/inventory/inv_csv.h"
#include "util/util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
csv_init(struct csv *c)
{
    *c = (struct csv){.cell = BUF_INIT, .line = 1, .row_line = 1};
}

static int
fail(struct csv *c, const char *msg)
{
    snprintf(c->err, sizeof(c->err), "%s", msg);
    c->err_line = c->row_line;
    return -1;
}

static int
end_cell(struct csv *c)
{
    if (c->n == CSV_MAX_CELLS)
        return fail(c, "a row of more than 4096 cells");
    XGROW(c->cells, c->cap, c->n + 1);
    c->cells[c->n++] = buf_detach(&c->cell);
    c->quote_seen = false;
    return 0;
}

static void
clear_row(struct csv *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->cells[i]);
    c->n = 0;
    c->row_open = false;
}

static int
end_row(struct csv *c, csv_row_fn fn, void *arg)
{
    if (end_cell(c) < 0)
        return -1;
    /* a blank line is no row */
    int rc = c->n == 1 && c->cells[0][0] == '\0' ? 0 : fn(arg, c->row_line, c->cells, c->n);
    clear_row(c);
    return rc ? 1 : 0;
}

/* The separator: the first of ',', ';', TAB outside quotes on the first line
 * of this chunk (the chunk holding the header's start). */
static char
guess_sep(const char *p, size_t len)
{
    bool q = false;
    for (size_t i = 0; i < len && (q || (p[i] != '\n' && p[i] != '\r')); i++) {
        if (p[i] == '"')
            q = !q;
        else if (!q && (p[i] == ',' || p[i] == ';' || p[i] == '\t'))
            return p[i];
    }
    return ',';
}

int
csv_feed(struct csv *c, const char *p, size_t len, csv_row_fn fn, void *arg)
{
    static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
    size_t i = 0;
    while (!c->started && c->bom < 3 && i < len && (unsigned char)p[i] == bom[c->bom]) {
        c->bom++;
        i++;
    }
    if (!c->started && i < len) {
        c->started = true;
        c->sep = guess_sep(p + i, len - i);
    }
    for (; i < len; i++) {
        char ch = p[i];
        if (c->after_cr) {
            c->after_cr = false;
            if (ch == '\n')
                continue; /* CRLF: the row ended at the CR */
        }
        if (!c->row_open) {
            c->row_open = true;
            c->row_line = c->line;
        }
        if (c->in_quotes) {
            if (ch == '"') {
                c->in_quotes = false;
                c->quote_seen = true;
                continue;
            }
            if (ch == '\n')
                c->line++;
        } else if (ch == '"') {
            if (c->quote_seen) /* "" inside a quoted cell: one quote */
                c->in_quotes = true;
            else if (c->cell.len == 0) {
                c->in_quotes = true;
                continue;
            } /* else a quote inside an unquoted cell is kept as written */
            else {
                buf_addc(&c->cell, ch);
                continue;
            }
        } else if (ch == c->sep) {
            if (end_cell(c) < 0)
                return -1;
            continue;
        } else if (ch == '\n' || ch == '\r') {
            c->line++;
            c->after_cr = ch == '\r';
            int rc = end_row(c, fn, arg);
            if (rc)
                return rc;
            continue;
        }
        if (c->cell.len >= CSV_MAX_CELL)
            return fail(c, "a cell of more than 1 MiB");
        buf_addc(&c->cell, ch);
    }
    return 0;
}

int
csv_finish(struct csv *c, csv_row_fn fn, void *arg)
{
    if (c->in_quotes)
        return fail(c, "a quoted cell is not closed before the end of the file");
    if (c->row_open)
        return end_row(c, fn, arg);
    return 0;
}

void
csv_release(struct csv *c)
{
    clear_row(c);
    free(c->cells);
    buf_release(&c->cell);
    *c = (struct csv){.cell = BUF_INIT};
}
