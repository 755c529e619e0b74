/* vsphere_xml: the streaming reader of vSphere SOAP responses.
 *
 * A response is fed as it arrives (the HTTP body, chunk by chunk) into a
 * libxml2 SAX push parser. The elements under the response element become a
 * small tree, except that each `returnval/objects` (an ObjectContent of
 * RetrievePropertiesEx) is handed to a callback as soon as it closes and
 * freed: memory is bounded by one object, not by the inventory. A SOAP
 * fault becomes its faultstring and the xsi:type of its detail.
 *
 * xsi:type is matched by namespace URI, never by prefix (vcsim writes it as
 * `XMLSchema-instance:type`). Pure: no I/O, never prints; built only with
 * the vSphere client (VT_VSPHERE). */
#ifndef VT_VSPHERE_XML_H
#define VT_VSPHERE_XML_H

#include <stdbool.h>
#include <stddef.h>

/* Caps on one object (and on the rest of a response): deeper or larger is an
 * error, never a crash or an unbounded allocation. */
#define VS_MAX_DEPTH 48
#define VS_MAX_OBJECT_BYTES (32u << 20)

/* One element. Strings are owned by the tree; `text` is the element's
 * character data ("" when none), `xtype` its xsi:type without a prefix
 * ("VirtualE1000", "xsd:string" -> "string"), `mtype` its plain `type`
 * attribute (a moref's type), both NULL when absent. */
struct vs_node {
    char *name; /* local name */
    char *xtype;
    char *mtype;
    char *text;
    struct vs_node *child, *last, *next;
};

/* Called with each ObjectContent as it closes; the tree is borrowed for the
 * call. Returning nonzero stops the parse (vs_reader_error says so). */
typedef int (*vs_object_fn)(void *arg, const struct vs_node *obj);

struct vs_reader;

/* A reader for one response. `fn` may be NULL: objects are then kept in the
 * tree like any other element (small responses only). */
struct vs_reader *vs_reader_new(vs_object_fn fn, void *arg);
/* Feeds `n` bytes. Returns 0, or -1 once the input is malformed, over a cap
 * or the callback stopped it (vs_reader_error). */
int vs_reader_feed(struct vs_reader *r, const char *p, size_t n);
/* Ends the input. Returns 0 when a whole SOAP envelope was read, -1 when not
 * (malformed, or truncated: the document ended early). */
int vs_reader_end(struct vs_reader *r);
/* What went wrong, with the byte offset ("malformed XML at byte 120: ..."),
 * or NULL. Borrowed. */
const char *vs_reader_error(const struct vs_reader *r);
/* True when the input stopped before the envelope closed. */
bool vs_reader_truncated(const struct vs_reader *r);
/* The response element (the Body's child), or NULL. Borrowed. */
const struct vs_node *vs_reader_response(const struct vs_reader *r);
/* When the response is a SOAP fault: true, with its faultstring ("" when
 * empty) and the xsi:type of its detail ("InvalidLogin", or NULL). */
bool vs_reader_fault(const struct vs_reader *r, const char **msg, const char **type);
size_t vs_reader_objects(const struct vs_reader *r); /* objects handed to fn */
void vs_reader_free(struct vs_reader *r);

/* The first child named `name`, or NULL. */
const struct vs_node *vs_child(const struct vs_node *n, const char *name);
/* The node at a '/'-separated path of child names ("about/apiVersion"), or NULL. */
const struct vs_node *vs_path(const struct vs_node *n, const char *path);
/* The text of vs_path, or NULL when there is no such node. */
const char *vs_text(const struct vs_node *n, const char *path);

#endif
