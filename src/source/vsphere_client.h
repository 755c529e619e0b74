/* vsphere_client: one conversation with a vCenter or ESXi host over the
 * vSphere Web Services API: RetrieveServiceContent (every moref is read
 * from it), Login, property collection over ContainerViews with paging
 * (RetrievePropertiesEx with maxObjects, then ContinueRetrievePropertiesEx
 * with each token until none comes), DestroyView, Logout.
 *
 * Objects reach the caller one at a time through a callback, while the
 * response is still arriving (vsphere_xml.h). Errors are one line in the
 * caller's buffer; credentials are never in it. Built only with the vSphere
 * client (VT_VSPHERE). */
#ifndef VT_VSPHERE_CLIENT_H
#define VT_VSPHERE_CLIENT_H

#include "source/vsphere_http.h"
#include "source/vsphere_soap.h"
#include "source/vsphere_xml.h"

#include <stdbool.h>
#include <stddef.h>

struct vs_client;

/* Opens the HTTPS session and reads the service content (no login yet).
 * Returns NULL with err set. */
struct vs_client *vs_client_open(const struct vs_http_opts *o, char *err, size_t errlen);
/* About the server: "fullName", "apiType", "apiVersion", "version", "build". */
const char *vs_client_about(const struct vs_client *c, const char *field);
/* Logs in. Returns 0, or -1 with err ("login failed: ..."). */
int vs_client_login(struct vs_client *c, const char *user, const char *password, char *err,
                    size_t errlen);
/* Every object of `types` under the root folder, with the properties of
 * `ps`, handed to fn in pages of `page` objects (0: the server's choice).
 * Returns 0, or -1 with err (the view is destroyed either way). */
int vs_client_collect(struct vs_client *c, const char *const *types, size_t ntypes,
                      const struct vs_propset *ps, size_t nps, int page, vs_object_fn fn,
                      void *arg, char *err, size_t errlen);
/* Requests made, pages read (ContinueRetrievePropertiesEx calls + 1 each). */
size_t vs_client_pages(const struct vs_client *c);
/* Logs out when logged in (also after an interrupt: no longer interruptible,
 * a short timeout) and frees everything. */
void vs_client_close(struct vs_client *c);

#endif
