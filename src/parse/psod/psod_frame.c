/* psod_frame: the backtrace frame grammar of every ESX/ESXi version.
 *
 *   0x<frame>:[0x<ip>]<Func>@<module>#<version>+0x<off> stack: 0x..[, 0x..]   5.x-9.x
 *   0x<frame>:[0x<ip>]<Func>+0x<off> stack: 0x..                             3.x, 4.0
 *   0x<frame>:[0x<ip>]<Func>@<module>:<version>+0x<off>                      4.1
 *   [0x<ip>]<Func>@<module>#<version>+0x<off>                                KB excerpts
 *   0x<frame>:[0x<ip>]<unknown> stack: 0x0, 0x<frame>:[0x0] stack: 0x0
 *   pcpu 118 Heartbeat NMI: 0x<frame>:[0x<ip>]...                            saved backtrace
 *   #0  DLM_free (msp=...) / #3 0x... in func (...) at file:line            gdb (KB 381540)
 *
 * Module forms: `vmkernel`, `com.vmware.driverAPI`, `(i40en)` (parens
 * removed), `<None>` (NULL), `` of `Func@#+0x..` (kept as ""), and web copies
 * that hid `Func@module` as `[email protected]` or `####@example.com`
 * (module NULL, module_hidden set, function kept only if visible). Masked
 * numbers (`0x####`, `0xADDRESS1`, `0xnnnnnnnn`, `0####`) read as absent. */
#include "parse/psod/psod_impl.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void
psod_frame_release(struct psod_frame *f)
{
    free(f->function);
    free(f->module);
    free(f->version);
    memset(f, 0, sizeof(*f));
}

void
psod_frames_push(struct psod_frames *fs, struct psod_frame *f)
{
    if (fs->n >= PSOD_MAX_FRAMES) {
        fs->dropped++;
        psod_frame_release(f);
        return;
    }
    XGROW(fs->v, fs->cap, fs->n + 1);
    fs->v[fs->n++] = *f;
    memset(f, 0, sizeof(*f));
}

void
psod_frames_release(struct psod_frames *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        psod_frame_release(&fs->v[i]);
    free(fs->v);
    memset(fs, 0, sizeof(*fs));
}

static bool
str_same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

bool
psod_frame_same(const struct psod_frame *a, const struct psod_frame *b)
{
    if (a->has_ip != b->has_ip || (a->has_ip && a->ip != b->ip))
        return false;
    if (a->has_offset != b->has_offset || (a->has_offset && a->offset != b->offset))
        return false;
    return str_same(a->function, b->function) && str_same(a->module, b->module);
}

/* A function name as written: NULL for `<unknown>`, masks and nothing. */
static char *
function_dup(const char *s, size_t n)
{
    pt_trim(&s, &n);
    /* a name has no blanks: anything after one is not the name */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t') {
            n = i;
            break;
        }
    }
    if (n == 0 || pt_eq(s, n, "<unknown>") || pt_placeholder(s, n))
        return NULL;
    return pt_dup(s, n);
}

/* Sets module/version from `mod#ver`, `mod:ver`, `(mod)#<None>`, `#`. */
static void
module_version(struct psod_frame *f, const char *s, size_t n)
{
    const char *hash = memchr(s, '#', n);
    const char *sep = hash;
    if (sep == NULL) {
        sep = memchr(s, ':', n); /* 4.1: DLM_free@vmkernel:nover */
    }
    size_t mlen = sep ? (size_t)(sep - s) : n;
    const char *m = s;
    pt_trim(&m, &mlen);
    if (mlen >= 2 && m[0] == '(' && m[mlen - 1] == ')') {
        m++;
        mlen -= 2;
    }
    if (pt_find(m, mlen, "example.com") || pt_find(m, mlen, "email protected") ||
        memchr(m, '@', mlen) != NULL) {
        f->module_hidden = true;
    } else if (pt_eq(m, mlen, "<None>") || pt_placeholder(m, mlen)) {
        /* module unknown */
    } else if (mlen == 0) {
        f->module = xstrdup(""); /* `Func@#+0x..`: a module without symbols */
    } else {
        f->module = pt_dup(m, mlen);
    }
    if (sep != NULL) {
        const char *v = sep + 1;
        size_t vlen = n - (size_t)(v - s);
        pt_trim(&v, &vlen);
        if (vlen > 0 && !pt_eq(v, vlen, "<None>") && !pt_placeholder(v, vlen))
            f->version = pt_dup(v, vlen);
    }
}

/* Reads what follows `]`: the symbol and offset, up to `stack:`. */
static void
parse_symbol(struct psod_frame *f, const char *s, size_t n)
{
    const char *st = pt_find(s, n, "stack:");
    if (st != NULL)
        n = (size_t)(st - s);
    pt_trim(&s, &n);
    if (n == 0)
        return;
    /* offset: the last `+0` of the symbol */
    size_t symlen = n;
    for (size_t i = n; i-- > 0;) {
        if (s[i] == '+' && i + 1 < n && s[i + 1] == '0') {
            size_t len;
            uint64_t v;
            int r = pt_hex(s + i + 1, n - i - 1, &len, &v);
            if (r == PT_NONE)
                continue;
            symlen = i;
            if (r == PT_VALUE) {
                f->has_offset = true;
                f->offset = v;
            }
            break;
        }
    }
    const char *sym = s;
    /* Cloudflare hides `local@domain` as `[email protected]` */
    const char *ob = pt_find(sym, symlen, "[email");
    if (ob == NULL)
        ob = pt_find(sym, symlen, "email protected]");
    if (ob != NULL) {
        f->function = function_dup(sym, (size_t)(ob - sym));
        f->module_hidden = true;
        const char *close = memchr(ob, ']', symlen - (size_t)(ob - sym));
        if (close != NULL) {
            const char *rest = close + 1;
            size_t rlen = symlen - (size_t)(rest - sym);
            if (rlen > 0 && rest[0] == '#') {
                const char *v = rest + 1;
                size_t vlen = rlen - 1;
                pt_trim(&v, &vlen);
                if (vlen > 0 && !pt_eq(v, vlen, "<None>") && !pt_placeholder(v, vlen))
                    f->version = pt_dup(v, vlen);
            }
        }
        return;
    }
    const char *at = memchr(sym, '@', symlen);
    if (at == NULL) {
        f->function = function_dup(sym, symlen);
        return;
    }
    f->function = function_dup(sym, (size_t)(at - sym));
    module_version(f, at + 1, symlen - (size_t)(at - sym) - 1);
}

/* `pcpu 118 Heartbeat NMI: ` in front of a frame. Returns the length, or 0. */
static size_t
saved_tag(const char *s, size_t n, struct psod_tag *tag)
{
    if (!pt_starts_ci(s, n, "pcpu "))
        return 0;
    size_t i = 5, len;
    long long v;
    int r = pt_dec(s + i, n - i, &len, &v);
    if (r == PT_NONE)
        return 0;
    size_t rs = pt_ws(s, n, i + len);
    const char *colon = NULL;
    for (size_t k = rs; k + 1 < n && k < rs + 64; k++) {
        if (s[k] == ':' && s[k + 1] == ' ') {
            colon = s + k;
            break;
        }
    }
    if (colon == NULL)
        return 0;
    tag->present = true;
    tag->pcpu = r == PT_VALUE && v < 100000 ? (int)v : -1;
    tag->reason = s + rs;
    tag->reason_len = (size_t)(colon - (s + rs));
    return (size_t)(colon - s) + 2;
}

size_t
psod_saved_tag_len(const char *s, size_t n)
{
    struct psod_tag tg;
    memset(&tg, 0, sizeof(tg));
    return saved_tag(s, n, &tg);
}

bool
psod_parse_frame(const char *s, size_t n, struct psod_frame *f, struct psod_tag *tag)
{
    struct psod_frame fr;
    struct psod_tag tg;
    memset(&fr, 0, sizeof(fr));
    memset(&tg, 0, sizeof(tg));
    tg.pcpu = -1;
    size_t i = pt_ws(s, n, 0);
    i += saved_tag(s + i, n - i, &tg);
    i = pt_ws(s, n, i);
    size_t len;
    uint64_t v;
    bool column = false;
    int r = pt_hex(s + i, n - i, &len, &v);
    if (r != PT_NONE) {
        size_t k = pt_ws(s, n, i + len);
        if (k + 1 >= n || s[k] != ':' || s[k + 1] != '[')
            return false;
        fr.has_frame = r == PT_VALUE;
        fr.frame = v;
        column = true;
        i = k + 1;
    }
    if (i >= n || s[i] != '[')
        return false;
    i = pt_ws(s, n, i + 1);
    r = pt_hex(s + i, n - i, &len, &v);
    if (r == PT_NONE)
        return false;
    fr.has_ip = r == PT_VALUE;
    fr.ip = v;
    i = pt_ws(s, n, i + len);
    if (i >= n || s[i] != ']')
        return false;
    i++;
    if (!column) {
        /* without its frame column, only a symbol makes it a frame */
        if (i >= n || !(isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == '<'))
            return false;
        if (memchr(s + i, '+', n - i) == NULL && memchr(s + i, '@', n - i) == NULL)
            return false;
    }
    parse_symbol(&fr, s + i, n - i);
    *f = fr;
    if (tag != NULL)
        *tag = tg;
    return true;
}

bool
psod_parse_gdb_frame(const char *s, size_t n, struct psod_frame *f)
{
    size_t i = pt_ws(s, n, 0);
    if (i + 3 >= n || s[i] != '#' || !isdigit((unsigned char)s[i + 1]))
        return false;
    i++;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i - d > 3 || i >= n || s[i] != ' ')
        return false;
    i = pt_ws(s, n, i);
    struct psod_frame fr;
    memset(&fr, 0, sizeof(fr));
    size_t len;
    uint64_t v;
    if (pt_starts(s + i, n - i, "0x")) {
        int r = pt_hex(s + i, n - i, &len, &v);
        size_t k = pt_ws(s, n, i + len);
        if (!pt_starts(s + k, n - k, "in "))
            return false;
        fr.has_ip = r == PT_VALUE;
        fr.ip = v;
        i = pt_ws(s, n, k + 3);
    }
    size_t a = i;
    if (i >= n || !(isalpha((unsigned char)s[i]) || s[i] == '_'))
        return false;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':' || s[i] == '.' ||
                     s[i] == '~' || s[i] == '$'))
        i++;
    size_t e = i;
    i = pt_ws(s, n, i);
    if (i < n && s[i] != '(' && !pt_starts(s + i, n - i, "at "))
        return false;
    fr.function = pt_dup(s + a, e - a);
    *f = fr;
    return true;
}

static bool
ident_start(int c)
{
    return isalpha(c) || c == '_';
}

bool
psod_parse_symbol_frame(const char *s, size_t n, struct psod_frame *f)
{
    pt_trim(&s, &n);
    if (n < 3 || !ident_start((unsigned char)s[0]))
        return false;
    size_t i = 1;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$' || s[i] == '.'))
        i++;
    if (i >= n || s[i] != '@')
        return false;
    size_t m = ++i;
    while (i < n && (isalnum((unsigned char)s[i]) || strchr("_.()<>#+:-", s[i]) != NULL) &&
           s[i] != '\0')
        i++;
    if (i == m || !(isalnum((unsigned char)s[m]) || s[m] == '(' || s[m] == '#' || s[m] == '<'))
        return false;
    size_t end = i;
    i = pt_ws(s, n, i);
    if (i < n && !pt_starts(s + i, n - i, "stack:"))
        return false; /* words after it: a sentence, not a frame */
    struct psod_frame fr;
    memset(&fr, 0, sizeof(fr));
    parse_symbol(&fr, s, end);
    if (fr.function == NULL) {
        psod_frame_release(&fr);
        return false;
    }
    *f = fr;
    return true;
}

bool
psod_frame_like(const char *s, size_t n)
{
    return pt_find(s, n, ":[0x") != NULL || pt_find(s, n, ":[ 0x") != NULL;
}
