/* lazy_curl: libcurl (vmtriage vcenter) loaded on first use in the dynamic
 * build (lazy_lib.h says why). Defines the libcurl functions vmtriage calls,
 * with curl.h's prototypes, forwarding to libcurl.so.4. */
#define CURL_DISABLE_TYPECHECK /* curl.h would make the setopt/getinfo names macros */
#include "util/lazy_lib.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>

typedef void (*any_fn)(void); /* a function pointer argument, passed on as is */

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} f;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
    static const struct lazy_sym syms[] = {
        LAZY_SYM(f.global_init, "curl_global_init"),
        LAZY_SYM(f.easy_init, "curl_easy_init"),
        LAZY_SYM(f.easy_setopt, "curl_easy_setopt"),
        LAZY_SYM(f.easy_perform, "curl_easy_perform"),
        LAZY_SYM(f.easy_cleanup, "curl_easy_cleanup"),
        LAZY_SYM(f.easy_getinfo, "curl_easy_getinfo"),
        LAZY_SYM(f.easy_strerror, "curl_easy_strerror"),
        LAZY_SYM(f.slist_append, "curl_slist_append"),
        LAZY_SYM(f.slist_free_all, "curl_slist_free_all"),
    };
    lazy_lib_load("libcurl.so.4", "for the vSphere client (vcenter)", syms, sizeof syms / sizeof syms[0]);
}

#define LOAD() pthread_once(&once, load)

CURLcode
curl_global_init(long flags)
{
    LOAD();
    return f.global_init(flags);
}

CURL *
curl_easy_init(void)
{
    LOAD();
    return f.easy_init();
}

/* The third argument's type is given by the option's number: curl.h numbers
 * each option from the base of its type class (CURLOPTTYPE_*), and libcurl
 * reads it with va_arg of that type, so it is read and passed on the same way. */
CURLcode
curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
    LOAD();
    va_list ap;
    va_start(ap, option);
    CURLcode rc;
    if (option < CURLOPTTYPE_OBJECTPOINT) {
        long v = va_arg(ap, long);
        rc = f.easy_setopt(curl, option, v);
    } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
        void *v = va_arg(ap, void *);
        rc = f.easy_setopt(curl, option, v);
    } else if (option < CURLOPTTYPE_OFF_T) {
        any_fn v = va_arg(ap, any_fn);
        rc = f.easy_setopt(curl, option, v);
    } else if (option < CURLOPTTYPE_BLOB) {
        curl_off_t v = va_arg(ap, curl_off_t);
        rc = f.easy_setopt(curl, option, v);
    } else if (option < CURLOPTTYPE_BLOB + 10000) {
        struct curl_blob *v = va_arg(ap, struct curl_blob *);
        rc = f.easy_setopt(curl, option, v);
    } else {
        rc = CURLE_UNKNOWN_OPTION; /* what libcurl says of a number it does not know */
    }
    va_end(ap);
    return rc;
}

/* Every CURLINFO type class (string, long, double, slist/ptr, socket,
 * off_t: CURLINFO_TYPEMASK) takes a pointer to where the value goes. */
CURLcode
curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
    LOAD();
    va_list ap;
    va_start(ap, info);
    CURLcode rc;
    switch (info & CURLINFO_TYPEMASK) {
    case CURLINFO_STRING:
    case CURLINFO_LONG:
    case CURLINFO_DOUBLE:
    case CURLINFO_SLIST:
    case CURLINFO_SOCKET:
    case CURLINFO_OFF_T: {
        void *p = va_arg(ap, void *);
        rc = f.easy_getinfo(curl, info, p);
        break;
    }
    default:
        rc = CURLE_UNKNOWN_OPTION;
        break;
    }
    va_end(ap);
    return rc;
}

CURLcode
curl_easy_perform(CURL *curl)
{
    LOAD();
    return f.easy_perform(curl);
}

void
curl_easy_cleanup(CURL *curl)
{
    LOAD();
    f.easy_cleanup(curl);
}

const char *
curl_easy_strerror(CURLcode code)
{
    LOAD();
    return f.easy_strerror(code);
}

struct curl_slist *
curl_slist_append(struct curl_slist *list, const char *data)
{
    LOAD();
    return f.slist_append(list, data);
}

void
curl_slist_free_all(struct curl_slist *list)
{
    LOAD();
    f.slist_free_all(list);
}
