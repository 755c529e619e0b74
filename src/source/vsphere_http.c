/* vsphere_http: libcurl for the vSphere client (see vsphere_http.h). The
 * certificate pin is an OpenSSL verify callback on the TLS context, so a
 * wrong certificate fails the handshake before anything is sent. */
#include "source/vsphere_http.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vs_http {
    CURL *curl;
    struct vs_http_opts o;
    bool pin;
    unsigned char want[32]; /* the pinned SHA-256 */
    char seen[100];         /* the thumbprint the server showed, when the pin failed */
    bool pin_failed;
    vs_sink_fn sink;
    void *arg;
    bool sink_stopped;
};

static bool curl_ready;

/* "AB:CD:..." or "abcd..." (64 hex digits) into 32 bytes. */
static bool
parse_thumbprint(const char *s, unsigned char out[32])
{
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ':')
            continue;
        if (!isxdigit((unsigned char)*p) || n == 64)
            return false;
        int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
        if (n % 2 == 0)
            out[n / 2] = (unsigned char)(v << 4);
        else
            out[n / 2] |= (unsigned char)v;
        n++;
    }
    return n == 64;
}

static int
pin_verify(X509_STORE_CTX *store, void *arg)
{
    struct vs_http *h = arg;
    X509 *cert = X509_STORE_CTX_get0_cert(store);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (cert == NULL || !X509_digest(cert, EVP_sha256(), md, &mdlen) || mdlen != 32) {
        h->pin_failed = true;
        return 0;
    }
    if (memcmp(md, h->want, 32) == 0)
        return 1;
    h->pin_failed = true;
    size_t l = 0;
    for (unsigned i = 0; i < 32; i++)
        l += (size_t)snprintf(h->seen + l, sizeof(h->seen) - l, "%s%02X", i ? ":" : "", md[i]);
    return 0;
}

static CURLcode
ssl_ctx_fn(CURL *curl, void *sslctx, void *arg)
{
    (void)curl;
    SSL_CTX_set_cert_verify_callback((SSL_CTX *)sslctx, pin_verify, arg);
    return CURLE_OK;
}

static size_t
write_fn(char *p, size_t size, size_t n, void *arg)
{
    struct vs_http *h = arg;
    if (h->sink(h->arg, p, size * n) != 0) {
        h->sink_stopped = true;
        return 0;
    }
    return size * n;
}

static int
progress_fn(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    struct vs_http *h = arg;
    return h->o.interrupted && *h->o.interrupted;
}

struct vs_http *
vs_http_new(const struct vs_http_opts *o, char *err, size_t errlen)
{
    struct vs_http *h = xcalloc(1, sizeof(*h));
    h->o = *o;
    if (o->thumbprint) {
        if (!parse_thumbprint(o->thumbprint, h->want)) {
            snprintf(err, errlen,
                     "--thumbprint takes the SHA-256 thumbprint of the server's certificate "
                     "(64 hex digits, colons allowed), not '%.80s'",
                     o->thumbprint);
            free(h);
            return NULL;
        }
        h->pin = true;
    }
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    CURL *c = h->curl = curl_easy_init();
    if (c == NULL)
        VT_BUG("curl_easy_init failed");
    curl_easy_setopt(c, CURLOPT_URL, o->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* the in-memory cookie engine */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s);
    /* a peer that stops sending for this long is a truncated response */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->timeout_s);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_fn);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_fn);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "vmtriage");
    if (o->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
    if (o->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (h->pin) {
        /* the pin replaces the CA and name checks: it names the certificate itself */
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_fn);
        curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, h);
    } else {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    return h;
}

enum vs_http_status
vs_http_post(struct vs_http *h, const char *soap_action, const char *body, size_t len,
             vs_sink_fn sink, void *arg, long *code, char *err, size_t errlen)
{
    CURL *c = h->curl;
    char action[128];
    snprintf(action, sizeof(action), "SOAPAction: \"%s\"", soap_action);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: text/xml; charset=utf-8");
    hdr = curl_slist_append(hdr, action);
    hdr = curl_slist_append(hdr, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    h->sink = sink;
    h->arg = arg;
    h->sink_stopped = false;
    h->pin_failed = false;
    CURLcode rc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hdr);
    *code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
    const char *why = cerr[0] ? cerr : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OK:
        return VS_HTTP_OK;
    case CURLE_WRITE_ERROR:
        if (h->sink_stopped) {
            snprintf(err, errlen, "stopped reading the response");
            return VS_HTTP_STOPPED;
        }
        break;
    case CURLE_ABORTED_BY_CALLBACK:
        snprintf(err, errlen, "interrupted");
        return VS_HTTP_STOPPED;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_PROXY:
        snprintf(err, errlen, "cannot reach the server: %s", why);
        return VS_HTTP_UNREACHABLE;
    case CURLE_OPERATION_TIMEDOUT:
        if (*code == 0) {
            snprintf(err, errlen, "cannot reach the server: %s", why);
            return VS_HTTP_UNREACHABLE;
        }
        snprintf(err, errlen, "truncated response: %s", why);
        return VS_HTTP_TRUNCATED;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        if (h->pin_failed && h->seen[0])
            snprintf(err, errlen,
                     "TLS: the server's certificate does not match --thumbprint (its SHA-256 "
                     "thumbprint is %s)",
                     h->seen);
        else if (h->pin_failed)
            snprintf(err, errlen, "TLS: the server's certificate does not match --thumbprint");
        else if (rc == CURLE_PEER_FAILED_VERIFICATION)
            snprintf(err, errlen,
                     "TLS: the server's certificate is not trusted (%s); give its CA with "
                     "--ca-file FILE, pin it with --thumbprint HEX (its SHA-256), or (not recommended) "
                     "--insecure",
                     why);
        else
            snprintf(err, errlen, "TLS failed: %s", why);
        return VS_HTTP_TLS;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2_STREAM:
        snprintf(err, errlen, "truncated response: the connection closed before the body "
                              "ended (%s)",
                 why);
        return VS_HTTP_TRUNCATED;
    default:
        break;
    }
    snprintf(err, errlen, "HTTP request failed: %s", why);
    return VS_HTTP_OTHER;
}

void
vs_http_final(struct vs_http *h)
{
    h->o.interrupted = NULL;
    curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(h->curl, CURLOPT_LOW_SPEED_TIME, 10L);
}

void
vs_http_free(struct vs_http *h)
{
    if (h == NULL)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}
