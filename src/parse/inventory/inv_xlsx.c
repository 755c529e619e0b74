/* inv_xlsx: RVTools workbooks through libxml2's SAX2 push parser (see
 * inv_xlsx.h). No DTD is loaded, no entity substituted, nothing fetched. */
#include "parse/inventory/inv_xlsx.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <libxml/parser.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum part { P_NONE, P_WORKBOOK, P_RELS, P_STRINGS, P_SHEET };

struct named {
    char *name, *id;
};

struct xlsx {
    const char *file;
    struct diags *d;
    xmlParserCtxtPtr ctxt;
    enum part part;
    const char *member; /* for messages */
    char err[200];
    /* workbook: sheet name -> relationship id; rels: id -> target */
    struct named *sheets, *rels;
    size_t nsheets, sheets_cap, nrels, rels_cap;
    char *resolved[8]; /* members resolved by xlsx_sheet_member */
    size_t nresolved;
    /* shared strings */
    char **strs;
    size_t nstrs, strs_cap, strs_bytes;
    bool in_si, in_rph;
    /* text being collected (<t> of a string, <v> or <is><t> of a cell) */
    bool collect;
    struct buf text;
    /* sheet */
    struct rvt *r;
    enum rvt_sheet sheet;
    const char *sheet_name;
    bool header_done, sheet_refused;
    unsigned long row;
    char **cells;
    size_t ncells, cells_cap;
    long col;
    char ctype[16];
    bool in_cell;
};

bool
xlsx_meta_member(const char *name)
{
    return strcmp(name, "xl/workbook.xml") == 0 || strcmp(name, "xl/_rels/workbook.xml.rels") == 0 ||
           strcmp(name, "xl/sharedStrings.xml") == 0;
}

struct xlsx *
xlsx_new(const char *file, struct diags *d)
{
    struct xlsx *x = xcalloc(1, sizeof(*x));
    x->file = file;
    x->d = d;
    x->text = (struct buf)BUF_INIT;
    return x;
}

static void
set_err(struct xlsx *x, const char *msg)
{
    if (x->err[0] == '\0')
        snprintf(x->err, sizeof(x->err), "%s", msg);
    xmlStopParser(x->ctxt);
}

static const char *
attr(const xmlChar **attrs, int n, const char *local, char *out, size_t max)
{
    for (int i = 0; i < n; i++) {
        const xmlChar **a = attrs + 5 * i;
        if (strcmp((const char *)a[0], local) == 0) {
            size_t l = (size_t)(a[4] - a[3]);
            if (l >= max)
                l = max - 1;
            memcpy(out, a[3], l);
            out[l] = '\0';
            return out;
        }
    }
    return NULL;
}

static void
clear_cells(struct xlsx *x)
{
    for (size_t i = 0; i < x->ncells; i++)
        free(x->cells[i]);
    x->ncells = 0;
}

/* "BC12" -> 54 (0-based column), or -1. */
static long
col_of(const char *ref)
{
    long c = 0;
    int n = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++)
        if (n < 3) /* XFD is the last column: more letters are no column */
            c = c * 26 + (*ref - 'A' + 1);
    return n == 0 || n > 3 ? -1 : c - 1;
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
         const xmlChar **ns, int nattrs, int ndef, const xmlChar **attrs)
{
    (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
    struct xlsx *x = ctx;
    const char *e = (const char *)local;
    char a1[512], a2[512];
    switch (x->part) {
    case P_WORKBOOK:
        if (strcmp(e, "sheet") == 0 && attr(attrs, nattrs, "name", a1, sizeof(a1)) &&
            attr(attrs, nattrs, "id", a2, sizeof(a2)) && x->nsheets < 4096) {
            XGROW(x->sheets, x->sheets_cap, x->nsheets + 1);
            x->sheets[x->nsheets++] = (struct named){xstrdup(a1), xstrdup(a2)};
        }
        break;
    case P_RELS:
        if (strcmp(e, "Relationship") == 0 && attr(attrs, nattrs, "Id", a1, sizeof(a1)) &&
            attr(attrs, nattrs, "Target", a2, sizeof(a2)) && x->nrels < 4096) {
            XGROW(x->rels, x->rels_cap, x->nrels + 1);
            x->rels[x->nrels++] = (struct named){xstrdup(a2), xstrdup(a1)};
        }
        break;
    case P_STRINGS:
        if (strcmp(e, "si") == 0) {
            x->in_si = true;
            buf_reset(&x->text);
        } else if (strcmp(e, "rPh") == 0)
            x->in_rph = true;
        else if (strcmp(e, "t") == 0 && x->in_si && !x->in_rph)
            x->collect = true;
        break;
    case P_SHEET:
        if (strcmp(e, "row") == 0) {
            clear_cells(x);
            x->col = -1;
            x->row = attr(attrs, nattrs, "r", a1, sizeof(a1)) ? strtoul(a1, NULL, 10) : x->row + 1;
        } else if (strcmp(e, "c") == 0) {
            x->col = attr(attrs, nattrs, "r", a1, sizeof(a1)) ? col_of(a1) : x->col + 1;
            if (!attr(attrs, nattrs, "t", x->ctype, sizeof(x->ctype)))
                x->ctype[0] = '\0';
            x->in_cell = true;
            buf_reset(&x->text);
        } else if (x->in_cell && (strcmp(e, "v") == 0 || strcmp(e, "t") == 0))
            x->collect = true;
        break;
    default:
        break;
    }
}

static void
on_chars(void *ctx, const xmlChar *s, int len)
{
    struct xlsx *x = ctx;
    if (!x->collect)
        return;
    if (x->text.len + (size_t)len > XLSX_MAX_CELL) {
        set_err(x, "a cell or string of more than 1 MiB");
        return;
    }
    buf_add(&x->text, s, (size_t)len);
}

static void
end_cell(struct xlsx *x)
{
    x->in_cell = false;
    if (x->col < 0 || x->col >= XLSX_MAX_COLUMNS) {
        set_err(x, "a cell past column XFD");
        return;
    }
    char *v;
    if (strcmp(x->ctype, "s") == 0) {
        char *end;
        unsigned long i = strtoul(x->text.p ? x->text.p : "", &end, 10);
        if (x->text.len == 0 || *end || i >= x->nstrs) {
            set_err(x, "a cell naming a shared string that xl/sharedStrings.xml does not hold");
            return;
        }
        v = xstrdup(x->strs[i]);
    } else if (strcmp(x->ctype, "b") == 0)
        v = xstrdup(x->text.p && strcmp(x->text.p, "1") == 0 ? "True" : "False");
    else
        v = buf_detach(&x->text);
    size_t c = (size_t)x->col;
    if (c >= x->ncells) {
        XGROW(x->cells, x->cells_cap, c + 1);
        for (size_t i = x->ncells; i <= c; i++)
            x->cells[i] = xstrdup("");
        x->ncells = c + 1;
    }
    free(x->cells[c]);
    x->cells[c] = v;
    buf_reset(&x->text);
}

static void
end_row(struct xlsx *x)
{
    if (x->sheet_refused || x->ncells == 0)
        return;
    if (!x->header_done) {
        x->header_done = true;
        if (rvt_begin(x->r, x->sheet, x->file, x->row, x->cells, x->ncells) < 0)
            x->sheet_refused = true;
        return;
    }
    rvt_row(x->r, x->row, x->cells, x->ncells);
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix, (void)uri;
    struct xlsx *x = ctx;
    const char *e = (const char *)local;
    if (x->part == P_STRINGS) {
        if (strcmp(e, "t") == 0)
            x->collect = false;
        else if (strcmp(e, "rPh") == 0)
            x->in_rph = false;
        else if (strcmp(e, "si") == 0) {
            x->in_si = false;
            x->strs_bytes += x->text.len + sizeof(char *) + 1;
            if (x->strs_bytes > XLSX_MAX_STRINGS_BYTES) {
                set_err(x, "shared strings of more than 256 MiB");
                return;
            }
            XGROW(x->strs, x->strs_cap, x->nstrs + 1);
            x->strs[x->nstrs++] = buf_detach(&x->text);
        }
    } else if (x->part == P_SHEET) {
        if (strcmp(e, "v") == 0 || strcmp(e, "t") == 0)
            x->collect = false;
        else if (strcmp(e, "c") == 0 && x->in_cell)
            end_cell(x);
        else if (strcmp(e, "row") == 0)
            end_row(x);
    }
}

static void
on_error(void *ctx, const xmlError *err)
{
    struct xlsx *x = ctx;
    if (x->err[0] == '\0' && err && err->level >= XML_ERR_ERROR) {
        char msg[160];
        snprintf(msg, sizeof(msg), "line %d: %s", err->line, err->message ? err->message : "?");
        char *nl = strchr(msg, '\n');
        if (nl)
            *nl = '\0';
        snprintf(x->err, sizeof(x->err), "%s", msg);
    }
}

/* A DOCTYPE makes libxml2 build a document for its internal subset even
 * under SAX: freed with the parser. */
static void
free_ctxt(struct xlsx *x)
{
    if (x->ctxt == NULL)
        return;
    if (x->ctxt->myDoc)
        xmlFreeDoc(x->ctxt->myDoc);
    xmlFreeParserCtxt(x->ctxt);
    x->ctxt = NULL;
}

static int
feed(struct xlsx *x, enum part part, const char *member, const unsigned char *p, size_t n)
{
    if (x->ctxt == NULL) {
        xmlSAXHandler sax;
        memset(&sax, 0, sizeof(sax));
        sax.initialized = XML_SAX2_MAGIC;
        sax.startElementNs = on_start;
        sax.endElementNs = on_end;
        sax.characters = on_chars;
        sax.serror = (xmlStructuredErrorFunc)on_error;
        x->ctxt = xmlCreatePushParserCtxt(&sax, x, NULL, 0, member);
        if (x->ctxt == NULL)
            VT_BUG("xmlCreatePushParserCtxt: out of memory");
        xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
        x->part = part;
        x->member = member;
        x->err[0] = '\0';
        x->collect = false;
    }
    int rc = 0;
    if (p)
        while (n > 0 && x->err[0] == '\0') { /* xmlParseChunk takes an int */
            int k = n > (1u << 20) ? (1 << 20) : (int)n;
            rc = xmlParseChunk(x->ctxt, (const char *)p, k, 0);
            p += k;
            n -= (size_t)k;
            if (rc)
                break;
        }
    else
        rc = xmlParseChunk(x->ctxt, NULL, 0, 1);
    bool bad = x->err[0] || rc != 0;
    if (bad) {
        if (x->err[0] == '\0')
            snprintf(x->err, sizeof(x->err), "not well-formed XML (libxml2 error %d)", rc);
        if (x->part == P_SHEET)
            diags_add(x->d, DIAG_ERROR, x->file, x->row, "sheet %s, row %lu: %s", x->member,
                      x->row, x->err);
        else
            diags_add(x->d, DIAG_ERROR, x->file, 0, "%s: %s", x->member, x->err);
    }
    if (bad || p == NULL) {
        free_ctxt(x);
        x->ctxt = NULL;
        x->part = P_NONE;
    }
    return bad ? -1 : 0;
}

int
xlsx_meta_chunk(struct xlsx *x, const char *member, const unsigned char *p, size_t n)
{
    enum part part = strcmp(member, "xl/workbook.xml") == 0 ? P_WORKBOOK
                     : strcmp(member, "xl/sharedStrings.xml") == 0 ? P_STRINGS
                                                                    : P_RELS;
    return feed(x, part, member, p, n);
}

const char *
xlsx_sheet_member(struct xlsx *x, const char *name)
{
    for (size_t i = 0; i < x->nsheets; i++) {
        if (strcmp(x->sheets[i].name, name) != 0)
            continue;
        for (size_t k = 0; k < x->nrels; k++) {
            if (strcmp(x->rels[k].id, x->sheets[i].id) != 0)
                continue;
            const char *t = x->rels[k].name;
            if (x->nresolved == sizeof(x->resolved) / sizeof(x->resolved[0]))
                return NULL;
            /* targets are relative to xl/, or absolute from the package root */
            char *m = t[0] == '/' ? xstrdup(t + 1) : xasprintf("xl/%s", t);
            x->resolved[x->nresolved++] = m;
            return m;
        }
    }
    return NULL;
}

void
xlsx_sheet_begin(struct xlsx *x, enum rvt_sheet s, const char *sheet_name, struct rvt *r)
{
    x->r = r;
    x->sheet = s;
    x->sheet_name = sheet_name;
    x->header_done = false;
    x->sheet_refused = false;
    x->row = 0;
    clear_cells(x);
}

int
xlsx_sheet_chunk(struct xlsx *x, const unsigned char *p, size_t n)
{
    return feed(x, P_SHEET, x->sheet_name, p, n);
}

void
xlsx_free(struct xlsx *x)
{
    if (x == NULL)
        return;
    free_ctxt(x);
    for (size_t i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].id);
    }
    free(x->sheets);
    for (size_t i = 0; i < x->nrels; i++) {
        free(x->rels[i].name);
        free(x->rels[i].id);
    }
    free(x->rels);
    for (size_t i = 0; i < x->nresolved; i++)
        free(x->resolved[i]);
    for (size_t i = 0; i < x->nstrs; i++)
        free(x->strs[i]);
    free(x->strs);
    clear_cells(x);
    free(x->cells);
    buf_release(&x->text);
    free(x);
}
