/* vmx_parse: the VMware configuration-file dictionary (.vmx, .vmtx), parsed.
 *
 * Grammar per open-vm-tools lib/dict/dictll.c (see shared kb/vmx.md §1):
 * `name = value`, `name = "quoted value"`, `#` comments outside quotes,
 * `|XY` hex escapes in every value, LF / CRLF / lone CR line ends, an optional
 * UTF-8 BOM or a UTF-16 one (the file is converted first), case-insensitive
 * names, `.encoding` for non-UTF-8 files (converted by src/parse/vmx/codepage.c).
 *
 * Pure: bytes in, document out; no I/O, no globals, never prints. */
#ifndef VT_VMX_PARSE_H
#define VT_VMX_PARSE_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

/* Files larger than this are refused (a .vmx is a few KiB; 043 in the corpus is the largest at 8).
 */
#define VMX_MAX_BYTES (16u << 20)

struct vmx_entry {
    const char *key;    /* as written */
    const char *lkey;   /* ASCII-lower-cased key, for lookups */
    const char *value;  /* unescaped (|XY), converted to UTF-8 per .encoding */
    const char *raw;    /* the whole source line, without its line end */
    unsigned long line; /* 1-based */
    long first;         /* index of an earlier entry with the same key, or -1 */
};

struct vmx_doc;

/* Parses `len` bytes. Always returns a document (owned by the caller, free
 * with vmx_doc_free) unless the input exceeds VMX_MAX_BYTES, in which case
 * NULL is returned and a diagnostic names the size. Lines that are not
 * `name = value` (unbalanced quotes, text after the value, no `=`, a NUL
 * byte), duplicate keys, an unknown `.encoding` and values whose bytes are
 * not text in the file's encoding (default UTF-8; they read as U+FFFD) are
 * appended to `d` as errors with `path` and line, but only when the file
 * looks like a VMware config (vmx_doc_is_vmware). */
struct vmx_doc *vmx_parse(const char *data, size_t len, const char *path, struct diags *d);
void vmx_doc_free(struct vmx_doc *doc);

/* True when the text is a VMware config and not another program's .vmx
 * (Valve Hammer maps, course binaries: shared corpus/vmx/SKIPPED.md):
 * `config.version` or `virtualHW.version`, or mostly well-formed lines with a
 * known VMware key. A line holding a NUL byte counts as malformed. */
bool vmx_doc_is_vmware(const struct vmx_doc *doc);
/* Why the text is not a VMware config, for a message (borrowed; valid while
 * the document lives), or NULL when it is one. */
const char *vmx_doc_not_vmware_reason(const struct vmx_doc *doc);
/* The key that marks an encrypted VM configuration (`encryption.keySafe`,
 * `encryption.data`: the devices and settings are inside the encrypted
 * data, so nothing about them can be read offline; format as RF3/VMwareVMX
 * documents it), or NULL. Borrowed; valid while the document lives. */
const struct vmx_entry *vmx_doc_encrypted(const struct vmx_doc *doc);
/* "UTF-16LE" / "UTF-16BE" when the file started with that byte-order mark
 * (it was read as the UTF-8 it converts to), else NULL. */
const char *vmx_doc_utf16(const struct vmx_doc *doc);

size_t vmx_count(const struct vmx_doc *doc);
const struct vmx_entry *vmx_at(const struct vmx_doc *doc, size_t i);
/* First entry whose key equals `key` ignoring ASCII case, or NULL. Borrowed. */
const struct vmx_entry *vmx_find(const struct vmx_doc *doc, const char *key);
/* Escape_Undo('|') of open-vm-tools lib/misc/escape.c: `|XY` -> byte 0xXY;
 * an invalid sequence stays literal. Writes at most `len` bytes to `out`
 * (no NUL); returns how many. */
size_t vmx_unescape(char *out, const char *s, size_t len);
/* Value of vmx_find, or NULL. */
const char *vmx_get(const struct vmx_doc *doc, const char *key);
/* Like vmx_find, with a printf-style key ("ethernet%d.virtualDev"). */
const struct vmx_entry *vmx_findf(const struct vmx_doc *doc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The `.encoding` value, or NULL. */
const char *vmx_encoding(const struct vmx_doc *doc);
/* Number of comment lines (including a `#!` first line) and malformed lines. */
size_t vmx_comment_lines(const struct vmx_doc *doc);
size_t vmx_malformed_lines(const struct vmx_doc *doc);
bool vmx_has_crlf(const struct vmx_doc *doc);

/* Parses a VMX boolean: TRUE/FALSE, yes/no, 1/0 in any case. Returns 1, 0, or
 * -1 when the text is none of those (or NULL). */
int vmx_bool(const char *value);

#endif
