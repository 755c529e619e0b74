/* walk: the filesystem source of `scan`: a deduplicating folder walk plus a
 * bounded whole-file read. */
#include "source/walk.h"
#include "source/input.h"
#include "util/util_mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    walk_want_fn *want;
    walk_found_fn *found;
    void *arg;
    size_t aliases;
    struct diags *d;
    struct idset seen_files, seen_dirs;
    struct id stack[MAX_DEPTH + 1]; /* folders being walked: a link to one is a loop */
    int depth;
    char *top;         /* the real path of the tree being walked (owned), or NULL: a
                          symbolic link resolving outside it is not followed */
    const char *shown; /* that tree as the user gave it, for messages */
};

/* True when the real path `real` is `top` or lies under it. */
static bool
is_under(const char *real, const char *top)
{
    size_t n = strlen(top);
    if (n == 1 && top[0] == '/')
        return true;
    return strncmp(real, top, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

/* Whether the symbolic link `path` must not be followed: it resolves
 * outside the tree being walked (a note names it and its target), or it
 * cannot be resolved for another reason than being broken or a loop (which
 * visit reports). The check and the later stat are two look-ups: a link
 * changed in between is followed as it then is. */
static bool
link_leaves_tree(struct walker *w, const char *path)
{
    if (w->top == NULL)
        return false;
    char *real = realpath(path, NULL);
    if (real == NULL) {
        if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
            return false;
        diags_add(w->d, DIAG_NOTE, path, 0,
                  "symbolic link that cannot be resolved (%s), "
                  "not followed",
                  strerror(errno));
        return true;
    }
    bool inside = is_under(real, w->top);
    if (!inside) {
        char to[PATH_MAX];
        ssize_t n = readlink(path, to, sizeof(to) - 1);
        to[n > 0 ? n : 0] = '\0';
        diags_add(w->d, DIAG_NOTE, path, 0,
                  "symbolic link to %s leads out of %s (to %s), not followed", n > 0 ? to : "?",
                  w->shown, real);
    }
    free(real);
    return !inside;
}

/* Notes a FIFO, socket or device met in a folder (never opened). */
static void
note_special(struct walker *w, const char *path, mode_t mode)
{
    diags_add(w->d, DIAG_NOTE, path, 0, "%s, not a file: skipped", input_special_kind(mode));
}

static bool
wanted_name(const char *name)
{
    size_t l = strlen(name);
    return (l > 4 && strcasecmp(name + l - 4, ".vmx") == 0) ||
           (l > 5 && strcasecmp(name + l - 5, ".vmtx") == 0);
}

/* Hands a file on unless another path reached it already. */
static void
add_file(struct walker *w, struct id id, const char *path)
{
    if (!idset_add(&w->seen_files, id)) {
        w->aliases++;
        return;
    }
    w->found(w->arg, xstrdup(path));
}

static void walk_dir(struct walker *w, int fd, const char *path, struct id id);

/* Whether to walk the folder `id` reached by `path`: not when it is a link to
 * a folder being walked (a loop), was seen by another path (an alias), or
 * is nested too deep. */
static bool
dir_is_new(struct walker *w, struct id id, const char *path)
{
    for (int i = 0; i < w->depth; i++)
        if (w->stack[i].dev == id.dev && w->stack[i].ino == id.ino) {
            diags_add(w->d, DIAG_NOTE, path, 0,
                      "symbolic link loop (points back to a folder above it), skipped");
            return false;
        }
    if (!idset_add(&w->seen_dirs, id)) {
        w->aliases++;
        return false;
    }
    if (w->depth == MAX_DEPTH) {
        diags_add(w->d, DIAG_NOTE, path, 0, "folder nesting deeper than %d, not walked", MAX_DEPTH);
        return false;
    }
    return true;
}

static int
open_dir(int dfd, const char *name)
{
    return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Visits `name` of the open folder `dfd` (for a root: AT_FDCWD and the path
 * itself), following symbolic links; `path` names it in results and
 * diagnostics. `named` is true for a root, which is taken whatever its name. */
static void
visit(struct walker *w, int dfd, const char *name, const char *path, bool named)
{
    struct stat st;
    if (fstatat(dfd, name, &st, 0) != 0) {
        struct stat lst;
        if (errno == ELOOP)
            diags_add(w->d, DIAG_NOTE, path, 0, "symbolic link loop, skipped");
        else if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
            diags_add(w->d, DIAG_NOTE, path, 0, "broken symbolic link, skipped");
        else
            diags_add(w->d, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return;
    }
    struct id id = {st.st_dev, st.st_ino};
    if (S_ISDIR(st.st_mode)) {
        if (!dir_is_new(w, id, path))
            return;
        int fd = open_dir(dfd, name);
        if (fd < 0)
            diags_add(w->d, DIAG_ERROR, path, 0, "cannot open folder: %s", strerror(errno));
        else
            walk_dir(w, fd, path, id);
    } else if (S_ISREG(st.st_mode)) {
        if (named || w->want(name))
            add_file(w, id, path);
    } else if (named) {
        input_refused(path, st.st_mode, INPUT_FOLDER, w->d);
    } else {
        note_special(w, path, st.st_mode);
    }
}

/* Visits the entry `name` of the open folder `dfd` that readdir says is a
 * folder: opens it, then takes its id from the open folder (a folder can be
 * a mount point, so its id is not readdir's), one path look-up instead of
 * visit's two. Anything unexpected goes to visit, which says what it is. */
static void
visit_dir_entry(struct walker *w, int dfd, const char *name, const char *path)
{
    struct stat st;
    int fd = open_dir(dfd, name);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        visit(w, dfd, name, path, false);
        return;
    }
    struct id id = {st.st_dev, st.st_ino};
    if (dir_is_new(w, id, path))
        walk_dir(w, fd, path, id);
    else
        close(fd);
}

/* A folder entry worth visiting: a folder, a symlink, a VM config, or one
 * whose type the filesystem did not tell. */
struct entry {
    char *name;         /* owned */
    unsigned char type; /* DT_* */
    ino_t ino;
};

/* Real entries first, then symlinks, each by name: a real folder is preferred
 * to a link to it. */
static int
cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    bool xl = x->type == DT_LNK, yl = y->type == DT_LNK;
    if (xl != yl)
        return xl - yl;
    return strcmp(x->name, y->name);
}

/* Lists the entries of the open folder worth visiting, sorted. */
static struct entry *
list_entries(const struct walker *w, DIR *dp, size_t *n)
{
    struct entry *v = NULL;
    size_t cap = 0;
    *n = 0;
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct entry e = {NULL, de->d_type, de->d_ino};
        struct stat lst;
        if (e.type == DT_UNKNOWN && fstatat(dirfd(dp), de->d_name, &lst, AT_SYMLINK_NOFOLLOW) == 0)
            e = (struct entry){NULL, IFTODT(lst.st_mode), lst.st_ino};
        /* A regular file that is not a VM config needs no more look (a VM
         * folder holds a dozen: disks, logs, nvram). FIFOs, sockets and
         * devices are kept, to be noted. */
        if (e.type == DT_REG && !w->want(de->d_name))
            continue;
        e.name = xstrdup(de->d_name);
        XGROW(v, cap, *n + 1);
        v[(*n)++] = e;
    }
    if (*n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(v, *n, sizeof(*v), cmp_entry);
    return v;
}

/* Walks the open folder `fd` (closed here) reached by `path`; `id` is its
 * own. */
static void
walk_dir(struct walker *w, int fd, const char *path, struct id id)
{
    DIR *dp = fdopendir(fd);
    if (dp == NULL) {
        diags_add(w->d, DIAG_ERROR, path, 0, "cannot open folder: %s", strerror(errno));
        close(fd);
        return;
    }
    size_t n;
    struct entry *v = list_entries(w, dp, &n);
    w->stack[w->depth++] = id;
    /* child = path + "/" + name, built in place for each entry */
    size_t plen = strlen(path);
    size_t base = plen > 0 && path[plen - 1] == '/' ? plen : plen + 1;
    char *child = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        size_t nlen = strlen(v[i].name);
        XGROW(child, cap, base + nlen + 1);
        memcpy(child, path, plen);
        child[base - 1] = '/';
        memcpy(child + base, v[i].name, nlen + 1);
        /* A regular file is on its folder's device: its id needs no stat. */
        if (v[i].type == DT_REG)
            add_file(w, (struct id){id.dev, v[i].ino}, child);
        else if (v[i].type == DT_DIR)
            visit_dir_entry(w, dirfd(dp), v[i].name, child);
        else if (v[i].type == DT_FIFO || v[i].type == DT_SOCK || v[i].type == DT_CHR ||
                 v[i].type == DT_BLK)
            note_special(w, child, DTTOIF(v[i].type));
        else if (v[i].type != DT_LNK || !link_leaves_tree(w, child))
            visit(w, dirfd(dp), v[i].name, child, false);
        free(v[i].name);
    }
    w->depth--;
    free(child);
    free(v);
    closedir(dp);
}

size_t
walk_paths(char *const *roots, size_t nroots, walk_found_fn *found, void *arg, struct diags *d)
{
    return walk_paths_want(roots, nroots, wanted_name, found, arg, d);
}

size_t
walk_paths_want(char *const *roots, size_t nroots, walk_want_fn *want, walk_found_fn *found,
                void *arg, struct diags *d)
{
    return walk_paths_under(NULL, roots, nroots, want, found, arg, d);
}

size_t
walk_paths_under(const char *tree, char *const *roots, size_t nroots, walk_want_fn *want,
                 walk_found_fn *found, void *arg, struct diags *d)
{
    struct walker w = {.want = want, .found = found, .arg = arg, .d = d};
    if (tree != NULL) {
        w.top = realpath(tree, NULL);
        w.shown = tree;
        if (w.top == NULL) {
            diags_add(d, DIAG_ERROR, tree, 0, "cannot open: %s", strerror(errno));
            return 0;
        }
    }
    for (size_t i = 0; i < nroots; i++) {
        if (tree == NULL) {
            /* each root is its own tree, a link given as a root followed */
            free(w.top);
            w.top = realpath(roots[i], NULL); /* NULL: visit says why */
            w.shown = roots[i];
        } else {
            struct stat lst;
            if (lstat(roots[i], &lst) == 0 && S_ISLNK(lst.st_mode) &&
                link_leaves_tree(&w, roots[i]))
                continue;
        }
        visit(&w, AT_FDCWD, roots[i], roots[i], true);
    }
    free(w.top);
    free(w.seen_files.v);
    free(w.seen_files.used);
    free(w.seen_dirs.v);
    free(w.seen_dirs.used);
    return w.aliases;
}

int
read_fd_whole(int fd, size_t size, size_t max, char **data, size_t *len)
{
    /* Room for the size fstat gave, the byte a last read needs to see the
     * end of the file, and the NUL. */
    size_t cap = size + 2, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max + 1) {
                free(buf);
                return -2;
            }
            buf = xreallocarray(buf, cap * 2, 1);
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int
read_small_file(const char *path, size_t max, char **data, size_t *len, struct diags *d)
{
    struct stat st;
    int fd = input_open(path, 0, &st, d);
    if (fd < 0)
        return -1;
    if ((uintmax_t)st.st_size > max) {
        diags_add(d, DIAG_ERROR, path, 0, "file is %jd bytes; at most %zu are read",
                  (intmax_t)st.st_size, max);
        close(fd);
        return -1;
    }
    int rc = read_fd_whole(fd, (size_t)st.st_size, max, data, len);
    if (rc == -1)
        diags_add(d, DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
    else if (rc == -2)
        diags_add(d, DIAG_ERROR, path, 0, "file grew past %zu bytes while read", max);
    close(fd);
    return rc == 0 ? 0 : -1;
}
