/* vsphere_xml: a SAX push parser (libxml2) over SOAP responses that keeps
 * one ObjectContent at a time (see vsphere_xml.h). */
#include "source/vsphere_xml.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

struct frame {
    struct vs_node *node; /* NULL: an element outside the kept tree */
    struct buf text;
};

struct vs_reader {
    xmlParserCtxtPtr ctxt;
    vs_object_fn fn;
    void *arg;
    int depth; /* of the element being read: 1 = Envelope */
    bool in_body, root_closed, failed, truncated, skipping;
    int skip_depth; /* Header and other non-Body children of the envelope */
    struct frame stack[VS_MAX_DEPTH + 1];
    struct vs_node *response;     /* the Body's child */
    struct vs_node *object;       /* the ObjectContent being read, detached */
    size_t bytes;                 /* kept bytes: of the object, or of the rest */
    size_t response_bytes, fed;   /* the rest's total; input bytes so far */
    size_t nobjects;
    char *error;
};

static void
node_free(struct vs_node *n)
{
    while (n) {
        struct vs_node *next = n->next;
        node_free(n->child);
        free(n->name);
        free(n->xtype);
        free(n->mtype);
        free(n->text);
        free(n);
        n = next;
    }
}

static void
fail(struct vs_reader *r, const char *fmt, const char *a)
{
    if (r->failed)
        return;
    r->failed = true;
    r->error = xasprintf(fmt, a);
    xmlStopParser(r->ctxt);
}

static void
count(struct vs_reader *r, size_t n)
{
    r->bytes += n;
    if (r->bytes > VS_MAX_OBJECT_BYTES)
        fail(r, "a response object larger than %s", "32 MiB");
}

/* "xsd:string" -> "string"; "VirtualE1000" stays. */
static char *
strip_prefix(const xmlChar *v, size_t len)
{
    const char *s = (const char *)v, *colon = memchr(s, ':', len);
    if (colon)
        return xstrndup(colon + 1, len - (size_t)(colon + 1 - s));
    return xstrndup(s, len);
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
         const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
    struct vs_reader *r = ctx;
    if (r->failed)
        return;
    int d = ++r->depth;
    if (d > VS_MAX_DEPTH) {
        fail(r, "XML nested deeper than %s elements", "48");
        return;
    }
    struct frame *f = &r->stack[d];
    f->node = NULL;
    buf_reset(&f->text);
    const char *name = (const char *)local;
    if (r->skipping)
        return;
    if (d == 1) {
        if (strcmp(name, "Envelope") != 0)
            fail(r, "not a SOAP envelope (the document is <%s>)", name);
        return;
    }
    if (d == 2) {
        r->in_body = strcmp(name, "Body") == 0;
        if (!r->in_body) {
            r->skipping = true;
            r->skip_depth = d;
        }
        return;
    }
    if (d == 3 && r->response != NULL) { /* a second Body child: not kept */
        r->skipping = true;
        r->skip_depth = d;
        return;
    }
    struct vs_node *n = xcalloc(1, sizeof(*n));
    n->name = xstrdup(name);
    for (int i = 0; i < nattr; i++) {
        const xmlChar **a = attrs + 5 * i; /* local, prefix, URI, value, end */
        size_t len = (size_t)(a[4] - a[3]);
        if (strcmp((const char *)a[0], "type") != 0)
            continue;
        if (a[2] && strcmp((const char *)a[2], XSI_NS) == 0) {
            free(n->xtype);
            n->xtype = strip_prefix(a[3], len);
        } else if (a[2] == NULL) {
            free(n->mtype);
            n->mtype = xstrndup((const char *)a[3], len);
        }
        count(r, len);
    }
    count(r, sizeof(*n) + strlen(name));
    f->node = n;
    if (d == 3) {
        r->response = n;
        return;
    }
    struct vs_node *parent = r->stack[d - 1].node;
    bool is_object = d == 5 && r->fn && strcmp(name, "objects") == 0 && parent &&
                     strcmp(parent->name, "returnval") == 0;
    if (is_object) {
        r->object = n;
        r->bytes = sizeof(*n);
        return;
    }
    if (parent == NULL) { /* cannot happen: every kept element has a kept parent */
        node_free(n);
        f->node = NULL;
        return;
    }
    if (parent->last)
        parent->last->next = n;
    else
        parent->child = n;
    parent->last = n;
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)local, (void)prefix, (void)uri;
    struct vs_reader *r = ctx;
    if (r->failed)
        return;
    int d = r->depth--;
    if (d > VS_MAX_DEPTH)
        return;
    struct frame *f = &r->stack[d];
    if (r->skipping) {
        if (d == r->skip_depth)
            r->skipping = false;
        return;
    }
    if (d == 1)
        r->root_closed = true;
    struct vs_node *n = f->node;
    if (n == NULL)
        return;
    n->text = buf_detach(&f->text);
    if (n == r->object) {
        r->object = NULL;
        r->nobjects++;
        int stop = r->fn(r->arg, n);
        node_free(n);
        r->bytes = r->response_bytes;
        if (stop)
            fail(r, "%s", "stopped while reading the objects");
    } else if (r->object == NULL) {
        r->response_bytes = r->bytes;
    }
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
    struct vs_reader *r = ctx;
    if (r->failed || r->skipping || r->depth < 3 || r->depth > VS_MAX_DEPTH)
        return;
    struct frame *f = &r->stack[r->depth];
    if (f->node == NULL)
        return;
    buf_add(&f->text, ch, (size_t)len);
    count(r, (size_t)len);
}

static void
on_error(void *ctx, xmlErrorPtr e)
{
    struct vs_reader *r = ctx;
    if (r->failed || e == NULL || e->level < XML_ERR_ERROR)
        return;
    char line[64];
    snprintf(line, sizeof(line), "%d:%d", e->line, e->int2);
    r->failed = true;
    char *msg = xstrdup(e->message ? e->message : "error");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    r->error = xasprintf("malformed XML at line:column %s: %s", line, msg);
    free(msg);
}

struct vs_reader *
vs_reader_new(vs_object_fn fn, void *arg)
{
    struct vs_reader *r = xcalloc(1, sizeof(*r));
    r->fn = fn;
    r->arg = arg;
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.serror = on_error;
    r->ctxt = xmlCreatePushParserCtxt(&sax, r, NULL, 0, "response");
    if (r->ctxt == NULL)
        VT_BUG("xmlCreatePushParserCtxt failed");
    /* no network, no entity expansion, no DTD loading */
    xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(r, on_error);
    return r;
}

int
vs_reader_feed(struct vs_reader *r, const char *p, size_t n)
{
    while (n > 0 && !r->failed) {
        int chunk = n > (1u << 20) ? 1 << 20 : (int)n;
        r->fed += (size_t)chunk;
        xmlSetStructuredErrorFunc(r, on_error);
        int rc = xmlParseChunk(r->ctxt, p, chunk, 0);
        xmlSetStructuredErrorFunc(NULL, NULL);
        if (rc != 0 && !r->failed)
            fail(r, "malformed XML (libxml2 error %s)", "during parsing");
        p += chunk;
        n -= (size_t)chunk;
    }
    return r->failed ? -1 : 0;
}

int
vs_reader_end(struct vs_reader *r)
{
    if (r->failed) /* the input was refused while it came: that error stands */
        return -1;
    xmlSetStructuredErrorFunc(r, on_error);
    xmlParseChunk(r->ctxt, NULL, 0, 1);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!r->root_closed) {
        /* the input ended inside the document: truncated, whatever libxml2 said of it */
        free(r->error);
        r->error = xasprintf("truncated response: the XML ends after %zu bytes, before the "
                             "envelope closes",
                             r->fed);
        r->truncated = true;
        r->failed = true;
    }
    if (!r->failed && r->response == NULL) {
        r->failed = true;
        r->error = xstrdup("a SOAP envelope with an empty body");
    }
    return r->failed ? -1 : 0;
}

const char *
vs_reader_error(const struct vs_reader *r)
{
    return r->failed ? (r->error ? r->error : "malformed XML") : NULL;
}

bool
vs_reader_truncated(const struct vs_reader *r)
{
    return r->truncated;
}

const struct vs_node *
vs_reader_response(const struct vs_reader *r)
{
    return r->response;
}

bool
vs_reader_fault(const struct vs_reader *r, const char **msg, const char **type)
{
    const struct vs_node *f = r->response;
    if (f == NULL || strcmp(f->name, "Fault") != 0)
        return false;
    const char *s = vs_text(f, "faultstring");
    *msg = s ? s : "";
    const struct vs_node *detail = vs_child(f, "detail");
    *type = NULL;
    if (detail && detail->child)
        *type = detail->child->xtype ? detail->child->xtype : detail->child->name;
    return true;
}

size_t
vs_reader_objects(const struct vs_reader *r)
{
    return r->nobjects;
}

void
vs_reader_free(struct vs_reader *r)
{
    if (r == NULL)
        return;
    for (int d = 0; d <= VS_MAX_DEPTH; d++)
        buf_release(&r->stack[d].text);
    /* a node still open is in the tree (or is the object) */
    node_free(r->object);
    node_free(r->response);
    if (r->ctxt) {
        xmlFreeDoc(r->ctxt->myDoc);
        xmlFreeParserCtxt(r->ctxt);
    }
    free(r->error);
    free(r);
}

const struct vs_node *
vs_child(const struct vs_node *n, const char *name)
{
    for (const struct vs_node *c = n ? n->child : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

const struct vs_node *
vs_path(const struct vs_node *n, const char *path)
{
    while (n && *path) {
        size_t l = strcspn(path, "/");
        const struct vs_node *c = n->child;
        while (c && !(strlen(c->name) == l && strncmp(c->name, path, l) == 0))
            c = c->next;
        n = c;
        path += l + (path[l] == '/');
    }
    return n;
}

const char *
vs_text(const struct vs_node *n, const char *path)
{
    const struct vs_node *x = vs_path(n, path);
    return x ? x->text : NULL;
}
