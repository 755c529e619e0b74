/* bundle_source: the files of ESXi support bundles, one at a time, without
 * extracting anything: a vm-support `.tgz` read with libarchive, a vCenter
 * "Export System Logs" `.zip` holding one `.tgz` per host (each read in
 * place, from inside the zip), or an unpacked bundle folder.
 *
 * Layout facts: shared kb/esxi-crash-and-logs.md §5. A bundle's members sit
 * under a top folder (`esx-<host>-<date>--<time>-<pid>/`), which is removed
 * from `path`; files vm-support split as `NAME.FRAG-00000`, `NAME.FRAG-00001`
 * ... are one file `NAME` whose bytes continue across the parts (read
 * through bundle_read).
 *
 * Hostile archives: a member with an absolute path or a `..` component, a
 * symbolic or hard link, a device, FIFO or socket is never handed out (a note
 * names it); a truncated or corrupt stream is an error naming the archive
 * and the member. Nothing is ever written to disk. Memory: libarchive's
 * state and the caller's buffers, whatever the bundle's size.
 *
 * Only sources do I/O (DESIGN.md). */
#ifndef VT_BUNDLE_SOURCE_H
#define VT_BUNDLE_SOURCE_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One file of a bundle. Strings are valid during the callback only. */
struct bundle_entry {
    const char *bundle;  /* the bundle it belongs to, for messages and to tell hosts
                            apart: the .tgz's path as given to bundle_walk
                            ("esx-h1-2024-03-04--05.06-123.tgz"),
                            "export.zip/esx-h1-....tgz" for a host inside a vCenter zip
                            ("export.zip" for a member of the zip that is no archive),
                            or the folder's path */
    const char *top;     /* the removed top folder ("esx-h1-2024-03-04--05.06-123"), or "" */
    const char *path;    /* inside the bundle, '/'-separated, no top folder, no FRAG
                            suffix: "var/run/log/vmkernel.log", "commands/vmware_-vl.txt" */
    const char *display; /* what messages name: "<bundle>:<member as stored>" (archives)
                            or the file's path (folders) */
    uint64_t size;       /* bytes the member declares (the first part's, for FRAG files;
                            0 when unknown) */
    bool frag;           /* the file was split into FRAG parts */
    int64_t written_ms;  /* the member's modification time (UTC ms), or 0 when unknown */
    bool in_layout;      /* `path` lies in a folder vm-support puts at a bundle's root
                            (commands/, etc/, var/, vmfs/ ...): the file is where a
                            support bundle has its files */
};

struct bundle_reader;

/* Called once per regular file of the bundle(s), in archive order. Returning
 * non-zero stops the walk (bundle_walk then returns that value). */
typedef int bundle_entry_fn(void *arg, const struct bundle_entry *e, struct bundle_reader *r);

/* Reads up to `cap` bytes of the current file (FRAG parts joined). Returns
 * the number read, 0 at its end, or -1 after adding an error naming the
 * member and the offset in it (diagnostic path: the bundle); -1 again after
 * that. A FRAG part missing where the next part should follow is such an
 * error (what was read stays read). A caller may stop reading early: the
 * rest is skipped (a missing FRAG part is still reported). Holes of sparse
 * members read as zeros. */
ssize_t bundle_read(struct bundle_reader *r, void *buf, size_t cap);

/* Walks the bundle at `path`: a folder (every regular file under it,
 * symbolic links never followed), a tar, optionally compressed (gzip,
 * bzip2, xz, zstd), or a .zip whose archive members (tar, tgz, zip, by
 * content) are bundles themselves (one level; the zip's other members are
 * files of the zip). Problems go to `d`, with the bundle as their path:
 * errors (unreadable, truncated, corrupt, FRAG parts missing or out of
 * order) and notes (members skipped as unsafe or not regular files).
 * Returns 0, -1 after an error that ended the walk of an archive, or the
 * callback's non-zero value (returned at once). An error that ends one host
 * bundle inside a zip ends that bundle only: the others are still walked,
 * and the walk returns -1. Errors that end nothing (a FRAG part missing, a
 * member libarchive cannot decode such as an encrypted zip member, a folder
 * that cannot be opened) leave the return at 0. */
int bundle_walk(const char *path, bundle_entry_fn *fn, void *arg, struct diags *d);

/* The same over an archive held in memory (tests and the fuzz target);
 * `name` stands for the file name. */
int bundle_walk_memory(const void *data, size_t len, const char *name, bundle_entry_fn *fn,
                       void *arg, struct diags *d);

/* True when `path` is a file bundle_walk reads as an archive (by content:
 * a tar header, a zip signature, a gzip stream with a tar header inside,
 * bzip2/xz/zstd holding a tar), false for folders and other files: a
 * gzip'd log is no bundle. */
bool bundle_is_archive(const char *path);

#endif
