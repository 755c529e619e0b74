/* vmx_edit: the writing half of the .vmx reader: sets or removes keys in a
 * file's bytes and keeps every other byte (BOM, comments, key order, spacing,
 * line ends, malformed lines), so that `vmtriage fix --apply` changes only
 * what it says it changes and `--undo` can be checked byte for byte.
 *
 * The grammar is vmx_parse.h's (open-vm-tools dictll.c): case-insensitive
 * names, `name = "value"`, `|XY` escapes, LF / CRLF / lone CR line ends.
 *
 * Pure: bytes in, bytes out; no I/O, no globals, never prints. */
#ifndef VT_VMX_EDIT_H
#define VT_VMX_EDIT_H

#include "util/util_buf.h"

#include <stdbool.h>
#include <stddef.h>

/* One change: `key` set to `value` (UTF-8), or removed when value is NULL. */
struct vmx_set {
    const char *key;
    const char *value;
};

enum vmx_line_op {
    VMX_LINE_KEEP,    /* the old line, unchanged */
    VMX_LINE_CHANGED, /* the old line with a new value (or a line end added) */
    VMX_LINE_REMOVED, /* the old line, dropped */
    VMX_LINE_ADDED,   /* a new line at the end of the file */
};

/* A line of the old and/or new text, with its line end. */
struct vmx_line_edit {
    enum vmx_line_op op;
    size_t old_off, old_len; /* in the input (KEEP, CHANGED, REMOVED) */
    size_t new_off, new_len; /* in `out` (KEEP, CHANGED, ADDED) */
};

struct vmx_edit {
    struct buf out;              /* the new file */
    struct vmx_line_edit *lines; /* every line of both texts, in order (owned) */
    size_t nlines;
    size_t changed;   /* lines changed, removed or added: 0 when nothing was to do */
    char why[320];    /* the reason of a refusal */
    unsigned long at; /* the line the refusal is about, or 0 */
};

#define VMX_EDIT_INIT                                                                              \
    {                                                                                              \
        BUF_INIT, NULL, 0, 0, "", 0                                                                \
    }

/* Applies `n` changes to the `len` bytes of a .vmx. An existing key (matched
 * ignoring ASCII case, as the reader does) gets its value replaced in place,
 * keeping the line's spelling of the key, its spacing, its comment and its
 * line end; a key already holding that value is left alone; a new key is
 * appended as `key = "value"` with the file's first line end (LF when it has
 * none; a last line without one gets it first); a removed key loses its whole
 * line. Values are written quoted, with `"`, `|` and control bytes as `|XY`.
 *
 * Returns 0 with e->out, e->lines and e->changed set, or -1 with e->why (and
 * e->at) set and nothing usable in e->out, when the edit cannot be written
 * faithfully: a UTF-16 file, a key set twice in the file, two changes of one
 * key that disagree, a key that is not a name, a change of `.encoding`, a
 * value that is not UTF-8, a non-ASCII value in a file whose `.encoding` is
 * not UTF-8, or a NUL in a value. Release `e` with vmx_edit_release either way. */
int vmx_edit_apply(const char *data, size_t len, const struct vmx_set *sets, size_t n,
                   struct vmx_edit *e);
void vmx_edit_release(struct vmx_edit *e);

/* Appends to `out` the unified diff (3 lines of context) of an edit of
 * `old`: `--- old_name`, `+++ new_name`, then hunks. Lines are written
 * without their line ends (a CRLF file's diff reads as LF; the file keeps
 * its own), with `\ No newline at end of file` where a text ends without
 * one. Nothing when e->changed is 0. */
void vmx_edit_diff(const struct vmx_edit *e, const char *old, const char *old_name,
                   const char *new_name, struct buf *out);

/* Whether the `len` bytes at `k` can be a .vmx name: not empty, printable
 * ASCII without blanks, '#', '=', '"' or '|'. */
bool vmx_key_ok(const char *k, size_t len);

/* Reads one line of a rule's `vmx:` remedy: `name = "value"` or `name =
 * value`, an optional `# comment` after it. Returns 1 with *key and *value
 * (unescaped; owned, free them) set, 0 for a blank or comment-only line, -1
 * for anything else (a sentence, a half line). */
int vmx_edit_parse_line(const char *line, size_t len, char **key, char **value);

#endif
