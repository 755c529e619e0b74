/* vsphere_soap: request envelopes (see vsphere_soap.h); bodies as in the
 * captured exchange shared/kb/vcsim-exchange.xml. */
#include "source/vsphere_soap.h"

#include <string.h>

static void
esc(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        case '\'':
            buf_adds(b, "&apos;");
            break;
        case '\r':
            buf_adds(b, "&#13;");
            break;
        default:
            buf_addc(b, *s);
        }
    }
}

static void
open_env(struct buf *b, const char *method, struct vs_moref this)
{
    buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
                "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><");
    buf_adds(b, method);
    buf_adds(b, " xmlns=\"urn:vim25\"><_this type=\"");
    esc(b, this.type);
    buf_adds(b, "\">");
    esc(b, this.value);
    buf_adds(b, "</_this>");
}

static void
close_env(struct buf *b, const char *method)
{
    buf_addf(b, "</%s></soapenv:Body></soapenv:Envelope>\n", method);
}

static void
elem(struct buf *b, const char *name, const char *text)
{
    buf_addf(b, "<%s>", name);
    esc(b, text);
    buf_addf(b, "</%s>", name);
}

static void
moref_elem(struct buf *b, const char *name, struct vs_moref m)
{
    buf_addf(b, "<%s type=\"", name);
    esc(b, m.type);
    buf_adds(b, "\">");
    esc(b, m.value);
    buf_addf(b, "</%s>", name);
}

void
soap_service_content(struct buf *b)
{
    open_env(b, "RetrieveServiceContent", (struct vs_moref){"ServiceInstance", "ServiceInstance"});
    close_env(b, "RetrieveServiceContent");
}

void
soap_login(struct buf *b, struct vs_moref sm, const char *user, const char *password)
{
    open_env(b, "Login", sm);
    elem(b, "userName", user);
    elem(b, "password", password);
    close_env(b, "Login");
}

void
soap_logout(struct buf *b, struct vs_moref sm)
{
    open_env(b, "Logout", sm);
    close_env(b, "Logout");
}

void
soap_create_view(struct buf *b, struct vs_moref vm, struct vs_moref root, const char *const *types,
                 size_t ntypes)
{
    open_env(b, "CreateContainerView", vm);
    moref_elem(b, "container", root);
    for (size_t i = 0; i < ntypes; i++)
        elem(b, "type", types[i]);
    elem(b, "recursive", "true");
    close_env(b, "CreateContainerView");
}

void
soap_destroy_view(struct buf *b, struct vs_moref view)
{
    open_env(b, "DestroyView", view);
    close_env(b, "DestroyView");
}

void
soap_retrieve(struct buf *b, struct vs_moref pc, struct vs_moref view, const struct vs_propset *ps,
              size_t nps, int max_objects)
{
    open_env(b, "RetrievePropertiesEx", pc);
    buf_adds(b, "<specSet>");
    for (size_t i = 0; i < nps; i++) {
        buf_adds(b, "<propSet>");
        elem(b, "type", ps[i].type);
        elem(b, "all", "false");
        for (size_t k = 0; k < ps[i].npaths; k++)
            elem(b, "pathSet", ps[i].paths[k]);
        buf_adds(b, "</propSet>");
    }
    buf_adds(b, "<objectSet>");
    moref_elem(b, "obj", view);
    buf_adds(b, "<skip>true</skip><selectSet xsi:type=\"TraversalSpec\"><name>traverseView</name>"
                "<type>ContainerView</type><path>view</path><skip>false</skip></selectSet>"
                "</objectSet></specSet><options>");
    if (max_objects > 0)
        buf_addf(b, "<maxObjects>%d</maxObjects>", max_objects);
    buf_adds(b, "</options>");
    close_env(b, "RetrievePropertiesEx");
}

void
soap_continue(struct buf *b, struct vs_moref pc, const char *token)
{
    open_env(b, "ContinueRetrievePropertiesEx", pc);
    elem(b, "token", token);
    close_env(b, "ContinueRetrievePropertiesEx");
}

void
soap_cancel(struct buf *b, struct vs_moref pc, const char *token)
{
    open_env(b, "CancelRetrievePropertiesEx", pc);
    elem(b, "token", token);
    close_env(b, "CancelRetrievePropertiesEx");
}
