/* fix_safe: backups, atomic replaces, the journal and the running-VM checks
 * of `vmtriage fix --apply` / `--undo` (see fix_safe.h for the contracts).
 *
 * Order of a replace, so that a crash or kill -9 at any point leaves the
 * .vmx either the old file or the new one, and a journal --undo reads:
 * backup written and fsynced; new text in a temporary file beside the .vmx,
 * fsynced; the journal says "pending" (before/after hashes, backup), written
 * atomically; the .vmx is re-read and must still hash as when it was read;
 * rename over it; fsync the folder; the journal says "done". */
#include "cmd/fix_safe.h"
#include "rules/log_scan.h"
#include "source/walk.h"
#include "util/util_mem.h"
#include "util/util_text.h"

#include <nettle/sha2.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
seterr(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
seterr(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ERR_MAX, fmt, ap);
    va_end(ap);
}

void
sha256_hex(const void *data, size_t len, char out[SHA_HEX])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof(d), d);
    for (size_t i = 0; i < sizeof(d); i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int
fail_at(const char *step, char *err)
{
    const char *ms = getenv("VMTRIAGE_STEP_DELAY_MS");
    if (ms && *ms) {
        long n = strtol(ms, NULL, 10);
        if (n > 0 && n < 60000) {
            struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    const char *f = getenv("VMTRIAGE_FAIL_AT");
    if (f && strcmp(f, step) == 0) {
        seterr(err, "%s failed (VMTRIAGE_FAIL_AT=%s, a test hook)", step, step);
        return -1;
    }
    return 0;
}

int
safe_read(const char *path, size_t max, char **data, size_t *len, struct stat *st, char *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 && errno == ELOOP) /* a symbolic link: read what it names */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        seterr(err, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        seterr(err, "not a regular file");
        close(fd);
        return -1;
    }
    if ((size_t)st->st_size > max) {
        seterr(err, "file is %lld bytes; a VMware config is at most %zu", (long long)st->st_size,
               max);
        close(fd);
        return -1;
    }
    int rc = read_fd_whole(fd, (size_t)st->st_size, max, data, len);
    if (rc == -1)
        seterr(err, "cannot read: %s", strerror(errno));
    else if (rc == -2)
        seterr(err, "file grew past %zu bytes while being read", max);
    close(fd);
    return rc == 0 ? 0 : -1;
}

static int
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int
fsync_dir(const char *path, char *err)
{
    char *dir = log_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (fd < 0 || fsync(fd) != 0) {
        /* Some file systems (and ESXi's VMFS through its shell) refuse an
         * fsync of a folder: EINVAL says "not supported", not "failed". */
        if (!(fd >= 0 && (errno == EINVAL || errno == ENOTSUP))) {
            seterr(err, "cannot fsync the folder %s: %s", dir, strerror(errno));
            rc = -1;
        }
    }
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

/* Gives the new file the mode and owner of `st`. */
static int
copy_mode_owner(int fd, const struct stat *st, char *err)
{
    if (fchown(fd, st->st_uid, st->st_gid) != 0 &&
        !(errno == EPERM && st->st_uid == geteuid() && st->st_gid == getegid())) {
        seterr(err, "cannot give the new file the owner %lu:%lu: %s", (unsigned long)st->st_uid,
               (unsigned long)st->st_gid, strerror(errno));
        return -1;
    }
    if (fchmod(fd, st->st_mode & 07777) != 0) {
        seterr(err, "cannot give the new file the mode %04o: %s", (unsigned)(st->st_mode & 07777),
               strerror(errno));
        return -1;
    }
    return 0;
}

static void
utc_stamp(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y%m%dT%H%M%S", &tm);
}

/* Creates `base` (or base-2, base-3, ...) exclusively; returns the fd and
 * sets *name (owned), or -1 with err set. */
static int
create_unique(const char *base, char **name, char *err)
{
    for (int i = 1; i < 1000; i++) {
        char *n = i == 1 ? xstrdup(base) : xasprintf("%s-%d", base, i);
        int fd = open(n, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            *name = n;
            return fd;
        }
        int e = errno;
        free(n);
        if (e != EEXIST) {
            seterr(err, "cannot create %s: %s", base, strerror(e));
            return -1;
        }
    }
    seterr(err, "cannot create %s: 999 names taken", base);
    return -1;
}

char *
backup_write(const char *path, const struct stat *st, const char *old, size_t len, char *err)
{
    char stamp[32];
    utc_stamp(stamp);
    char *base = xasprintf("%s.vmtriage-%s", path, stamp), *name = NULL;
    int fd = fail_at("backup", err) == 0 ? create_unique(base, &name, err) : -1;
    free(base);
    if (fd < 0)
        return NULL;
    int rc = write_all(fd, old, len);
    if (rc != 0)
        seterr(err, "cannot write the backup %s: %s", name, strerror(errno));
    if (rc == 0)
        rc = copy_mode_owner(fd, st, err);
    if (rc == 0 && fsync(fd) != 0) {
        seterr(err, "cannot fsync the backup %s: %s", name, strerror(errno));
        rc = -1;
    }
    if (close(fd) != 0 && rc == 0) {
        seterr(err, "cannot write the backup %s: %s", name, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        rc = fsync_dir(name, err);
    if (rc != 0) {
        unlink(name);
        free(name);
        return NULL;
    }
    return name;
}

int
replace_prepare(struct replace *r, const char *path, const struct stat *st, const char *data,
                size_t len, char *err)
{
    r->path = xstrdup(path);
    r->tmp = NULL;
    char *base = xasprintf("%s.vmtriage-tmp-%ld", path, (long)getpid());
    int fd = create_unique(base, &r->tmp, err);
    free(base);
    if (fd < 0)
        return -1;
    int rc = 0;
    if (fail_at("write", err) != 0) {
        (void)write_all(fd, data, len / 2); /* a torn write, as a full disk leaves it */
        rc = -1;
    } else if (write_all(fd, data, len) != 0) {
        seterr(err, "cannot write %s: %s", r->tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        rc = copy_mode_owner(fd, st, err);
    if (rc == 0 && fail_at("fsync", err) != 0)
        rc = -1;
    if (rc == 0 && fsync(fd) != 0) {
        seterr(err, "cannot fsync %s: %s", r->tmp, strerror(errno));
        rc = -1;
    }
    if (close(fd) != 0 && rc == 0) {
        seterr(err, "cannot write %s: %s", r->tmp, strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        unlink(r->tmp);
        free(r->tmp);
        r->tmp = NULL;
    }
    return rc;
}

int
replace_commit(struct replace *r, const char *expect, char *err)
{
    char *data = NULL, e2[ERR_MAX];
    size_t len;
    struct stat st;
    if (fail_at("recheck", err) != 0)
        goto undo;
    if (safe_read(r->path, (size_t)1 << 30, &data, &len, &st, e2) != 0) {
        seterr(err, "cannot read it again before replacing it: %s", e2);
        goto undo;
    }
    char h[SHA_HEX];
    sha256_hex(data, len, h);
    free(data);
    if (strcmp(h, expect) != 0) {
        seterr(err, "it changed while vmtriage was working on it (its SHA-256 is no longer the one "
                    "read): not replaced");
        goto undo;
    }
    if (fail_at("rename", err) != 0)
        goto undo;
    if (rename(r->tmp, r->path) != 0) {
        seterr(err, "cannot rename %s over it: %s", r->tmp, strerror(errno));
        goto undo;
    }
    free(r->tmp);
    r->tmp = NULL;
    if (fail_at("dirfsync", err) != 0 || fsync_dir(r->path, err) != 0)
        return -2;
    return 0;
undo:
    unlink(r->tmp);
    free(r->tmp);
    r->tmp = NULL;
    return -1;
}

void
replace_release(struct replace *r)
{
    if (r->tmp)
        unlink(r->tmp);
    free(r->tmp);
    free(r->path);
    r->tmp = r->path = NULL;
}

/* ---- running VM ---- */

const char *
vim_cmd_path(void)
{
    const char *e = getenv("VMTRIAGE_VIM_CMD");
    if (e && *e)
        return e;
    return access("/bin/vim-cmd", X_OK) == 0 ? "/bin/vim-cmd" : NULL;
}

/* Runs vim-cmd with two arguments (no shell); its stdout (at most 1 MiB)
 * into *out (owned). Returns the exit status, or -1 with err set. */
static int
vim_run(const char *a1, const char *a2, char **out, char *err)
{
    const char *vim = vim_cmd_path();
    *out = NULL;
    if (vim == NULL) {
        seterr(err, "vim-cmd is not here (not an ESXi shell)");
        return -1;
    }
    int p[2];
    if (pipe(p) != 0) {
        seterr(err, "cannot run %s: %s", vim, strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        seterr(err, "cannot run %s: %s", vim, strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        execl(vim, vim, a1, a2, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t cap = 4096, n = 0;
    char *b = xmalloc(cap + 1);
    for (;;) {
        if (n == cap && cap < (1u << 20)) {
            cap *= 2;
            b = xreallocarray(b, cap + 1, 1);
        }
        ssize_t r = n < cap ? read(p[0], b + n, cap - n) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(p[0]);
    b[n] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    *out = b;
    if (!WIFEXITED(status)) {
        seterr(err, "%s %s %s did not exit normally", vim, a1, a2 ? a2 : "");
        return -1;
    }
    if (WEXITSTATUS(status) == 127) {
        seterr(err, "cannot run %s", vim);
        return -1;
    }
    return WEXITSTATUS(status);
}

/* Whether the datastore path `ds_rel` ("[ds] folder/vm.vmx") names `path`:
 * the same file as /vmfs/volumes/ds/folder/vm.vmx, or `path` ends with
 * /ds/folder/vm.vmx. */
static bool
same_vmx(const char *ds, size_t dslen, const char *rel, size_t rlen, const char *path)
{
    char *abs = xasprintf("/vmfs/volumes/%.*s/%.*s", (int)dslen, ds, (int)rlen, rel);
    struct stat a, b;
    bool same = stat(abs, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
                a.st_ino == b.st_ino;
    free(abs);
    if (same)
        return true;
    char *tail = xasprintf("/%.*s/%.*s", (int)dslen, ds, (int)rlen, rel);
    size_t tl = strlen(tail), pl = strlen(path);
    same = pl >= tl && strcmp(path + pl - tl, tail) == 0;
    free(tail);
    return same;
}

/* The VM id of `path` in `vim-cmd vmsvc/getallvms` output (lines "Vmid Name
 * File Guest OS Version Annotation", File as "[datastore] folder/vm.vmx"),
 * or -1. */
static long
find_vmid(const char *list, const char *path)
{
    char full[4096];
    if (realpath(path, full) == NULL)
        snprintf(full, sizeof(full), "%s", path);
    for (const char *l = list; *l;) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        if (isdigit((unsigned char)*l)) {
            long id = strtol(l, NULL, 10);
            for (const char *b = l; (b = memchr(b, '[', len - (size_t)(b - l))) != NULL; b++) {
                const char *e = memchr(b, ']', len - (size_t)(b - l));
                if (e == NULL || e + 2 > l + len || e[1] != ' ')
                    continue;
                const char *rel = e + 2, *r = rel;
                /* The file ends at ".vmx" followed by a blank or the line end. */
                while (r + 4 <= l + len) {
                    if (strncasecmp(r, ".vmx", 4) == 0 &&
                        (r + 4 == l + len || r[4] == ' ' || r[4] == '\t' || r[4] == '\r'))
                        break;
                    r++;
                }
                if (r + 4 > l + len)
                    continue;
                if (same_vmx(b + 1, (size_t)(e - b - 1), rel, (size_t)(r + 4 - rel), full))
                    return id;
            }
        }
        l += len + (eol != NULL);
    }
    return -1;
}

/* The last `n` bytes of a file (owned, NUL-terminated), or NULL. */
static char *
tail_of(const char *path, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *b = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t from = st.st_size > (off_t)n ? st.st_size - (off_t)n : 0;
        b = xmalloc(n + 1);
        ssize_t r = pread(fd, b, n, from);
        b[r > 0 ? r : 0] = '\0';
        for (ssize_t i = 0; i < r; i++)
            if (b[i] == '\0')
                b[i] = ' ';
    }
    close(fd);
    return b;
}

/* A vmware.log written this recently without the VMX's last line counts as
 * a running VM's. */
#define LOG_RECENT_S 120

bool
vm_running(const char *path, char *why, size_t whylen, long *vmid)
{
    *vmid = -1;
    struct stat st;
    char *lck = xasprintf("%s.lck", path);
    bool on = lstat(lck, &st) == 0;
    if (on)
        snprintf(why, whylen, "its lock %s is present (a powered-on VM holds it)", lck);
    free(lck);
    char *dir = log_dirname(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    DIR *d = on ? NULL : opendir(dir);
    for (struct dirent *de; d && !on && (de = readdir(d)) != NULL;) {
        size_t nl = strlen(de->d_name), bl = strlen(base);
        if (strncmp(de->d_name, ".lck-", 5) == 0) {
            on = true;
            snprintf(why, whylen,
                     "the NFS lock file %s/%s is in its folder (ESXi keeps one per file a "
                     "powered-on VM has open on NFS)",
                     dir, de->d_name);
        } else if (nl == bl + 4 && strncasecmp(de->d_name, base, bl) == 0 &&
                   strcasecmp(de->d_name + bl, ".lck") == 0) {
            on = true;
            snprintf(why, whylen, "its lock %s/%s is present (a powered-on VM holds it)", dir,
                     de->d_name);
        }
    }
    if (d)
        closedir(d);
    if (!on) {
        char *log = xasprintf("%s/vmware.log", dir);
        time_t now = time(NULL);
        if (stat(log, &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime < LOG_RECENT_S &&
            now - st.st_mtime > -LOG_RECENT_S) {
            char *t = tail_of(log, 4096);
            if (t && strstr(t, "VMX exit") == NULL) {
                on = true;
                snprintf(why, whylen,
                         "%s was written %lds ago and does not end with the VMX's exit line "
                         "(\"VMX exit\")",
                         log, (long)(now - st.st_mtime));
            }
            free(t);
        }
        free(log);
    }
    free(dir);
    if (vim_cmd_path()) {
        char *out = NULL, err[ERR_MAX];
        if (vim_run("vmsvc/getallvms", NULL, &out, err) == 0)
            *vmid = find_vmid(out, path);
        free(out);
        if (!on && *vmid >= 0) {
            char id[32];
            snprintf(id, sizeof(id), "%ld", *vmid);
            if (vim_run("vmsvc/power.getstate", id, &out, err) == 0 && out &&
                (strstr(out, "Powered on") || strstr(out, "Suspended"))) {
                on = true;
                snprintf(why, whylen, "vim-cmd vmsvc/power.getstate %ld says \"%s\"", *vmid,
                         strstr(out, "Powered on") ? "Powered on" : "Suspended");
            }
            free(out);
        }
    }
    return on;
}

int
vim_reload(long vmid, char *err)
{
    char id[32], *out = NULL;
    snprintf(id, sizeof(id), "%ld", vmid);
    int rc = vim_run("vmsvc/reload", id, &out, err);
    free(out);
    return rc;
}

/* ---- journal ---- */

#define JOURNAL_MAGIC "vmtriage-fix-journal 1"

static const char *const jstate_names[] = {"pending", "done", "failed"};

/* Paths are written with bytes outside '!'..'~' and '%' as %XX. */
static void
put_path(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f || *p == '%')
            fprintf(f, "%%%02X", *p);
        else
            fputc(*p, f);
    }
}

static char *
get_path(const char *s, size_t len)
{
    char *out = xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            out[o++] = s[i];
            continue;
        }
        if (i + 2 >= len) {
            free(out);
            return NULL;
        }
        int a = hexval((unsigned char)s[i + 1]), b = hexval((unsigned char)s[i + 2]);
        if (a < 0 || b < 0) {
            free(out);
            return NULL;
        }
        out[o++] = (char)(a * 16 + b);
        i += 2;
    }
    out[o] = '\0';
    if (memchr(out, '\0', o) != NULL || o == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The journal's text (without its checksum line). */
static char *
journal_text(const struct journal *j, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (f == NULL)
        return NULL;
    fprintf(f, "# vmtriage fix journal: restore with `vmtriage fix --undo THIS-FILE`\n");
    fprintf(f, "%s\n", JOURNAL_MAGIC);
    for (size_t i = 0; i < j->n; i++) {
        const struct jrec *r = &j->v[i];
        fprintf(f, "file %s %s %s ", jstate_names[r->state], r->before, r->after);
        put_path(f, r->path);
        fputc(' ', f);
        put_path(f, r->backup);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Writes the journal's text and checksum line to `fd` and fsyncs it. */
static int
journal_put(const struct journal *j, int fd, const char *name, char *err)
{
    size_t len;
    char *text = journal_text(j, &len);
    if (text == NULL) {
        seterr(err, "cannot write the journal %s: out of memory", name);
        return -1;
    }
    char h[SHA_HEX], tail[80];
    sha256_hex(text, len, h);
    int tl = snprintf(tail, sizeof(tail), "end %s\n", h), rc = 0;
    if (write_all(fd, text, len) != 0 || write_all(fd, tail, (size_t)tl) != 0 || fsync(fd) != 0) {
        seterr(err, "cannot write the journal %s: %s", name, strerror(errno));
        rc = -1;
    }
    free(text);
    return rc;
}

/* Writes the journal whole to the new file `tmp` (mode 0600); `verb` says
 * what failed when it cannot be opened ("write", "create"). */
static int
journal_to_tmp(struct journal *j, const char *tmp, const char *verb, char *err)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        seterr(err, "cannot %s the journal %s: %s", verb, tmp, strerror(errno));
        return -1;
    }
    int rc = journal_put(j, fd, tmp, err);
    if (close(fd) != 0 && rc == 0) {
        seterr(err, "cannot write the journal %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    return rc;
}

int
journal_write(struct journal *j, char *err)
{
    char *tmp = xasprintf("%s.tmp-%ld", j->path, (long)getpid());
    int rc = fail_at("journal", err);
    if (rc == 0)
        rc = journal_to_tmp(j, tmp, "write", err);
    if (rc == 0 && rename(tmp, j->path) != 0) {
        seterr(err, "cannot write the journal %s: %s", j->path, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        rc = fsync_dir(j->path, err);
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int
journal_create(struct journal *j, char *err)
{
    char stamp[32];
    utc_stamp(stamp);
    /* Written whole to a temporary name, then linked to a name not yet
     * taken (link fails on an existing name): a kill leaves no journal or
     * a complete, empty one, never a half-written one. */
    char *base = xasprintf("vmtriage-fix-%s.journal", stamp);
    char *tmp = xasprintf("%s.tmp-%ld", base, (long)getpid());
    int rc = journal_to_tmp(j, tmp, "create", err);
    for (int i = 1; rc == 0 && j->path == NULL; i++) {
        char *n = i == 1 ? xstrdup(base) : xasprintf("vmtriage-fix-%s-%d.journal", stamp, i);
        if (link(tmp, n) == 0) {
            j->path = n;
        } else {
            free(n);
            if (errno != EEXIST || i >= 999) {
                seterr(err, "cannot create the journal %s: %s", base, strerror(errno));
                rc = -1;
            }
        }
    }
    unlink(tmp);
    free(tmp);
    free(base);
    if (rc == 0)
        rc = fsync_dir(j->path, err);
    if (rc != 0) {
        if (j->path)
            unlink(j->path);
        free(j->path);
        j->path = NULL;
        return -1;
    }
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)) != NULL) {
        char *abs = xasprintf("%s/%s", cwd, j->path);
        free(j->path);
        j->path = abs;
    }
    return 0;
}

static bool
is_hash(const char *s, size_t len)
{
    if (len != 64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

int
journal_read(struct journal *j, const char *path, char *err)
{
    char *data, e2[ERR_MAX];
    size_t len;
    struct stat st;
    j->path = xstrdup(path);
    if (safe_read(path, 16u << 20, &data, &len, &st, e2) != 0) {
        seterr(err, "%s: %s", path, e2);
        return -1;
    }
    int rc = -1;
    /* The checksum line closes the file: "end <sha256 of all before it>". */
    size_t end_at = len;
    if (len > 0 && data[len - 1] == '\n') {
        end_at = len - 1;
        while (end_at > 0 && data[end_at - 1] != '\n')
            end_at--;
    }
    char h[SHA_HEX];
    sha256_hex(data, end_at, h);
    if (end_at == len || len - end_at != 4 + 64 + 1 || strncmp(data + end_at, "end ", 4) != 0 ||
        !is_hash(data + end_at + 4, 64)) {
        seterr(err, "%s: not a complete vmtriage journal (its last line is not 'end <SHA-256>')",
               path);
        goto out;
    }
    if (strncmp(data + end_at + 4, h, 64) != 0) {
        seterr(err,
               "%s: the journal was changed since vmtriage wrote it (its checksum line does not "
               "match); nothing restored",
               path);
        goto out;
    }
    unsigned long line = 0;
    bool magic = false;
    for (size_t pos = 0; pos < end_at;) {
        const char *l = data + pos, *nl = memchr(l, '\n', end_at - pos);
        size_t ll = (size_t)(nl - l);
        pos += ll + 1;
        line++;
        if (ll == 0 || l[0] == '#')
            continue;
        if (!magic) {
            if (ll != strlen(JOURNAL_MAGIC) || strncmp(l, JOURNAL_MAGIC, ll) != 0) {
                seterr(err, "%s:%lu: not a vmtriage journal (expected '%s')", path, line,
                       JOURNAL_MAGIC);
                goto out;
            }
            magic = true;
            continue;
        }
        /* file STATE BEFORE AFTER PATH BACKUP */
        const char *f[6];
        size_t fl[6], nf = 0;
        for (size_t i = 0; i < ll && nf < 6;) {
            size_t s = i;
            while (i < ll && l[i] != ' ')
                i++;
            f[nf] = l + s;
            fl[nf++] = i - s;
            i++;
        }
        struct jrec r = {.line = line};
        int st_i = -1;
        for (int k = 0; k < 3; k++)
            if (nf == 6 && fl[1] == strlen(jstate_names[k]) &&
                strncmp(f[1], jstate_names[k], fl[1]) == 0)
                st_i = k;
        if (nf != 6 || fl[0] != 4 || strncmp(f[0], "file", 4) != 0 || st_i < 0 ||
            !is_hash(f[2], fl[2]) || !is_hash(f[3], fl[3]) ||
            f[5] + fl[5] != l + ll || (r.path = get_path(f[4], fl[4])) == NULL ||
            (r.backup = get_path(f[5], fl[5])) == NULL) {
            free(r.path);
            seterr(err, "%s:%lu: not a journal line ('file STATE BEFORE AFTER PATH BACKUP')",
                   path, line);
            goto out;
        }
        r.state = (enum jstate)st_i;
        memcpy(r.before, f[2], 64);
        r.before[64] = '\0';
        memcpy(r.after, f[3], 64);
        r.after[64] = '\0';
        XGROW(j->v, j->cap, j->n + 1);
        j->v[j->n++] = r;
    }
    if (!magic) {
        seterr(err, "%s: not a vmtriage journal (no '%s' line)", path, JOURNAL_MAGIC);
        goto out;
    }
    rc = 0;
out:
    free(data);
    return rc;
}

void
journal_release(struct journal *j)
{
    for (size_t i = 0; i < j->n; i++) {
        free(j->v[i].path);
        free(j->v[i].backup);
    }
    free(j->v);
    free(j->path);
    memset(j, 0, sizeof(*j));
}
