/* vmx_edit: key changes written into a .vmx's bytes, and their diff.
 *
 * The line grammar here mirrors vmx_parse.c's parse_line on purpose (a name,
 * blanks, '=', blanks, a quoted or bare value, blanks, an optional comment):
 * fuzz/fuzz_vmx_edit.c re-parses every output with vmx_parse and checks that
 * the keys changed read back with their new values and every other entry is
 * unchanged, so the two cannot drift apart unnoticed. */
#include "parse/vmx/vmx_edit.h"
#include "parse/vmx/vmx_parse.h"
#include "parse/vmx/codepage.h"
#include "util/util_mem.h"
#include "util/util_text.h"
#include "util/util_utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool
name_end(char c)
{
    return blank(c) || c == '#' || c == '=' || c == '\0';
}

/* One line's entry, as offsets into the line (end excluded). */
struct line_entry {
    size_t key, key_len;
    size_t val, val_len; /* the value as written, with its quotes when quoted */
    bool quoted;
};

/* 1 with *le set for `name = value`, 0 for a blank or comment line, -1 for
 * a line vmx_parse calls malformed. */
static int
line_scan(const char *s, size_t len, struct line_entry *le)
{
    if (memchr(s, '\0', len))
        return -1;
    size_t i = 0;
    while (i < len && blank(s[i]))
        i++;
    if (i == len || s[i] == '#')
        return 0;
    le->key = i;
    while (i < len && !name_end(s[i]))
        i++;
    le->key_len = i - le->key;
    if (le->key_len == 0)
        return -1;
    while (i < len && blank(s[i]))
        i++;
    if (i == len || s[i] != '=')
        return -1;
    i++;
    while (i < len && blank(s[i]))
        i++;
    le->val = i;
    le->quoted = false;
    if (i == len || s[i] == '#') {
        le->val_len = 0;
        return 1;
    }
    if (s[i] == '"') {
        const char *q = memchr(s + i + 1, '"', len - i - 1);
        if (q == NULL)
            return -1;
        le->quoted = true;
        i = (size_t)(q - s) + 1;
    } else {
        while (i < len && !blank(s[i]) && s[i] != '#')
            i++;
    }
    le->val_len = i - le->val;
    while (i < len && blank(s[i]))
        i++;
    return i < len && s[i] != '#' ? -1 : 1;
}

/* The value's text with `|XY` undone (vmx_unescape), NUL-terminated, owned. */
static char *
unescape_value(const char *s, size_t len)
{
    char *out = xmalloc(len + 1);
    out[vmx_unescape(out, s, len)] = '\0';
    return out;
}

static char *
entry_value(const char *line, const struct line_entry *le)
{
    size_t off = le->val + le->quoted, n = le->val_len - 2 * le->quoted;
    return unescape_value(line + off, n);
}

bool
vmx_key_ok(const char *k, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c <= ' ' || c >= 0x7f || c == '#' || c == '=' || c == '"' || c == '|')
            return false;
    }
    return true;
}

int
vmx_edit_parse_line(const char *line, size_t len, char **key, char **value)
{
    struct line_entry le;
    *key = *value = NULL;
    int r = line_scan(line, len, &le);
    if (r <= 0)
        return r;
    if (!vmx_key_ok(line + le.key, le.key_len))
        return -1;
    *key = xstrndup(line + le.key, le.key_len);
    *value = entry_value(line, &le);
    return 1;
}

/* A line of the input: [start, end) without its line end, [end, next) the end. */
struct line_span {
    size_t start, end, next;
};

/* Splits the text after the BOM into lines, as vmx_parse's cursor does. */
static size_t
split_lines(const char *data, size_t len, size_t from, struct line_span **out)
{
    size_t n = 0, cap = 0;
    struct line_span *v = NULL;
    size_t pos = from;
    while (pos < len) {
        size_t end = pos;
        while (end < len && data[end] != '\n' && data[end] != '\r')
            end++;
        size_t next = end;
        if (next < len)
            next += data[next] == '\r' && next + 1 < len && data[next + 1] == '\n' ? 2 : 1;
        XGROW(v, cap, n + 1);
        v[n++] = (struct line_span){pos, end, next};
        pos = next;
    }
    *out = v;
    return n;
}

static void
refuse(struct vmx_edit *e, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
refuse(struct vmx_edit *e, unsigned long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->why, sizeof(e->why), fmt, ap);
    va_end(ap);
    e->at = line;
}

/* Appends `key = "value"` with the value escaped for a .vmx. */
static void
add_quoted(struct buf *b, const char *v)
{
    buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '|' || *p < 0x20 || *p == 0x7f)
            buf_addf(b, "|%02X", *p);
        else
            buf_addc(b, (char)*p);
    }
    buf_addc(b, '"');
}

/* Whether the value can be written: UTF-8, and ASCII unless the file is UTF-8. */
static bool
value_ok(struct vmx_edit *e, const struct vmx_set *s, bool utf8_file, const char *enc)
{
    const unsigned char *p = (const unsigned char *)s->value;
    size_t len = strlen(s->value);
    bool ascii = true;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        int n = utf8_decode_n(p + i, len - i, &cp);
        if (n <= 0) {
            refuse(e, 0, "the value for '%s' is not UTF-8 text", s->key);
            return false;
        }
        ascii &= cp < 0x80;
        i += (size_t)n;
    }
    if (!ascii && !utf8_file) {
        refuse(e, 0,
               "the value for '%s' is not ASCII and the file's .encoding is '%s': it cannot be "
               "written faithfully",
               s->key, enc);
        return false;
    }
    return true;
}

static void
push(struct vmx_edit *e, size_t *cap, enum vmx_line_op op, size_t old_off, size_t old_len,
     size_t new_off, size_t new_len)
{
    XGROW(e->lines, *cap, e->nlines + 1);
    e->lines[e->nlines++] = (struct vmx_line_edit){op, old_off, old_len, new_off, new_len};
    e->changed += op != VMX_LINE_KEEP;
}

int
vmx_edit_apply(const char *data, size_t len, const struct vmx_set *sets, size_t n,
               struct vmx_edit *e)
{
    if (len >= 2 && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE) ||
                     ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF))) {
        refuse(e, 0, "the file is UTF-16 text: its changes are not written by vmtriage");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const struct vmx_set *s = &sets[i];
        if (!vmx_key_ok(s->key, strlen(s->key))) {
            refuse(e, 0, "'%s' is not a .vmx key name", s->key);
            return -1;
        }
        if (strcasecmp(s->key, ".encoding") == 0) {
            refuse(e, 0, "the .encoding of a file is not changed by vmtriage");
            return -1;
        }
        for (size_t j = 0; j < i; j++) {
            const struct vmx_set *t = &sets[j];
            if (strcasecmp(s->key, t->key) == 0 &&
                !(s->value == NULL ? t->value == NULL
                                   : t->value != NULL && strcmp(s->value, t->value) == 0)) {
                refuse(e, 0, "two changes of '%s' disagree (%s%s%s, %s%s%s)", s->key,
                       t->value ? "\"" : "", t->value ? t->value : "remove", t->value ? "\"" : "",
                       s->value ? "\"" : "", s->value ? s->value : "remove", s->value ? "\"" : "");
                return -1;
            }
        }
    }
    size_t bom = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    struct line_span *ls;
    size_t nl = split_lines(data, len, bom, &ls);

    /* The entries, the file's encoding, and where each change's key is. */
    struct line_entry *le = xcalloc(nl ? nl : 1, sizeof(*le));
    signed char *kind = xcalloc(nl ? nl : 1, 1);
    long *where = xcalloc(n ? n : 1, sizeof(*where));
    for (size_t k = 0; k < n; k++)
        where[k] = -1;
    char *enc = NULL;
    int rc = -1;
    for (size_t i = 0; i < nl; i++) {
        const char *s = data + ls[i].start;
        kind[i] = (signed char)line_scan(s, ls[i].end - ls[i].start, &le[i]);
        if (kind[i] != 1)
            continue;
        if (enc == NULL && le[i].key_len == 9 && strncasecmp(s + le[i].key, ".encoding", 9) == 0)
            enc = entry_value(s, &le[i]);
        for (size_t k = 0; k < n; k++) {
            if (strlen(sets[k].key) != le[i].key_len ||
                strncasecmp(s + le[i].key, sets[k].key, le[i].key_len) != 0)
                continue;
            if (where[k] >= 0 && (size_t)where[k] != i) {
                refuse(e, i + 1, "key '%s' is set twice (lines %ld and %zu)", sets[k].key,
                       where[k] + 1, i + 1);
                goto out;
            }
            where[k] = (long)i;
        }
    }
    const struct cp_table *t = enc ? codepage_find(enc) : NULL;
    bool utf8_file = enc == NULL || (t && codepage_is_utf8(t));
    for (size_t k = 0; k < n; k++)
        if (sets[k].value && !value_ok(e, &sets[k], utf8_file, enc))
            goto out;

    /* The line end for appended lines: the file's first. */
    const char *eol = "\n";
    if (nl > 0 && ls[0].next > ls[0].end)
        eol = ls[0].next - ls[0].end == 2 ? "\r\n" : data[ls[0].end] == '\r' ? "\r" : "\n";

    size_t cap = 0;
    buf_add(&e->out, data, bom);
    for (size_t i = 0; i < nl; i++) {
        const struct line_span *l = &ls[i];
        const char *s = data + l->start;
        size_t k = n;
        for (size_t j = 0; j < n && k == n; j++)
            if (where[j] == (long)i)
                k = j;
        size_t off = e->out.len;
        if (k == n) {
            buf_add(&e->out, s, l->next - l->start);
            push(e, &cap, VMX_LINE_KEEP, l->start, l->next - l->start, off, e->out.len - off);
            continue;
        }
        if (sets[k].value == NULL) {
            push(e, &cap, VMX_LINE_REMOVED, l->start, l->next - l->start, off, 0);
            continue;
        }
        char *cur = entry_value(s, &le[i]);
        bool same = strcmp(cur, sets[k].value) == 0;
        free(cur);
        if (same) {
            buf_add(&e->out, s, l->next - l->start);
            push(e, &cap, VMX_LINE_KEEP, l->start, l->next - l->start, off, e->out.len - off);
            continue;
        }
        buf_add(&e->out, s, le[i].val);
        add_quoted(&e->out, sets[k].value);
        buf_add(&e->out, s + le[i].val + le[i].val_len, l->next - l->start - le[i].val - le[i].val_len);
        push(e, &cap, VMX_LINE_CHANGED, l->start, l->next - l->start, off, e->out.len - off);
    }
    /* New keys, once each, in the order given. */
    bool any_new = false;
    for (size_t k = 0; k < n; k++) {
        bool first = true;
        for (size_t j = 0; j < k && first; j++)
            first = strcasecmp(sets[j].key, sets[k].key) != 0;
        any_new |= first && where[k] < 0 && sets[k].value != NULL;
    }
    if (any_new && e->nlines > 0 && e->out.len > 0) {
        struct vmx_line_edit *last = &e->lines[e->nlines - 1];
        char c = e->out.p[e->out.len - 1];
        if (c != '\n' && c != '\r') {
            /* The last line gets a line end before the new ones. A removed
             * last line leaves the one before it last, and that one has its
             * line end already. */
            buf_adds(&e->out, eol);
            if (last->op == VMX_LINE_KEEP)
                e->changed++;
            last->op = VMX_LINE_CHANGED;
            last->new_len += strlen(eol);
        }
    }
    for (size_t k = 0; k < n; k++) {
        bool first = true;
        for (size_t j = 0; j < k && first; j++)
            first = strcasecmp(sets[j].key, sets[k].key) != 0;
        if (!first || where[k] >= 0 || sets[k].value == NULL)
            continue;
        size_t off = e->out.len;
        buf_adds(&e->out, sets[k].key);
        buf_adds(&e->out, " = ");
        add_quoted(&e->out, sets[k].value);
        buf_adds(&e->out, eol);
        push(e, &cap, VMX_LINE_ADDED, 0, 0, off, e->out.len - off);
    }
    rc = 0;
out:
    free(enc);
    free(where);
    free(kind);
    free(le);
    free(ls);
    return rc;
}

void
vmx_edit_release(struct vmx_edit *e)
{
    buf_release(&e->out);
    free(e->lines);
    e->lines = NULL;
    e->nlines = e->changed = 0;
}

/* Appends one diff line: the mark, the text without its line end, then the
 * no-newline marker when the text has none. */
static void
diff_line(struct buf *out, char mark, const char *s, size_t len)
{
    size_t n = len;
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    buf_addc(out, mark);
    buf_add(out, s, n);
    buf_addc(out, '\n');
    if (n == len)
        buf_adds(out, "\\ No newline at end of file\n");
}

#define CONTEXT 3

static void
hunk_range(struct buf *out, char sign, size_t start, size_t count)
{
    buf_addf(out, "%c%zu", sign, count == 0 ? start - 1 : start);
    if (count != 1)
        buf_addf(out, ",%zu", count);
}

void
vmx_edit_diff(const struct vmx_edit *e, const char *old, const char *old_name,
              const char *new_name, struct buf *out)
{
    if (e->changed == 0)
        return;
    buf_addf(out, "--- %s\n+++ %s\n", old_name, new_name);
    /* Line numbers of each entry in the old and new text (1-based, of the
     * line the entry is or would be). */
    size_t *ono = xcalloc(e->nlines + 1, sizeof(*ono)), *nno = xcalloc(e->nlines + 1, sizeof(*nno));
    size_t o = 1, nw = 1;
    for (size_t i = 0; i < e->nlines; i++) {
        ono[i] = o;
        nno[i] = nw;
        enum vmx_line_op op = e->lines[i].op;
        o += op != VMX_LINE_ADDED;
        nw += op != VMX_LINE_REMOVED;
    }
    size_t i = 0;
    while (i < e->nlines) {
        while (i < e->nlines && e->lines[i].op == VMX_LINE_KEEP)
            i++;
        if (i == e->nlines)
            break;
        size_t from = i > CONTEXT ? i - CONTEXT : 0, to = i;
        /* Extend over changes closer than 2 * CONTEXT kept lines apart. */
        for (size_t j = i; j < e->nlines; j++) {
            if (e->lines[j].op != VMX_LINE_KEEP) {
                to = j;
                continue;
            }
            if (j - to > 2 * CONTEXT)
                break;
        }
        size_t end = to + 1 + CONTEXT < e->nlines ? to + 1 + CONTEXT : e->nlines;
        size_t oc = 0, nc = 0;
        for (size_t j = from; j < end; j++) {
            oc += e->lines[j].op != VMX_LINE_ADDED;
            nc += e->lines[j].op != VMX_LINE_REMOVED;
        }
        buf_adds(out, "@@ ");
        hunk_range(out, '-', ono[from], oc);
        buf_addc(out, ' ');
        hunk_range(out, '+', nno[from], nc);
        buf_adds(out, " @@\n");
        for (size_t j = from; j < end; j++) {
            const struct vmx_line_edit *l = &e->lines[j];
            if (l->op == VMX_LINE_KEEP)
                diff_line(out, ' ', old + l->old_off, l->old_len);
            if (l->op == VMX_LINE_CHANGED || l->op == VMX_LINE_REMOVED)
                diff_line(out, '-', old + l->old_off, l->old_len);
            if (l->op == VMX_LINE_CHANGED || l->op == VMX_LINE_ADDED)
                diff_line(out, '+', e->out.p + l->new_off, l->new_len);
        }
        i = end;
    }
    free(ono);
    free(nno);
}
