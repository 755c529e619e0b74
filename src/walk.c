/* walk: the filesystem source of `scan`: a deduplicating folder walk plus a
 * bounded whole-file read. */
#include "walk.h"
#include "util_mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64

struct id {
    dev_t dev;
    ino_t ino;
};

/* Open-addressing set of (device, inode). */
struct idset {
    struct id *v;
    unsigned char *used;
    size_t n, cap;
};

static size_t
id_hash(struct id x, size_t cap)
{
    uint64_t h = (uint64_t)x.ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)x.dev;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Returns true when the id was added, false when it was there already. */
static bool
idset_add(struct idset *s, struct id x)
{
    if ((s->n + 1) * 2 > s->cap) {
        struct idset bigger = {NULL, NULL, 0, s->cap ? s->cap * 2 : 256};
        bigger.v = xcalloc(bigger.cap, sizeof(*bigger.v));
        bigger.used = xcalloc(bigger.cap, 1);
        for (size_t i = 0; i < s->cap; i++)
            if (s->used[i])
                idset_add(&bigger, s->v[i]);
        free(s->v);
        free(s->used);
        *s = bigger;
    }
    for (size_t h = id_hash(x, s->cap);; h = (h + 1) & (s->cap - 1)) {
        if (!s->used[h]) {
            s->used[h] = 1;
            s->v[h] = x;
            s->n++;
            return true;
        }
        if (s->v[h].dev == x.dev && s->v[h].ino == x.ino)
            return false;
    }
}

struct walker {
    struct walk_result *out;
    struct diags *d;
    struct idset seen_files, seen_dirs;
    struct id stack[MAX_DEPTH + 1]; /* folders being walked: a link to one is a loop */
    int depth;
};

static bool
wanted_name(const char *name)
{
    size_t l = strlen(name);
    return (l > 4 && strcasecmp(name + l - 4, ".vmx") == 0) ||
           (l > 5 && strcasecmp(name + l - 5, ".vmtx") == 0);
}

static void
add_path(struct walker *w, const char *path)
{
    XGROW(w->out->paths, w->out->cap, w->out->n + 1);
    w->out->paths[w->out->n++] = xstrdup(path);
}

static void walk_dir(struct walker *w, const char *path, const struct stat *st);

static void
visit(struct walker *w, const char *path, bool named)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        struct stat lst;
        if (errno == ELOOP)
            diags_add(w->d, DIAG_NOTE, path, 0, "symbolic link loop, skipped");
        else if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            diags_add(w->d, DIAG_NOTE, path, 0, "broken symbolic link, skipped");
        else
            diags_add(w->d, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return;
    }
    struct id id = {st.st_dev, st.st_ino};
    if (S_ISDIR(st.st_mode)) {
        for (int i = 0; i < w->depth; i++)
            if (w->stack[i].dev == id.dev && w->stack[i].ino == id.ino) {
                diags_add(w->d, DIAG_NOTE, path, 0,
                          "symbolic link loop (points back to a folder above it), skipped");
                return;
            }
        if (!idset_add(&w->seen_dirs, id)) {
            w->out->aliases++;
            return;
        }
        walk_dir(w, path, &st);
    } else if (S_ISREG(st.st_mode)) {
        if (!named && !wanted_name(path))
            return;
        if (!idset_add(&w->seen_files, id)) {
            w->out->aliases++;
            return;
        }
        add_path(w, path);
    } else if (named) {
        diags_add(w->d, DIAG_ERROR, path, 0, "not a file or folder");
    }
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk_dir(struct walker *w, const char *path, const struct stat *st)
{
    if (w->depth == MAX_DEPTH) {
        diags_add(w->d, DIAG_NOTE, path, 0, "folder nesting deeper than %d, not walked", MAX_DEPTH);
        return;
    }
    DIR *dp = opendir(path);
    if (dp == NULL) {
        diags_add(w->d, DIAG_ERROR, path, 0, "cannot open folder: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int dfd = dirfd(dp);
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        XGROW(names, cap, n + 1);
        bool link = de->d_type == DT_LNK;
        if (de->d_type == DT_UNKNOWN) {
            struct stat lst;
            link = fstatat(dfd, de->d_name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode);
        }
        /* A regular file that is not a VM config needs no stat (a VM folder
         * holds a dozen: disks, logs, nvram). */
        if (de->d_type == DT_REG && !wanted_name(de->d_name))
            continue;
        /* Sort key: real entries first, then symlinks, each by name. */
        names[n] = xasprintf("%c%s", link ? '1' : '0', de->d_name);
        n++;
    }
    closedir(dp);
    if (n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(names, n, sizeof(*names), cmp_str);
    w->stack[w->depth++] = (struct id){st->st_dev, st->st_ino};
    size_t plen = strlen(path);
    bool slash = plen > 0 && path[plen - 1] == '/';
    for (size_t i = 0; i < n; i++) {
        char *child = xasprintf("%s%s%s", path, slash ? "" : "/", names[i] + 1);
        visit(w, child, false);
        free(child);
        free(names[i]);
    }
    w->depth--;
    free(names);
}

void
walk_paths(char *const *roots, size_t nroots, struct walk_result *out, struct diags *d)
{
    struct walker w = {.out = out, .d = d};
    for (size_t i = 0; i < nroots; i++)
        visit(&w, roots[i], true);
    free(w.seen_files.v);
    free(w.seen_files.used);
    free(w.seen_dirs.v);
    free(w.seen_dirs.used);
}

void
walk_result_release(struct walk_result *wr)
{
    for (size_t i = 0; i < wr->n; i++)
        free(wr->paths[i]);
    free(wr->paths);
    *wr = (struct walk_result)WALK_RESULT_INIT;
}

int
read_small_file(const char *path, size_t max, char **data, size_t *len, struct diags *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diags_add(d, DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        diags_add(d, DIAG_ERROR, path, 0, "not a regular file");
        close(fd);
        return -1;
    }
    if ((uintmax_t)st.st_size > max) {
        diags_add(d, DIAG_ERROR, path, 0, "file is %jd bytes; at most %zu are read",
                  (intmax_t)st.st_size, max);
        close(fd);
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max + 1) {
                diags_add(d, DIAG_ERROR, path, 0, "file grew past %zu bytes while read", max);
                free(buf);
                close(fd);
                return -1;
            }
            buf = xreallocarray(buf, cap * 2, 1);
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            diags_add(d, DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}
