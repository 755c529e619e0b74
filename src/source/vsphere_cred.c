/* vsphere_cred: credentials for the vSphere client (see vsphere_cred.h). */
#include "source/vsphere_cred.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define CRED_MAX_BYTES 4096

static void
wipe(char *s)
{
    if (s)
        explicit_bzero(s, strlen(s));
}

void
vs_cred_release(struct vs_cred *c)
{
    wipe(c->password);
    free(c->password);
    free(c->user);
    c->user = c->password = NULL;
}

static char *
trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return xstrndup(s, n);
}

static int
from_file(const char *file, struct vs_cred *c, char *err, size_t errlen)
{
    int fd = open(file, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot read credentials file '%s': %s", file, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
        snprintf(err, errlen,
                 "credentials file '%s' must be a file of yours that only you can read "
                 "(mode 0600, it is %04o); not read",
                 file, (unsigned)(st.st_mode & 07777));
        close(fd);
        return -1;
    }
    char data[CRED_MAX_BYTES + 1];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(data) - 1 && (n = read(fd, data + len, sizeof(data) - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    data[len] = '\0';
    if (len >= CRED_MAX_BYTES) {
        explicit_bzero(data, sizeof(data));
        snprintf(err, errlen, "credentials file '%s': larger than %d bytes", file,
                 CRED_MAX_BYTES);
        return -1;
    }
    unsigned long lineno = 0;
    for (char *p = data, *end; *p; p = *end ? end + 1 : end) {
        end = p + strcspn(p, "\n");
        lineno++;
        size_t l = (size_t)(end - p);
        if (l == 0 || p[0] == '#' || strspn(p, " \t\r") == l)
            continue;
        char *eq = memchr(p, '=', l);
        size_t kl = eq ? (size_t)(eq - p) : 0;
        char **dst = NULL;
        if (eq && ((kl == 4 && !strncmp(p, "user", 4)) || (kl == 8 && !strncmp(p, "username", 8))))
            dst = &c->user;
        else if (eq && kl == 8 && !strncmp(p, "password", 8))
            dst = &c->password;
        if (dst == NULL) {
            explicit_bzero(data, sizeof(data));
            vs_cred_release(c);
            snprintf(err, errlen,
                     "credentials file '%s':%lu: expected user=NAME or password=SECRET", file,
                     lineno);
            return -1;
        }
        if (*dst) {
            wipe(*dst);
            free(*dst);
        }
        *dst = trimmed(eq + 1, l - kl - 1);
    }
    explicit_bzero(data, sizeof(data));
    if (c->user == NULL || c->password == NULL || !*c->user) {
        vs_cred_release(c);
        snprintf(err, errlen, "credentials file '%s': needs a user=NAME and a password=SECRET line",
                 file);
        return -1;
    }
    return 0;
}

/* Reads one line from the terminal `fd` after `prompt`; no echo when asked. */
static char *
prompt_line(int fd, const char *prompt, int echo)
{
    struct termios old, quiet;
    bool restore = false;
    if (write(fd, prompt, strlen(prompt)) < 0)
        return NULL;
    if (!echo && tcgetattr(fd, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    char line[1024];
    size_t len = 0;
    char ch;
    ssize_t n;
    while ((n = read(fd, &ch, 1)) == 1 && ch != '\n')
        if (len < sizeof(line) - 1)
            line[len++] = ch;
    if (restore)
        tcsetattr(fd, TCSAFLUSH, &old);
    char *s = n < 0 ? NULL : trimmed(line, len);
    explicit_bzero(line, sizeof(line));
    return s;
}

int
vs_cred_get(const char *file, struct vs_cred *c, char *err, size_t errlen)
{
    *c = (struct vs_cred){0};
    if (file)
        return from_file(file, c, err, errlen);
    const char *u = getenv("VMTRIAGE_USER"), *p = getenv("VMTRIAGE_PASSWORD");
    if (u && *u)
        c->user = xstrdup(u);
    if (p && *p)
        c->password = xstrdup(p);
    if (c->user && c->password)
        return 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || !isatty(fd)) {
        if (fd >= 0)
            close(fd);
        vs_cred_release(c);
        snprintf(err, errlen, "no credentials: set VMTRIAGE_USER and VMTRIAGE_PASSWORD, or give "
                              "--cred-file FILE (mode 0600), or run on a terminal to be asked");
        return -1;
    }
    if (c->user == NULL)
        c->user = prompt_line(fd, "vCenter user: ", 1);
    if (c->user && c->password == NULL)
        c->password = prompt_line(fd, "password: ", 0);
    close(fd);
    if (c->user == NULL || c->password == NULL || !*c->user) {
        vs_cred_release(c);
        snprintf(err, errlen, "no credentials given");
        return -1;
    }
    return 0;
}
