/* util_mem: abort-on-failure allocation wrappers, shared by every module. */
#include "util/util_mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

static _Noreturn void
out_of_memory(size_t n)
{
    fprintf(stderr, "vmtriage: out of memory allocating %zu bytes\n", n);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory(n * size);
    return p;
}

void *
xreallocarray(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        VT_BUG("size overflow: %zu * %zu", n, size);
    size_t bytes = n * size;
    void *p = realloc(ptr, bytes != 0 ? bytes : 1);
    if (p == NULL)
        out_of_memory(bytes);
    return p;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        VT_BUG("bad format '%s'", fmt);
    char *p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void
xgrow(void **ptr, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < want) {
        if (ncap > SIZE_MAX / 2)
            VT_BUG("capacity overflow");
        ncap *= 2;
    }
    *ptr = xreallocarray(*ptr, ncap, size);
    *cap = ncap;
}

void
vt_bug(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "vmtriage: BUG at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void
mem_prefault_heap(size_t bytes)
{
#if defined(MADV_POPULATE_WRITE) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    if (bytes > INT32_MAX / 4)
        return;
    /* a block this big from the heap (not its own mapping), kept there when
     * freed: the allocations that follow reuse its populated pages */
    if (mallopt(M_TRIM_THRESHOLD, (int)(4 * bytes)) != 1 ||
        mallopt(M_MMAP_THRESHOLD, (int)(2 * bytes)) != 1)
        return;
    char *p = malloc(bytes);
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    if (p != NULL) {
        uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
        uintptr_t b = ((uintptr_t)p + bytes) & ~(page - 1);
        if (b > a)
            (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE); /* best effort */
        free(p);
    }
    (void)mallopt(M_MMAP_THRESHOLD, 128 * 1024); /* glibc's default again */
#else
    (void)bytes;
#endif
}
