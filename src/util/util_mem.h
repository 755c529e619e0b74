/* util_mem: allocation that cannot fail silently.
 *
 * Every x* function aborts the program with a message on out-of-memory or on
 * a size overflow, so callers carry no OOM branches (tmux xmalloc.c). Memory
 * returned is owned by the caller and released with free(). */
#ifndef VT_UTIL_MEM_H
#define VT_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow an array: makes room for at least `want` elements of `size` bytes in
 * *ptr whose capacity is *cap, doubling. */
void xgrow(void **ptr, size_t *cap, size_t want, size_t size);
/* xgrow, with the check that there is room already inline: arrays grow in
 * hot loops. */
static inline void
xgrow_to(void **ptr, size_t *cap, size_t want, size_t size)
{
    if (want > *cap)
        xgrow(ptr, cap, want, size);
}
#define XGROW(arr, cap, want) xgrow_to((void **)&(arr), &(cap), (want), sizeof(*(arr)))

/* Broken invariant: print file:line and abort (git BUG()). */
#define VT_BUG(...) vt_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void vt_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Start-up: on a virtual machine, faulting the first few hundred KB of heap
 * in page by page (each fault leaves the guest) costs more than the work
 * they are for. This grows the heap by `bytes` at once and
 * populates it in one call (Linux 5.14+; elsewhere, or under a sanitizer,
 * it does nothing). Call it once, before the allocations it is for. */
void mem_prefault_heap(size_t bytes);

#endif
