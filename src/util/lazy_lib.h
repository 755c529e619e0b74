/* lazy_lib: the dynamic build loads libcurl, libxml2, OpenSSL and libarchive
 * on first use instead of at start-up (issue 20: linked, they cost every
 * call of vmtriage ~17 ms and ~500 page faults, even `psod` of one screen).
 *
 * Each library has a shim (lazy_curl.c, lazy_xml.c, lazy_ssl.c,
 * lazy_archive.c) that defines the functions vmtriage calls with the
 * library's own prototypes, so call sites are unchanged; on the first call
 * of any of them the shim runs lazy_lib_load once (pthread_once), which
 * dlopens the library by its SONAME and resolves every symbol the shim
 * forwards to. The shims are compiled only in the dynamic build: `make
 * static` links the libraries in and never loads anything (t-static.sh).
 *
 * Errors: a library or symbol that cannot be loaded is not an input problem
 * and there is no way to go on, so lazy_lib_load prints one line naming the
 * library and dlerror()'s reason on stderr and exits with status 3; it never
 * returns without every slot filled. */
#ifndef VT_LAZY_LIB_H
#define VT_LAZY_LIB_H

#include <stddef.h>

struct lazy_sym {
    const char *name;
    void **slot; /* where the address goes: a function pointer, cast */
};

/* Loads `soname` (`why`: what it is needed for, "to read ..." or
 * "for ...", for the error line) and
 * fills every slot of syms[0..n). Call it from a pthread_once routine. */
void lazy_lib_load(const char *soname, const char *why, const struct lazy_sym *syms, size_t n);

/* LAZY_SYM(ptr, name): one table entry, `ptr` a function pointer object. */
#define LAZY_SYM(ptr, name)                                                                        \
    {                                                                                              \
        name, (void **)&(ptr)                                                                      \
    }

#endif
