/* lazy_lib: dlopen a library by SONAME on first use and resolve the symbols
 * its shim forwards to (see lazy_lib.h for why; dynamic build only). */
#include "util/lazy_lib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static _Noreturn void
fail(const char *soname, const char *why, const char *what)
{
    fflush(stdout);
    fprintf(stderr, "vmtriage: cannot load %s, needed %s: %s\n", soname, why,
            what ? what : "unknown error");
    exit(3);
}

void
lazy_lib_load(const char *soname, const char *why, const struct lazy_sym *syms, size_t n)
{
    /* RTLD_LOCAL: nothing else in the process binds to these symbols; a
     * library another one already loaded (libssl under libcurl) is the same
     * copy, so pointers handed between them (an SSL_CTX) stay valid. */
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        fail(soname, why, dlerror());
    for (size_t i = 0; i < n; i++) {
        dlerror();
        void *p = dlsym(h, syms[i].name);
        if (p == NULL) {
            const char *e = dlerror();
            fail(soname, why, e ? e : syms[i].name);
        }
        *syms[i].slot = p;
    }
    /* Never dlclosed: the pointers are used until exit. */
}
