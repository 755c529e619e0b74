/* static_noiconv: the static binary's iconv, which converts nothing.
 *
 * glibc's iconv_open in a static binary dlopens the gconv modules of the host
 * it runs on (issue 12: SIGFPE on another glibc, U+FFFD in an empty root).
 * vmtriage converts .vmx text itself (src/parse/vmx/codepage.c); libarchive's
 * archive_string.c and libstdc++ still reference iconv_open. `make static`
 * links with -Wl,--wrap=iconv_open (and iconv, iconv_close), so those
 * references land here and glibc's iconv and gconv loader are never linked
 * in (tools/check-static.sh checks it). These fail as for an unknown charset
 * (EINVAL), and libarchive falls back to its built-in UTF-8/UTF-16 handling.
 * Only in the static build: the dynamic one has its system's iconv. */
#include <errno.h>
#include <iconv.h>
#include <stddef.h>

iconv_t __wrap_iconv_open(const char *to, const char *from);
size_t __wrap_iconv(iconv_t cd, char **in, size_t *inleft, char **out, size_t *outleft);
int __wrap_iconv_close(iconv_t cd);

iconv_t
__wrap_iconv_open(const char *to, const char *from)
{
    (void)to;
    (void)from;
    errno = EINVAL;
    return (iconv_t)-1;
}

size_t
__wrap_iconv(iconv_t cd, char **in, size_t *inleft, char **out, size_t *outleft)
{
    (void)cd, (void)in, (void)inleft, (void)out, (void)outleft;
    errno = EBADF;
    return (size_t)-1;
}

int
__wrap_iconv_close(iconv_t cd)
{
    (void)cd;
    errno = EBADF;
    return -1;
}
