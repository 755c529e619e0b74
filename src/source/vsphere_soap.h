/* vsphere_soap: the SOAP request bodies the vSphere client sends.
 *
 * Each function appends one whole envelope to `b`. Every value is escaped
 * for XML; element order follows the WSDL (kb vsphere-api-and-peers §2.3:
 * a real vCenter rejects reordered elements). Morefs come from
 * RetrieveServiceContent, never from constants. Built only with the vSphere
 * client (VT_VSPHERE). */
#ifndef VT_VSPHERE_SOAP_H
#define VT_VSPHERE_SOAP_H

#include "util/util_buf.h"

#include <stddef.h>

struct vs_moref {
    const char *type;
    const char *value;
};

/* The properties to read of one managed object type. */
struct vs_propset {
    const char *type;
    const char *const *paths;
    size_t npaths;
};

void soap_service_content(struct buf *b);
/* The password goes into `b` only: the caller wipes `b` once sent. */
void soap_login(struct buf *b, struct vs_moref sm, const char *user, const char *password);
void soap_logout(struct buf *b, struct vs_moref sm);
void soap_create_view(struct buf *b, struct vs_moref vm, struct vs_moref root,
                      const char *const *types, size_t ntypes);
void soap_destroy_view(struct buf *b, struct vs_moref view);
/* RetrievePropertiesEx over the ContainerView `view` (traversing its `view`
 * property); max_objects > 0 asks for pages of that many objects. */
void soap_retrieve(struct buf *b, struct vs_moref pc, struct vs_moref view,
                   const struct vs_propset *ps, size_t nps, int max_objects);
void soap_continue(struct buf *b, struct vs_moref pc, const char *token);
void soap_cancel(struct buf *b, struct vs_moref pc, const char *token);

#endif
