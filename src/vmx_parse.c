/* vmx_parse: a pure reader of VMware's key = value dictionary files.
 *
 * Every string of a document lives in one arena block owned by the document;
 * entries point into it. Lookups use an open-addressing hash on the lower-cased
 * key so rules can ask for any key in O(1). */
#include "vmx_parse.h"
#include "util_buf.h"
#include "util_mem.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct vmx_doc {
    struct vmx_entry *v;
    size_t n, cap;
    size_t *slots; /* hash: index+1 of the first entry per key, 0 = empty */
    size_t nslots;
    char *arena;   /* all strings */
    size_t arena_len, arena_cap;
    size_t comments, malformed, lines;
    bool has_nul, crlf;
};

/* Arena strings are referred to by offset while the arena may still move. */
static size_t
arena_add(struct vmx_doc *doc, const char *s, size_t len)
{
    size_t off = doc->arena_len;
    XGROW(doc->arena, doc->arena_cap, doc->arena_len + len + 1);
    memcpy(doc->arena + off, s, len);
    doc->arena[off + len] = '\0';
    doc->arena_len += len + 1;
    return off;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Escape_Undo('|') of open-vm-tools lib/misc/escape.c: `|XY` → byte 0xXY; an
 * invalid sequence stays literal. As in its state machine, the bytes read
 * after a `|` are never themselves the start of a sequence: `||41` and
 * `|4|41` stay as written. */
static void
unescape(struct buf *out, const char *s, size_t len)
{
    const char *bar = memchr(s, '|', len);
    if (bar == NULL) { /* the common case: nothing to undo */
        buf_add(out, s, len);
        return;
    }
    size_t i = 0;
    while (i < len) {
        if (s[i] != '|') {
            buf_addc(out, s[i++]);
            continue;
        }
        int hi = i + 1 < len ? hexval((unsigned char)s[i + 1]) : -1;
        int lo = hi >= 0 && i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
        if (lo >= 0) {
            buf_addc(out, (char)(hi * 16 + lo));
            i += 3;
            continue;
        }
        /* `|` + non-hex, or `|X` + non-hex: keep what the state machine consumed. */
        size_t n = hi >= 0 ? 3 : 2;
        if (n > len - i)
            n = len - i;
        buf_add(out, s + i, n);
        i += n;
    }
}

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static uint64_t
hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)tolower((unsigned char)*s);
        h *= 1099511628211ull;
    }
    return h;
}

struct pending {
    size_t key, lkey, value, raw;
    unsigned long line;
};

/* Parses one line (no line end). Returns 1 for an entry, 0 for blank/comment,
 * -1 for a malformed line with *why set to the reason. */
static int
parse_line(const char *s, size_t len, const char **k, size_t *klen, const char **v, size_t *vlen,
           const char **why)
{
    size_t i = 0;
    while (i < len && is_ws(s[i]))
        i++;
    if (i == len || s[i] == '#')
        return 0;
    size_t ks = i;
    while (i < len && !is_ws(s[i]) && s[i] != '#' && s[i] != '=' && s[i] != '\0')
        i++;
    if (i == ks) {
        *why = "no name before '='";
        return -1;
    }
    *k = s + ks;
    *klen = i - ks;
    while (i < len && is_ws(s[i]))
        i++;
    if (i == len || s[i] != '=') {
        *why = "no '=' after the name";
        return -1;
    }
    i++;
    while (i < len && is_ws(s[i]))
        i++;
    if (i == len || s[i] == '#') {
        *v = s + i;
        *vlen = 0;
        return 1;
    }
    if (s[i] == '"') {
        size_t vs = ++i;
        while (i < len && s[i] != '"')
            i++;
        if (i == len) {
            *why = "unbalanced quote";
            return -1;
        }
        *v = s + vs;
        *vlen = i - vs;
        i++;
    } else {
        size_t vs = i;
        while (i < len && !is_ws(s[i]) && s[i] != '#')
            i++;
        *v = s + vs;
        *vlen = i - vs;
    }
    while (i < len && is_ws(s[i]))
        i++;
    if (i < len && s[i] != '#') {
        *why = "text after the value";
        return -1;
    }
    return 1;
}

static void
index_entries(struct vmx_doc *doc)
{
    doc->nslots = 16;
    while (doc->nslots < doc->n * 2)
        doc->nslots *= 2;
    doc->slots = xcalloc(doc->nslots, sizeof(*doc->slots));
    for (size_t i = 0; i < doc->n; i++) {
        struct vmx_entry *e = &doc->v[i];
        size_t h = hash_key(e->lkey) & (doc->nslots - 1);
        e->first = -1;
        while (doc->slots[h]) {
            struct vmx_entry *o = &doc->v[doc->slots[h] - 1];
            if (strcmp(o->lkey, e->lkey) == 0) {
                e->first = (long)(doc->slots[h] - 1);
                break;
            }
            h = (h + 1) & (doc->nslots - 1);
        }
        if (e->first < 0)
            doc->slots[h] = i + 1;
    }
}

/* Re-encodes every non-ASCII value from `enc` to UTF-8 as a new arena string
 * and points pend[i].value at it. Returns false when iconv does not know
 * `enc`; bytes it cannot convert become U+FFFD. */
static bool
convert_values(struct vmx_doc *doc, struct pending *pend, size_t npend, const char *enc)
{
    /* Workstation writes Windows code pages as "windows-949-2000"; iconv
     * calls that CP949. */
    char name[64];
    unsigned cp;
    if (sscanf(enc, "windows-%u", &cp) == 1)
        snprintf(name, sizeof(name), "CP%u", cp);
    else
        snprintf(name, sizeof(name), "%s", enc);
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1) {
        for (size_t i = 0; i < npend; i++)
            for (const char *c = doc->arena + pend[i].value; *c; c++)
                if ((unsigned char)*c >= 0x80)
                    return false;
        return true; /* nothing to convert: ASCII reads the same in every code page */
    }
    struct buf in = BUF_INIT, out = BUF_INIT;
    for (size_t i = 0; i < npend; i++) {
        buf_reset(&in);
        buf_adds(&in, doc->arena + pend[i].value);
        bool ascii = true;
        for (size_t j = 0; j < in.len; j++)
            ascii &= (unsigned char)in.p[j] < 0x80;
        if (ascii)
            continue;
        char *ip = in.p;
        size_t inleft = in.len;
        buf_reset(&out);
        iconv(cd, NULL, NULL, NULL, NULL);
        while (inleft > 0) {
            char tmp[256];
            char *o = tmp;
            size_t oleft = sizeof(tmp);
            size_t r = iconv(cd, &ip, &inleft, &o, &oleft);
            buf_add(&out, tmp, (size_t)(o - tmp));
            if (r == (size_t)-1 && errno != E2BIG) {
                buf_adds(&out, "\xef\xbf\xbd");
                ip++;
                inleft--;
            }
        }
        pend[i].value = arena_add(doc, buf_str(&out), out.len);
    }
    buf_release(&in);
    buf_release(&out);
    iconv_close(cd);
    return true;
}

struct vmx_doc *
vmx_parse(const char *data, size_t len, const char *path, struct diags *d)
{
    if (len > VMX_MAX_BYTES) {
        diags_add(d, DIAG_ERROR, path, 0, "file is %zu bytes; a VMware config is at most %u", len,
                  VMX_MAX_BYTES);
        return NULL;
    }
    struct vmx_doc *doc = xcalloc(1, sizeof(*doc));
    struct pending *pend = NULL;
    size_t npend = 0, cappend = 0;
    struct diags local = DIAGS_INIT;
    struct buf val = BUF_INIT;
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    doc->has_nul = memchr(data, '\0', len) != NULL;
    unsigned long line = 0;
    while (pos < len) {
        size_t start = pos;
        while (pos < len && data[pos] != '\n' && data[pos] != '\r')
            pos++;
        size_t end = pos;
        if (pos < len && data[pos] == '\r') {
            pos++;
            if (pos < len && data[pos] == '\n') {
                pos++;
                doc->crlf = true;
            }
        } else if (pos < len) {
            pos++;
        }
        line++;
        const char *k, *v, *why = NULL;
        size_t klen, vlen;
        int r = parse_line(data + start, end - start, &k, &klen, &v, &vlen, &why);
        if (r == 0) {
            size_t i = start;
            while (i < end && is_ws(data[i]))
                i++;
            doc->comments += i < end;
            continue;
        }
        if (r < 0) {
            doc->malformed++;
            diags_add(&local, DIAG_ERROR, path, line, "not a 'name = value' line (%s)", why);
            continue;
        }
        XGROW(pend, cappend, npend + 1);
        struct pending *p = &pend[npend++];
        p->line = line;
        p->key = arena_add(doc, k, klen);
        p->lkey = arena_add(doc, k, klen);
        for (char *c = doc->arena + p->lkey; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        buf_reset(&val);
        unescape(&val, v, vlen);
        p->value = arena_add(doc, val.p ? val.p : "", val.len);
        p->raw = arena_add(doc, data + start, end - start);
    }
    doc->lines = line;
    buf_release(&val);

    /* Values are final only once the encoding is known. */
    char *enc = NULL;
    for (size_t i = 0; i < npend && enc == NULL; i++)
        if (strcmp(doc->arena + pend[i].lkey, ".encoding") == 0)
            enc = xstrdup(doc->arena + pend[i].value);
    bool convert = enc && strcasecmp(enc, "UTF-8") != 0 && strcasecmp(enc, "UTF8") != 0 &&
                   strcasecmp(enc, "US-ASCII") != 0;
    bool converted = !convert || convert_values(doc, pend, npend, enc);

    /* The arena no longer moves: turn offsets into pointers. */
    doc->n = doc->cap = npend;
    doc->v = xcalloc(npend, sizeof(*doc->v));
    for (size_t i = 0; i < npend; i++)
        doc->v[i] = (struct vmx_entry){doc->arena + pend[i].key, doc->arena + pend[i].lkey,
                                       doc->arena + pend[i].value, doc->arena + pend[i].raw,
                                       pend[i].line, -1};
    free(pend);
    index_entries(doc);

    if (vmx_doc_is_vmware(doc)) {
        if (convert && !converted)
            diags_add(&local, DIAG_NOTE, path, 0,
                      "encoding '%s' is not known here; non-ASCII text is shown as stored",
                      enc);
        for (size_t i = 0; i < doc->n; i++)
            if (doc->v[i].first >= 0)
                diags_add(&local, DIAG_ERROR, path, doc->v[i].line,
                          "duplicate key '%s' (first at line %lu)", doc->v[i].key,
                          doc->v[doc->v[i].first].line);
        diags_move(d, &local);
    }
    free(enc);
    diags_release(&local);
    return doc;
}

void
vmx_doc_free(struct vmx_doc *doc)
{
    if (doc == NULL)
        return;
    free(doc->v);
    free(doc->slots);
    free(doc->arena);
    free(doc);
}

static const char *const vmware_keys[] = {
    "guestos", "displayname", "memsize", "numvcpus", ".encoding", "virtualhw.productcompatibility",
    "ethernet0.present", "scsi0.present", "nvram",
};

bool
vmx_doc_is_vmware(const struct vmx_doc *doc)
{
    if (doc->has_nul)
        return false;
    if (vmx_find(doc, "config.version") || vmx_find(doc, "virtualhw.version"))
        return true;
    if (doc->n == 0 || doc->malformed > doc->n)
        return false;
    for (size_t i = 0; i < sizeof(vmware_keys) / sizeof(vmware_keys[0]); i++)
        if (vmx_find(doc, vmware_keys[i]))
            return true;
    return false;
}

size_t
vmx_count(const struct vmx_doc *doc)
{
    return doc->n;
}

const struct vmx_entry *
vmx_at(const struct vmx_doc *doc, size_t i)
{
    return i < doc->n ? &doc->v[i] : NULL;
}

const struct vmx_entry *
vmx_find(const struct vmx_doc *doc, const char *key)
{
    if (doc->nslots == 0)
        return NULL;
    size_t h = hash_key(key) & (doc->nslots - 1);
    while (doc->slots[h]) {
        const struct vmx_entry *e = &doc->v[doc->slots[h] - 1];
        if (strcasecmp(e->lkey, key) == 0)
            return e;
        h = (h + 1) & (doc->nslots - 1);
    }
    return NULL;
}

const char *
vmx_get(const struct vmx_doc *doc, const char *key)
{
    const struct vmx_entry *e = vmx_find(doc, key);
    return e ? e->value : NULL;
}

const struct vmx_entry *
vmx_findf(const struct vmx_doc *doc, const char *fmt, ...)
{
    char key[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(key, sizeof(key), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(key))
        return NULL;
    return vmx_find(doc, key);
}

const char *
vmx_encoding(const struct vmx_doc *doc)
{
    return vmx_get(doc, ".encoding");
}

size_t
vmx_comment_lines(const struct vmx_doc *doc)
{
    return doc->comments;
}

size_t
vmx_malformed_lines(const struct vmx_doc *doc)
{
    return doc->malformed;
}

bool
vmx_has_crlf(const struct vmx_doc *doc)
{
    return doc->crlf;
}

int
vmx_bool(const char *v)
{
    if (v == NULL)
        return -1;
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
        return 1;
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0"))
        return 0;
    return -1;
}
