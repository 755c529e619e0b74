/* fix_safe: the file-system half of `vmtriage fix --apply` and `--undo`:
 * hashes, the running-VM checks, backups, the atomic replace and the
 * journal. Used by fix_apply.c only. Errors are returned as one line in a
 * caller's buffer (`err`, ERR_MAX bytes); nothing here prints.
 *
 * Test hooks (environment, compiled into every build, documented in
 * README.md "Safe apply"; a static binary cannot take an LD_PRELOAD shim):
 *   VMTRIAGE_FAIL_AT=STEP    fail at that step of a replace: backup, write
 *                            (after half the bytes), fsync, journal, recheck,
 *                            rename, dirfsync
 *   VMTRIAGE_STEP_DELAY_MS=N sleep N ms between the steps (to widen the
 *                            windows a kill -9 test aims at)
 *   VMTRIAGE_VIM_CMD=PATH    the vim-cmd to ask (instead of /bin/vim-cmd) */
#ifndef VT_FIX_SAFE_H
#define VT_FIX_SAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define ERR_MAX 512
#define SHA_HEX 65

/* The SHA-256 of `len` bytes as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA_HEX]);

/* Reads the whole regular file (at most `max` bytes) into *data (owned,
 * NUL-terminated) and its status into *st. Returns 0, or -1 with err set. */
int safe_read(const char *path, size_t max, char **data, size_t *len, struct stat *st, char *err);

/* Why the VM of the .vmx at `path` looks powered on (a lock beside it, a
 * vmware.log being written, vim-cmd's power state), as a phrase in `why`;
 * false when nothing says so. *vmid is set to the VM's id on ESXi (from
 * `vim-cmd vmsvc/getallvms`), else -1. */
bool vm_running(const char *path, char *why, size_t whylen, long *vmid);
/* The vim-cmd to use: $VMTRIAGE_VIM_CMD, else /bin/vim-cmd when it exists, else NULL. */
const char *vim_cmd_path(void);
/* Runs `vim-cmd vmsvc/reload VMID`; returns its exit status, or -1 with err set. */
int vim_reload(long vmid, char *err);

/* Copies the `len` bytes of `old` to a new backup beside `path`,
 * PATH.vmtriage-YYYYmmddTHHMMSS (UTC; -2, -3... when taken), created
 * exclusively with the mode and owner of `st`, fsynced. Returns the backup's
 * path (owned), or NULL with err set. */
char *backup_write(const char *path, const struct stat *st, const char *old, size_t len, char *err);

/* A replacement in progress: a temporary file beside the target. */
struct replace {
    char *path, *tmp; /* owned */
};
/* Writes `data` to a new temporary file beside `path` with the mode and
 * owner of `st`, and fsyncs it. Returns 0, or -1 with err set and nothing
 * left behind. */
int replace_prepare(struct replace *r, const char *path, const struct stat *st, const char *data,
                    size_t len, char *err);
/* Checks that `path` still has the hash `expect` (the file was not changed
 * since it was read), then renames the temporary file over it and fsyncs the
 * folder. Returns 0; -1 with err set, the temporary file removed and `path`
 * untouched; or -2 with err set when the rename was done but the folder's
 * fsync failed (the file is the new one). */
int replace_commit(struct replace *r, const char *expect, char *err);
/* Removes the temporary file (when still there) and frees `r`. */
void replace_release(struct replace *r);

/* Fails with err set when VMTRIAGE_FAIL_AT names `step`; sleeps the step
 * delay first. */
int fail_at(const char *step, char *err);

/* The journal of one run. */
enum jstate { J_PENDING, J_DONE, J_FAILED };
struct jrec {
    enum jstate state;
    char before[SHA_HEX], after[SHA_HEX];
    char *path, *backup; /* owned; absolute */
    unsigned long line;  /* where it was read (--undo) */
};
struct journal {
    char *path; /* owned */
    struct jrec *v;
    size_t n, cap;
};
/* Creates a new, empty journal vmtriage-fix-YYYYmmddTHHMMSS.journal (-2, ...
 * when taken) in the current folder and writes it. Returns 0, or -1 with err. */
int journal_create(struct journal *j, char *err);
/* Rewrites the journal atomically (temporary file, fsync, rename, folder
 * fsync). Returns 0, or -1 with err set. */
int journal_write(struct journal *j, char *err);
/* Reads a journal; -1 with err (naming the file and line) when it is not
 * one, or was changed since it was written (its checksum line). */
int journal_read(struct journal *j, const char *path, char *err);
void journal_release(struct journal *j);

#endif
