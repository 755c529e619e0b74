/* vmx_parse: a pure reader of VMware's key = value dictionary files.
 *
 * Every string of a document lives in one arena block owned by the document;
 * entries point into it. The arena starts with a copy of the file whose line
 * ends are turned into NULs (so each raw line is a string in place), followed
 * by the keys, lower-cased keys and values. Lookups use an open-addressing
 * hash on the lower-cased key so rules can ask for any key in O(1). */
#include "parse/vmx/vmx_parse.h"
#include "parse/vmx/codepage.h"
#include "util/util_text.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A hash-table slot: the first entry with a key, and the key's hash. */
struct bucket {
    uint32_t hash;
    uint32_t entry; /* index + 1; 0 = empty (VMX_MAX_BYTES has fewer lines) */
};

struct vmx_doc {
    struct vmx_entry *v;
    size_t n;
    struct bucket *buckets;
    size_t nbuckets; /* a power of two, at least twice n */
    char *arena;     /* all strings: the file's lines, then keys and values */
    size_t arena_len, arena_cap;
    size_t comments, malformed, lines;
    size_t nul_lines;  /* lines holding a NUL byte (each also malformed) */
    size_t nuls;       /* NUL bytes in the file */
    size_t first_nul;  /* offset of the first */
    const char *utf16; /* "UTF-16LE"/"UTF-16BE" when the file had that BOM, else NULL */
    bool crlf;
    bool is_vmware;    /* looks_vmware, worked out once the document is built */
    char why_not[384]; /* when !is_vmware: the reason, for vmx_doc_not_vmware_reason */
};

/* Arena strings are referred to by offset while the arena may still move
 * (only convert_values grows it past what vmx_parse reserves). */
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

/* ascii_lower of 8 bytes at once. Per byte: b7 = the byte without its top
 * bit; b7 + 0x3F and b7 + 0x25 carry into the top bit exactly when b7 >= 'A'
 * and b7 > 'Z' (no carry leaves the byte); a letter gets 0x20 added. */
static uint64_t
lower_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, tops = ones * 0x80;
    uint64_t b7 = w & ~tops;
    uint64_t ge_a = b7 + ones * (0x80 - 'A'), gt_z = b7 + ones * (0x80 - 'Z' - 1);
    uint64_t upper = ge_a & ~gt_z & ~w & tops;
    return w | (upper >> 2);
}

static uint64_t
mix(uint64_t h)
{
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

/* Copies the len bytes of k lower-cased to lkey (and as they are to key,
 * unless NULL), 8 at a time, and returns the hash of the lower-cased key.
 * Every key is hashed here, when stored and when looked up, so a key hashes
 * the same however it is cased. Writes no NUL. */
static uint32_t
copy_key(char *key, char *lkey, const char *k, size_t len)
{
    uint64_t h = len, w;
    size_t i = 0;
    for (; i + sizeof(w) <= len; i += sizeof(w)) {
        memcpy(&w, k + i, sizeof(w));
        if (key)
            memcpy(key + i, &w, sizeof(w));
        w = lower_word(w);
        memcpy(lkey + i, &w, sizeof(w));
        h = mix(h ^ w);
    }
    w = 0;
    for (size_t j = 0; i < len; i++, j++) {
        if (key)
            key[i] = k[i];
        lkey[i] = (char)ascii_lower((unsigned char)k[i]);
        w |= (uint64_t)(unsigned char)lkey[i] << (8 * j);
    }
    return (uint32_t)mix(h ^ w);
}

/* Appends the key as written, then lower-cased; returns the offset of the
 * first (the second is len + 1 bytes on) and sets *hash to copy_key's. */
static size_t
arena_add_key(struct vmx_doc *doc, const char *k, size_t len, uint32_t *hash)
{
    size_t off = doc->arena_len;
    XGROW(doc->arena, doc->arena_cap, doc->arena_len + 2 * (len + 1));
    char *key = doc->arena + off, *lkey = key + len + 1;
    *hash = copy_key(key, lkey, k, len);
    key[len] = lkey[len] = '\0';
    doc->arena_len += 2 * (len + 1);
    return off;
}

/* Escape_Undo('|') of open-vm-tools lib/misc/escape.c: `|XY` → byte 0xXY; an
 * invalid sequence stays literal. As in its state machine, the bytes read
 * after a `|` are never themselves the start of a sequence: `||41` and
 * `|4|41` stay as written. Writes at most `len` bytes to `out`; returns how
 * many. */
size_t
vmx_unescape(char *out, const char *s, size_t len)
{
    const char *bar = memchr(s, '|', len);
    if (bar == NULL) { /* the common case: nothing to undo */
        memcpy(out, s, len);
        return len;
    }
    size_t i = 0, o = 0;
    while (i < len) {
        if (s[i] != '|') {
            out[o++] = s[i++];
            continue;
        }
        int hi = i + 1 < len ? hexval((unsigned char)s[i + 1]) : -1;
        int lo = hi >= 0 && i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
        if (lo >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 3;
            continue;
        }
        /* `|` + non-hex, or `|X` + non-hex: keep what the state machine consumed. */
        size_t n = hi >= 0 ? 3 : 2;
        if (n > len - i)
            n = len - i;
        memcpy(out + o, s + i, n);
        o += n;
        i += n;
    }
    return o;
}

/* Appends the unescaped value; returns its offset. */
static size_t
arena_add_value(struct vmx_doc *doc, const char *v, size_t len)
{
    size_t off = doc->arena_len;
    XGROW(doc->arena, doc->arena_cap, doc->arena_len + len + 1);
    size_t n = vmx_unescape(doc->arena + off, v, len);
    doc->arena[off + n] = '\0';
    doc->arena_len += n + 1;
    return off;
}

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* Bytes that end a name: blanks, '#', '=' and NUL (one table look-up each). */
static const bool ends_name[256] = {
    [' '] = true, ['\t'] = true, ['#'] = true, ['='] = true, ['\0'] = true};

/* An entry while the arena may still move: offsets instead of pointers. */
struct pending {
    size_t key, lkey, value, raw;
    uint32_t hash; /* copy_key's hash of the key */
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
    while (i < len && !ends_name[(unsigned char)s[i]])
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
        const char *q = memchr(s + i, '"', len - i);
        if (q == NULL) {
            *why = "unbalanced quote";
            return -1;
        }
        i = (size_t)(q - s);
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

/* Fills the hash table and each entry's `first`; pend[i].hash is entry i's. */
static void
index_entries(struct vmx_doc *doc, const struct pending *pend)
{
    doc->nbuckets = 16;
    while (doc->nbuckets < doc->n * 2)
        doc->nbuckets *= 2;
    doc->buckets = xcalloc(doc->nbuckets, sizeof(*doc->buckets));
    size_t mask = doc->nbuckets - 1;
    for (size_t i = 0; i < doc->n; i++) {
        struct vmx_entry *e = &doc->v[i];
        uint32_t hash = pend[i].hash;
        size_t h = (size_t)hash & mask;
        e->first = -1;
        for (; doc->buckets[h].entry; h = (h + 1) & mask) {
            const struct bucket *b = &doc->buckets[h];
            if (b->hash == hash && strcmp(doc->v[b->entry - 1].lkey, e->lkey) == 0) {
                e->first = (long)(b->entry - 1);
                break;
            }
        }
        if (e->first < 0)
            doc->buckets[h] = (struct bucket){hash, (uint32_t)(i + 1)};
    }
}

/* The name of the encoding for messages: as written, or what is assumed. */
static const char *
enc_label(const char *enc)
{
    return enc ? enc : "UTF-8 (the file has no .encoding)";
}

/* Re-encodes every non-ASCII value from code page `t` (named `enc` in the
 * file) to UTF-8 as a new arena string and points pend[i].value at it; with
 * the UTF-8 table, checks the values and rewrites only the invalid ones.
 * Bytes that are not text in `t` become U+FFFD in the value and each such
 * value is an error naming its line, key and the encoding. */
static void
convert_values(struct vmx_doc *doc, struct pending *pend, size_t npend, const struct cp_table *t,
               const char *enc, const char *path, struct diags *d)
{
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < npend; i++) {
        const char *v = doc->arena + pend[i].value;
        size_t len = strlen(v);
        bool ascii = true;
        for (size_t j = 0; j < len && ascii; j++)
            ascii = (unsigned char)v[j] < 0x80;
        if (ascii)
            continue;
        buf_reset(&out);
        size_t bad_at = 0;
        size_t bad = codepage_decode(t, v, len, &out, &bad_at);
        if (bad > 0)
            diags_add(d, DIAG_ERROR, path, pend[i].line,
                      "value of '%s' is not valid %s text: byte 0x%02X at byte %zu of the "
                      "value%s (shown as U+FFFD)",
                      doc->arena + pend[i].key, enc_label(enc), (unsigned char)v[bad_at],
                      bad_at + 1, bad > 1 ? " and more" : "");
        if (bad > 0 || !codepage_is_utf8(t)) {
            size_t off = arena_add(doc, buf_str(&out), out.len);
            pend[i].value = off;
        }
    }
    buf_release(&out);
}

/* Walks the lines of a text; LF, CRLF and a lone CR each end a line. */
struct line_cursor {
    const char *data;
    size_t len, pos;
    size_t nl, cr; /* offset of the next \n / \r at or after pos, or len */
    bool crlf;     /* a CRLF was seen */
};

static size_t
next_byte(const struct line_cursor *c, size_t from, char byte)
{
    const char *p = memchr(c->data + from, byte, c->len - from);
    return p ? (size_t)(p - c->data) : c->len;
}

static void
cursor_init(struct line_cursor *c, const char *data, size_t len, size_t pos)
{
    *c = (struct line_cursor){.data = data, .len = len, .pos = pos};
    c->nl = next_byte(c, pos, '\n');
    c->cr = next_byte(c, pos, '\r');
}

/* Sets [*start, *end) to the next line without its line end; false at the
 * end of the text. */
static bool
next_line(struct line_cursor *c, size_t *start, size_t *end)
{
    if (c->pos >= c->len)
        return false;
    if (c->nl < c->pos)
        c->nl = next_byte(c, c->pos, '\n');
    if (c->cr < c->pos)
        c->cr = next_byte(c, c->pos, '\r');
    *start = c->pos;
    *end = c->nl < c->cr ? c->nl : c->cr;
    c->pos = *end;
    if (c->pos < c->len) {
        if (c->data[c->pos] == '\r' && c->pos + 1 < c->len && c->data[c->pos + 1] == '\n') {
            c->pos++;
            c->crlf = true;
        }
        c->pos++;
    }
    return true;
}

/* What the pass over the lines gives besides the document's counts. */
struct entries {
    struct pending *v; /* in file order */
    size_t n, cap;
    struct diags malformed; /* then more problems; reported only for a VMware config */
};

/* The pass over the lines: counts comments and malformed lines and appends
 * every entry to `out`, its strings to the arena. */
static void
read_entries(struct vmx_doc *doc, const char *data, size_t len, const char *path,
             struct entries *out)
{
    XGROW(out->v, out->cap, len / 32 + 8); /* a .vmx line is about 40 bytes */
    struct line_cursor c;
    size_t start, end;
    unsigned long line = 0;
    cursor_init(&c, data, len, len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0);
    while (next_line(&c, &start, &end)) {
        line++;
        doc->arena[end] = '\0'; /* the raw line, in the arena's copy of the file */
        const char *k, *v, *why = NULL;
        size_t klen, vlen;
        const char *nul = doc->nuls ? memchr(data + start, '\0', end - start) : NULL;
        if (nul) {
            /* No reader of VMware's takes a NUL inside a line: the line is
             * not read, the rest of the file is. */
            size_t at = (size_t)(nul - data);
            doc->malformed++;
            doc->nul_lines++;
            diags_add(&out->malformed, DIAG_ERROR, path, line,
                      "NUL byte at byte %zu of the line (offset %zu of the %s); line not read",
                      at - start + 1, at, doc->utf16 ? "text converted from UTF-16" : "file");
            continue;
        }
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
            diags_add(&out->malformed, DIAG_ERROR, path, line, "not a 'name = value' line (%s)",
                      why);
            continue;
        }
        XGROW(out->v, out->cap, out->n + 1);
        struct pending *p = &out->v[out->n++];
        p->line = line;
        p->raw = start;
        p->key = arena_add_key(doc, k, klen, &p->hash);
        p->lkey = p->key + klen + 1;
        p->value = arena_add_value(doc, v, vlen);
    }
    doc->lines = line;
    doc->crlf = c.crlf;
}

static const char *const vmware_keys[] = {
    "guestos",           "displayname",   "memsize",
    "numvcpus",          ".encoding",     "virtualhw.productcompatibility",
    "ethernet0.present", "scsi0.present", "nvram",
};

/* A NUL byte alone does not make a file "not VMware": a config with a NUL
 * in one line is still a config (that line is an error). Binaries are told
 * apart by their lines: most are not `name = value`. Sets doc->why_not. */
static bool
looks_vmware(struct vmx_doc *doc)
{
    if (vmx_find(doc, "config.version") || vmx_find(doc, "virtualhw.version"))
        return true;
    char nuls[96] = "";
    if (doc->nuls)
        snprintf(nuls, sizeof(nuls), "; %zu NUL bytes, the first at offset %zu: binary data?",
                 doc->nuls, doc->first_nul);
    if (doc->n == 0) {
        snprintf(doc->why_not, sizeof(doc->why_not), "no 'name = value' line in %zu lines%s",
                 doc->lines, nuls);
        return false;
    }
    if (doc->malformed > doc->n) {
        snprintf(doc->why_not, sizeof(doc->why_not),
                 "%zu of %zu lines are not 'name = value' lines, and there is no "
                 "config.version or virtualHW.version%s",
                 doc->malformed, doc->lines, nuls);
        return false;
    }
    for (size_t i = 0; i < sizeof(vmware_keys) / sizeof(vmware_keys[0]); i++)
        if (vmx_find(doc, vmware_keys[i]))
            return true;
    snprintf(doc->why_not, sizeof(doc->why_not),
             "no config.version, virtualHW.version or other VMware key (guestOS, displayName, "
             "memSize, numvcpus, .encoding, ...)%s",
             nuls);
    return false;
}

/* A document whose arena holds a copy of the file, with room for every key
 * and value: an entry line of L bytes adds at most 2 * L + 1 (the key twice
 * and the value, each with a NUL), so 3 * len + 2 in all, and only a
 * conversion from .encoding grows the arena. */
static struct vmx_doc *
doc_new(const char *data, size_t len)
{
    struct vmx_doc *doc = xcalloc(1, sizeof(*doc));
    doc->arena_cap = 3 * len + 2;
    doc->arena = xmalloc(doc->arena_cap);
    memcpy(doc->arena, data, len);
    doc->arena[len] = '\0';
    doc->arena_len = len + 1;
    for (const char *p = data, *end = data + len; (p = memchr(p, '\0', (size_t)(end - p))); p++)
        if (doc->nuls++ == 0)
            doc->first_nul = (size_t)(p - data);
    return doc;
}

/* The first .encoding entry, or NULL. */
static const struct pending *
encoding_of(const struct vmx_doc *doc, const struct entries *ent)
{
    for (size_t i = 0; i < ent->n; i++) {
        const char *lkey = doc->arena + ent->v[i].lkey;
        if (lkey[0] == '.' && strcmp(lkey, ".encoding") == 0)
            return &ent->v[i];
    }
    return NULL;
}

/* Line (1-based) of UTF-16 code unit offset `at`: LFs before it, plus one. */
static unsigned long
utf16_line(const char *data, size_t at, bool be)
{
    unsigned long line = 1;
    for (size_t i = 0; i + 1 < at; i += 2)
        line += (unsigned char)data[i + !be] == 0 && data[i + be] == '\n';
    return line;
}

/* Settles the text of the values: from the UTF-16 of a file with that BOM
 * (already converted), or per .encoding (default UTF-8, checked). */
static void
settle_encoding(struct vmx_doc *doc, struct entries *ent, const char *path)
{
    const struct pending *e = encoding_of(doc, ent);
    char *enc = e ? xstrdup(doc->arena + e->value) : NULL;
    unsigned long enc_line = e ? e->line : 0;
    struct diags *d = &ent->malformed;
    if (doc->utf16) {
        const struct cp_table *t = enc ? codepage_find(enc) : NULL;
        if (enc && strncasecmp(enc, "UTF-16", 6) != 0 && !(t && codepage_is_utf8(t)))
            diags_add(d, DIAG_NOTE, path, enc_line,
                      ".encoding '%s' ignored: the file is %s (byte-order mark)", enc, doc->utf16);
    } else if (enc && codepage_find(enc) == NULL) {
        diags_add(d, DIAG_ERROR, path, enc_line,
                  "unknown .encoding '%s': its non-ASCII text cannot be read (known: UTF-8, "
                  "windows-1250 to 1258, windows-874, ISO-8859-1 to 16, KOI8-R, KOI8-U, "
                  "Shift_JIS/windows-932, EUC-JP, GBK/GB2312/windows-936, Big5/windows-950, "
                  "EUC-KR/windows-949)",
                  enc);
    } else {
        const struct cp_table *t = codepage_find(enc ? enc : "UTF-8");
        convert_values(doc, ent->v, ent->n, t, enc, path, d);
    }
    free(enc);
}

struct vmx_doc *
vmx_parse(const char *data, size_t len, const char *path, struct diags *d)
{
    if (len > VMX_MAX_BYTES) {
        diags_add(d, DIAG_ERROR, path, 0, "file is %zu bytes; a VMware config is at most %u", len,
                  VMX_MAX_BYTES);
        return NULL;
    }
    /* A UTF-16 file (Notepad's "Unicode") with its byte-order mark is read
     * as the UTF-8 it converts to; lines and values are then those of the
     * converted text. */
    struct buf u16 = BUF_INIT;
    const char *utf16 = NULL;
    size_t u16_bad = 0, u16_at = 0;
    unsigned long u16_line = 0;
    if (len >= 2 && ((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE))
        utf16 = "UTF-16LE";
    else if (len >= 2 && ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF))
        utf16 = "UTF-16BE";
    if (utf16) {
        bool be = utf16[6] == 'B';
        u16_bad = codepage_utf16(data + 2, len - 2, be, &u16, &u16_at);
        if (u16_bad) {
            u16_line = utf16_line(data + 2, u16_at, be);
            u16_at += 2;
        }
        data = buf_str(&u16);
        len = u16.len;
    }
    struct vmx_doc *doc = doc_new(data, len);
    doc->utf16 = utf16;
    struct entries ent = {NULL, 0, 0, DIAGS_INIT};
    read_entries(doc, data, len, path, &ent);
    if (u16_bad)
        diags_add(&ent.malformed, DIAG_ERROR, path, u16_line,
                  "not valid %s: %zu unpaired surrogate(s) or odd byte, the first at offset %zu "
                  "of the file (shown as U+FFFD)",
                  utf16, u16_bad, u16_at);

    /* Values are final only once the encoding is known. */
    settle_encoding(doc, &ent, path);

    /* The arena no longer moves: turn offsets into pointers. */
    doc->n = ent.n;
    doc->v = xreallocarray(NULL, ent.n, sizeof(*doc->v)); /* each is set below */
    for (size_t i = 0; i < ent.n; i++) {
        const struct pending *p = &ent.v[i];
        doc->v[i] = (struct vmx_entry){.key = doc->arena + p->key,
                                       .lkey = doc->arena + p->lkey,
                                       .value = doc->arena + p->value,
                                       .raw = doc->arena + p->raw,
                                       .line = p->line,
                                       .first = -1};
    }
    index_entries(doc, ent.v);
    free(ent.v);
    buf_release(&u16);
    doc->is_vmware = looks_vmware(doc);

    struct diags *local = &ent.malformed;
    if (vmx_doc_is_vmware(doc)) {
        for (size_t i = 0; i < doc->n; i++)
            if (doc->v[i].first >= 0)
                diags_add(local, DIAG_ERROR, path, doc->v[i].line,
                          "duplicate key '%s' (first at line %lu)", doc->v[i].key,
                          doc->v[doc->v[i].first].line);
        diags_move(d, local);
    }
    diags_release(local);
    return doc;
}

void
vmx_doc_free(struct vmx_doc *doc)
{
    if (doc == NULL)
        return;
    free(doc->v);
    free(doc->buckets);
    free(doc->arena);
    free(doc);
}

bool
vmx_doc_is_vmware(const struct vmx_doc *doc)
{
    return doc->is_vmware;
}

const char *
vmx_doc_not_vmware_reason(const struct vmx_doc *doc)
{
    return doc->is_vmware ? NULL : doc->why_not;
}

const struct vmx_entry *
vmx_doc_encrypted(const struct vmx_doc *doc)
{
    const struct vmx_entry *e = vmx_find(doc, "encryption.keySafe");
    return e ? e : vmx_find(doc, "encryption.data");
}

const char *
vmx_doc_utf16(const struct vmx_doc *doc)
{
    return doc->utf16;
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
    if (doc->nbuckets == 0)
        return NULL;
    char small[128];
    size_t len = strlen(key);
    char *lkey = len < sizeof(small) ? small : xmalloc(len + 1);
    uint32_t hash = copy_key(NULL, lkey, key, len);
    lkey[len] = '\0';
    const struct vmx_entry *found = NULL;
    size_t mask = doc->nbuckets - 1;
    for (size_t h = hash & mask; doc->buckets[h].entry; h = (h + 1) & mask) {
        const struct bucket *b = &doc->buckets[h];
        const struct vmx_entry *e = &doc->v[b->entry - 1];
        if (b->hash == hash && strcmp(e->lkey, lkey) == 0) {
            found = e;
            break;
        }
    }
    if (lkey != small)
        free(lkey);
    return found;
}

const char *
vmx_get(const struct vmx_doc *doc, const char *key)
{
    const struct vmx_entry *e = vmx_find(doc, key);
    return e ? e->value : NULL;
}

/* vsnprintf for the formats key patterns use: %s, %d and %% (a key is looked
 * up per device, so this is hot). Returns 1 when the key was written, 0 when
 * it does not fit in `size`, -1 when `fmt` has another conversion. */
static int
format_key(char *key, size_t size, const char *fmt, va_list ap)
{
    size_t n = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%' || f[1] == '%') {
            if (n + 1 >= size)
                return 0;
            key[n++] = *f;
            f += *f == '%';
            continue;
        }
        char num[DECIMAL_MAX];
        const char *piece = num;
        size_t len;
        if (*++f == 's') {
            piece = va_arg(ap, const char *);
            if (piece == NULL)
                return -1; /* as vsnprintf writes it */
            len = strlen(piece);
        } else if (*f == 'd') {
            len = fmt_decimal(num, va_arg(ap, int));
        } else {
            return -1;
        }
        if (len >= size - n)
            return 0;
        memcpy(key + n, piece, len);
        n += len;
    }
    key[n] = '\0';
    return 1;
}

const struct vmx_entry *
vmx_findf(const struct vmx_doc *doc, const char *fmt, ...)
{
    char key[256];
    va_list ap;
    va_start(ap, fmt);
    int r = format_key(key, sizeof(key), fmt, ap);
    va_end(ap);
    if (r < 0) {
        va_start(ap, fmt);
        int n = vsnprintf(key, sizeof(key), fmt, ap);
        va_end(ap);
        r = n >= 0 && (size_t)n < sizeof(key);
    }
    return r ? vmx_find(doc, key) : NULL;
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
