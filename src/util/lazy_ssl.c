/* lazy_ssl: the OpenSSL calls of the vSphere client's certificate pin
 * (libssl.so.3 and libcrypto.so.3), loaded on first use in the dynamic
 * build (lazy_lib.h says why). They run inside libcurl's SSL context
 * callback, so libcurl has already loaded both libraries and dlopen returns
 * that same copy: the SSL_CTX and X509_STORE_CTX it hands us are its own. */
#include "util/lazy_lib.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>

static struct {
    void (*set_cert_verify_callback)(SSL_CTX *, int (*)(X509_STORE_CTX *, void *), void *);
} ssl;

static struct {
    X509 *(*store_ctx_get0_cert)(const X509_STORE_CTX *);
    int (*x509_digest)(const X509 *, const EVP_MD *, unsigned char *, unsigned int *);
    const EVP_MD *(*sha256)(void);
} crypto;

static pthread_once_t ssl_once = PTHREAD_ONCE_INIT, crypto_once = PTHREAD_ONCE_INIT;

static void
load_ssl(void)
{
    static const struct lazy_sym syms[] = {
        LAZY_SYM(ssl.set_cert_verify_callback, "SSL_CTX_set_cert_verify_callback"),
    };
    lazy_lib_load("libssl.so.3", "for the vSphere certificate check", syms, sizeof syms / sizeof syms[0]);
}

static void
load_crypto(void)
{
    static const struct lazy_sym syms[] = {
        LAZY_SYM(crypto.store_ctx_get0_cert, "X509_STORE_CTX_get0_cert"),
        LAZY_SYM(crypto.x509_digest, "X509_digest"),
        LAZY_SYM(crypto.sha256, "EVP_sha256"),
    };
    lazy_lib_load("libcrypto.so.3", "for the vSphere certificate check", syms,
                  sizeof syms / sizeof syms[0]);
}

void
SSL_CTX_set_cert_verify_callback(SSL_CTX *ctx, int (*cb)(X509_STORE_CTX *, void *), void *arg)
{
    pthread_once(&ssl_once, load_ssl);
    ssl.set_cert_verify_callback(ctx, cb, arg);
}

X509 *
X509_STORE_CTX_get0_cert(const X509_STORE_CTX *ctx)
{
    pthread_once(&crypto_once, load_crypto);
    return crypto.store_ctx_get0_cert(ctx);
}

int
X509_digest(const X509 *data, const EVP_MD *type, unsigned char *md, unsigned int *len)
{
    pthread_once(&crypto_once, load_crypto);
    return crypto.x509_digest(data, type, md, len);
}

const EVP_MD *
EVP_sha256(void)
{
    pthread_once(&crypto_once, load_crypto);
    return crypto.sha256();
}
