/* vsphere_http: the HTTPS session of the vSphere client (libcurl).
 *
 * One handle for the whole run: the session cookie (vmware_soap_session)
 * lives in its cookie engine, the connection is reused. TLS is verified
 * against the system's CA store by default; --ca-file adds a bundle,
 * --thumbprint pins the server's certificate by the SHA-256 of its DER bytes
 * (what vSphere shows as the thumbprint) instead of the CA check, --insecure
 * checks nothing. Bytes only: the body goes to the caller's sink as it
 * arrives. Built only with the vSphere client (VT_VSPHERE). */
#ifndef VT_VSPHERE_HTTP_H
#define VT_VSPHERE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct vs_http_opts {
    const char *url;        /* https://host[:port]/sdk */
    const char *ca_file;    /* or NULL */
    const char *thumbprint; /* 64 hex digits, colons allowed; or NULL */
    bool insecure;
    long connect_timeout_s; /* to connect */
    long timeout_s;         /* a whole request, at most */
    const volatile int *interrupted; /* a request in flight stops once *interrupted */
};

struct vs_http;

/* Returns the session, or NULL with a message in err (a bad --thumbprint). */
struct vs_http *vs_http_new(const struct vs_http_opts *o, char *err, size_t errlen);

/* Receives the body as it arrives; returns 0, or nonzero to stop the transfer. */
typedef int (*vs_sink_fn)(void *arg, const char *p, size_t n);

enum vs_http_status {
    VS_HTTP_OK,          /* a whole response came (any HTTP status: *code) */
    VS_HTTP_UNREACHABLE, /* no connection: DNS, refused, timed out connecting */
    VS_HTTP_TLS,         /* TLS failed: untrusted certificate, pin mismatch, handshake */
    VS_HTTP_TRUNCATED,   /* the connection closed or stalled before the body ended */
    VS_HTTP_TIMEOUT,     /* the request took longer than timeout_s */
    VS_HTTP_STOPPED,     /* the sink or *interrupted stopped it */
    VS_HTTP_OTHER,
};

/* POSTs one SOAP request (`body`, never logged) to the URL with the SOAP
 * headers; `soap_action` is "urn:vim25/<version>". On VS_HTTP_OK *code is
 * the HTTP status. Otherwise err holds one line saying what failed (no body,
 * no credentials). */
enum vs_http_status vs_http_post(struct vs_http *h, const char *soap_action, const char *body,
                                 size_t len, vs_sink_fn sink, void *arg, long *code, char *err,
                                 size_t errlen);
/* From now on requests ignore *interrupted and take at most 10 s: for the
 * Logout that ends a run, also an interrupted one. */
void vs_http_final(struct vs_http *h);
void vs_http_free(struct vs_http *h);

#endif
