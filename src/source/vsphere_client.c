/* vsphere_client: the API conversation (see vsphere_client.h). */
#include "source/vsphere_client.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct moref_own {
    char *type, *value;
};

struct vs_client {
    struct vs_http *http;
    struct vs_http_opts o;
    char action[64]; /* SOAPAction: urn:vim25/<apiVersion> */
    struct moref_own root, pc, vm, sm;
    char *about[5];
    bool logged_in;
    size_t pages;
};

static const char *const about_fields[5] = {"fullName", "apiType", "apiVersion", "version",
                                            "build"};

static struct vs_moref
mr(const struct moref_own *m)
{
    return (struct vs_moref){m->type, m->value};
}

static int
feed_sink(void *arg, const char *p, size_t n)
{
    return vs_reader_feed(arg, p, n) != 0;
}

/* Sends `b` and reads the reply through a reader (objects to fn). Returns the
 * reader (the caller frees it) when a whole SOAP reply came and is no fault;
 * NULL with err set otherwise. `what` names the call in errors. */
static struct vs_reader *
call(struct vs_client *c, const char *what, struct buf *b, vs_object_fn fn, void *arg, char *err,
     size_t errlen)
{
    struct vs_reader *r = vs_reader_new(fn, arg);
    long code = 0;
    char herr[512] = "";
    enum vs_http_status st =
        vs_http_post(c->http, c->action, b->p, b->len, feed_sink, r, &code, herr, sizeof(herr));
    explicit_bzero(b->p, b->len); /* the Login body holds the password */
    buf_reset(b);
    if (st == VS_HTTP_STOPPED && vs_reader_error(r) != NULL)
        st = VS_HTTP_OK; /* the reader stopped it: its error says why */
    if (st != VS_HTTP_OK) {
        snprintf(err, errlen, "%s: %s", what, herr);
        vs_reader_free(r);
        return NULL;
    }
    int rc = vs_reader_error(r) ? -1 : vs_reader_end(r);
    const char *msg, *type;
    if (rc != 0) {
        if (code != 200 && code != 500 && !vs_reader_truncated(r))
            snprintf(err, errlen, "%s: HTTP status %ld, not a SOAP reply (is this the /sdk URL "
                                  "of a vCenter or ESXi host?)",
                     what, code);
        else
            snprintf(err, errlen, "%s: %s", what, vs_reader_error(r));
    } else if (vs_reader_fault(r, &msg, &type)) {
        snprintf(err, errlen, "%s: SOAP fault %s%s%s", what, type ? type : "(no type)",
                 *msg ? ": " : "", msg);
        rc = -1;
    } else if (code != 200) {
        snprintf(err, errlen, "%s: HTTP status %ld", what, code);
        rc = -1;
    }
    if (rc != 0) {
        vs_reader_free(r);
        return NULL;
    }
    return r;
}

/* The moref at `path` of the reply's returnval into *m; false when absent. */
static bool
take_moref(const struct vs_node *ret, const char *path, struct moref_own *m)
{
    const struct vs_node *n = path ? vs_path(ret, path) : ret;
    if (n == NULL || n->mtype == NULL || n->text == NULL || !*n->text)
        return false;
    m->type = xstrdup(n->mtype);
    m->value = xstrdup(n->text);
    return true;
}

static void
moref_free(struct moref_own *m)
{
    free(m->type);
    free(m->value);
}

struct vs_client *
vs_client_open(const struct vs_http_opts *o, char *err, size_t errlen)
{
    struct vs_client *c = xcalloc(1, sizeof(*c));
    c->o = *o;
    snprintf(c->action, sizeof(c->action), "urn:vim25/6.5");
    if ((c->http = vs_http_new(o, err, errlen)) == NULL) {
        free(c);
        return NULL;
    }
    struct buf b = BUF_INIT;
    soap_service_content(&b);
    struct vs_reader *r = call(c, "RetrieveServiceContent", &b, NULL, NULL, err, errlen);
    buf_release(&b);
    if (r == NULL) {
        vs_client_close(c);
        return NULL;
    }
    const struct vs_node *ret = vs_child(vs_reader_response(r), "returnval");
    bool ok = take_moref(ret, "rootFolder", &c->root) &&
              take_moref(ret, "propertyCollector", &c->pc) &&
              take_moref(ret, "viewManager", &c->vm) && take_moref(ret, "sessionManager", &c->sm);
    for (size_t i = 0; i < 5; i++) {
        const char *t = vs_text(vs_child(ret, "about"), about_fields[i]);
        c->about[i] = t ? xstrdup(t) : NULL;
    }
    vs_reader_free(r);
    if (!ok) {
        snprintf(err, errlen, "RetrieveServiceContent: the reply names no rootFolder, "
                              "propertyCollector, viewManager or sessionManager (no vSphere API "
                              "here?)");
        vs_client_close(c);
        return NULL;
    }
    const char *v = c->about[2];
    if (v && *v && strlen(v) < 32 && strspn(v, "0123456789.") == strlen(v))
        snprintf(c->action, sizeof(c->action), "urn:vim25/%s", v);
    return c;
}

const char *
vs_client_about(const struct vs_client *c, const char *field)
{
    for (size_t i = 0; i < 5; i++)
        if (strcmp(field, about_fields[i]) == 0)
            return c->about[i];
    return NULL;
}

int
vs_client_login(struct vs_client *c, const char *user, const char *password, char *err,
                size_t errlen)
{
    struct buf b = BUF_INIT;
    soap_login(&b, mr(&c->sm), user, password);
    char e[512];
    struct vs_reader *r = call(c, "Login", &b, NULL, NULL, e, sizeof(e));
    buf_release(&b);
    if (r == NULL) {
        if (strstr(e, "InvalidLogin"))
            snprintf(err, errlen, "login failed: the server refused the user name or password "
                                  "(InvalidLogin)");
        else
            snprintf(err, errlen, "login failed: %s", e);
        return -1;
    }
    vs_reader_free(r);
    c->logged_in = true;
    return 0;
}

int
vs_client_collect(struct vs_client *c, const char *const *types, size_t ntypes,
                  const struct vs_propset *ps, size_t nps, int page, vs_object_fn fn, void *arg,
                  char *err, size_t errlen)
{
    struct buf b = BUF_INIT;
    soap_create_view(&b, mr(&c->vm), mr(&c->root), types, ntypes);
    struct vs_reader *r = call(c, "CreateContainerView", &b, NULL, NULL, err, errlen);
    if (r == NULL) {
        buf_release(&b);
        return -1;
    }
    struct moref_own view = {0};
    bool ok = take_moref(vs_child(vs_reader_response(r), "returnval"), NULL, &view);
    vs_reader_free(r);
    if (!ok) {
        snprintf(err, errlen, "CreateContainerView: the reply names no view");
        buf_release(&b);
        return -1;
    }
    int rc = 0;
    soap_retrieve(&b, mr(&c->pc), mr(&view), ps, nps, page);
    const char *what = "RetrievePropertiesEx";
    char *token = NULL;
    for (;;) {
        r = call(c, what, &b, fn, arg, err, errlen);
        c->pages++;
        if (r == NULL) {
            rc = -1;
            break;
        }
        const char *t = vs_text(vs_reader_response(r), "returnval/token");
        free(token);
        token = t && *t ? xstrdup(t) : NULL;
        vs_reader_free(r);
        if (token == NULL)
            break;
        if (c->o.interrupted && *c->o.interrupted) {
            snprintf(err, errlen, "interrupted");
            rc = -1;
            break;
        }
        soap_continue(&b, mr(&c->pc), token);
        what = "ContinueRetrievePropertiesEx";
    }
    if (token) { /* stopped mid-way: let the server drop the rest */
        char e2[256];
        soap_cancel(&b, mr(&c->pc), token);
        if ((r = call(c, "CancelRetrievePropertiesEx", &b, NULL, NULL, e2, sizeof(e2))))
            vs_reader_free(r);
        free(token);
    }
    char e3[256];
    soap_destroy_view(&b, mr(&view));
    if ((r = call(c, "DestroyView", &b, NULL, NULL, e3, sizeof(e3))))
        vs_reader_free(r);
    moref_free(&view);
    buf_release(&b);
    return rc;
}

size_t
vs_client_pages(const struct vs_client *c)
{
    return c->pages;
}

void
vs_client_close(struct vs_client *c)
{
    if (c == NULL)
        return;
    if (c->logged_in) {
        vs_http_final(c->http);
        struct buf b = BUF_INIT;
        char e[256];
        soap_logout(&b, mr(&c->sm));
        struct vs_reader *r = call(c, "Logout", &b, NULL, NULL, e, sizeof(e));
        vs_reader_free(r);
        buf_release(&b);
    }
    vs_http_free(c->http);
    moref_free(&c->root);
    moref_free(&c->pc);
    moref_free(&c->vm);
    moref_free(&c->sm);
    for (size_t i = 0; i < 5; i++)
        free(c->about[i]);
    free(c);
}
