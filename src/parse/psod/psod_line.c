/* psod_line: turning one physical line into the pieces the reader decodes.
 *
 * Exists because crash text arrives in many wrappings: vmkernel.log and
 * LogEFI prefixes (`TS cpuN:W)`, `TS In(14) LogEFI[pid]:`, 4.x uptime
 * `d:hh:mm:ss.mmm cpuN:W)`, masked `cpu##:####)`), ANSI colours of the 7.x
 * banner, the blog escape `'@'`, bullets of KB pages, and whole screens
 * pasted as one line (ugg.li/?p=921, KB 428541). It also holds the cheap test that
 * lets a multi-GB log pass through: a line with none of a few needles is
 * rejected after one table lookup per byte. */
#include "parse/psod/psod_impl.h"
#include "util/util_buf.h"

#include <ctype.h>
#include <string.h>

/* ---- cleaning ---- */

/* Length of an ANSI CSI sequence's tail at s (after ESC or the literal `^[`):
 * `[` params final, or 0 when it is not one. */
static size_t
csi_len(const char *s, size_t n)
{
    if (n == 0 || s[0] != '[')
        return 0;
    size_t i = 1;
    while (i < n && (isdigit((unsigned char)s[i]) || s[i] == ';' || s[i] == '?'))
        i++;
    if (i < n && s[i] >= 0x40 && s[i] <= 0x7e)
        return i + 1;
    return 0;
}

/* `**` at in[i] (a run of exactly two stars) that opens or closes markdown
 * bold; a masked value (`**:**:**`, `PCPU****`, `cpu*:`) is no bold. */
static bool
in_set(int c, const char *set)
{
    return c != 0 && strchr(set, c) != NULL;
}

static bool
bold_marker(const char *in, size_t n, size_t i)
{
    if (i + 1 >= n || in[i + 1] != '*' || (i > 0 && in[i - 1] == '*') ||
        (i + 2 < n && in[i + 2] == '*'))
        return false;
    int prev = i > 0 ? (unsigned char)in[i - 1] : ' ';
    int next = i + 2 < n ? (unsigned char)in[i + 2] : ' ';
    int after = i + 3 < n ? (unsigned char)in[i + 3] : ' ';
    bool prev_blank = prev == ' ' || prev == '\t' || prev == '(' || prev == '"' || prev == '>';
    if (prev_blank && (isalnum(next) || in_set(next, "#@[(<\"`")))
        return true; /* opens */
    bool prev_text = isalnum(prev) || in_set(prev, ")]>\"'`:.");
    bool next_end = next == ' ' || next == '\t' || in_set(next, ",;)\"") ||
                    ((next == '.' || next == ':') && (after == ' ' || after == '\t'));
    return prev_text && (next_end || i + 2 == n);
}

/* An HTML character reference at in[i] (`&lt;`, `&#64;`, `&#x40;`): its
 * length and the ASCII byte it stands for, or 0. */
static size_t
entity(const char *in, size_t n, size_t i, char *out)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&lt;", '<'},   {"&gt;", '>'},    {"&amp;", '&'},
                 {"&quot;", '"'}, {"&apos;", '\''}, {"&nbsp;", ' '}};
    for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
        if (pt_starts(in + i, n - i, named[k].name)) {
            *out = named[k].c;
            return strlen(named[k].name);
        }
    if (i + 3 >= n || in[i + 1] != '#')
        return 0;
    size_t j = i + 2;
    bool hex = in[j] == 'x' || in[j] == 'X';
    j += hex;
    unsigned v = 0;
    size_t d = j;
    while (j < n && j - d < 4 &&
           (hex ? isxdigit((unsigned char)in[j]) : isdigit((unsigned char)in[j]))) {
        int c = (unsigned char)in[j];
        v = v * (hex ? 16 : 10) + (unsigned)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
        j++;
    }
    if (j == d || j >= n || in[j] != ';' || v < 32 || v > 126)
        return 0;
    *out = (char)v;
    return j + 1 - i;
}

void
psod_clean(struct buf *out, const char *in, size_t n, size_t max)
{
    buf_reset(out);
    if (n > max)
        n = max;
    size_t i = 0, run = 0;
    while (i < n) {
        unsigned char c = (unsigned char)in[i];
        if (c != 0 && c != 0x1b && c != '^' && c != '\'' && c != '\\' && c != '*' && c != '`' &&
            c != '&' && c != 0xc2 && c != 0xc3 && c != 0xe2 && c != 0xef) {
            i++;
            continue;
        }
        buf_add(out, in + run, i - run);
        char ent;
        size_t el;
        if (c == 0) {
            buf_addc(out, ' ');
            i++;
        } else if (c == 0x1b) {
            i += 1 + csi_len(in + i + 1, n - i - 1);
        } else if (c == '^' && i + 1 < n && in[i + 1] == '[' &&
                   csi_len(in + i + 2, n - i - 2) > 0) {
            i += 2 + csi_len(in + i + 2, n - i - 2);
        } else if (c == '\'' && i + 2 < n && in[i + 1] == '@' && in[i + 2] == '\'') {
            buf_addc(out, '@');
            i += 3;
        } else if (c == '\\' && i + 1 < n && in_set(in[i + 1], "[]_*#<>()`!-.|{}+~\\")) {
            buf_addc(out, in[i + 1]); /* a markdown escape: `\[`, `\_` */
            i += 2;
        } else if (c == '*' && bold_marker(in, n, i)) {
            i += 2;
        } else if (c == '`') {
            i++; /* markdown code spans and fences */
        } else if (c == '&' && (el = entity(in, n, i, &ent)) > 0) {
            buf_addc(out, ent);
            i += el;
        } else if (c == 0xc2 && i + 1 < n && (unsigned char)in[i + 1] == 0xa0) {
            buf_addc(out, ' '); /* U+00A0 no-break space */
            i += 2;
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)in[i + 1] == 0x80 &&
                   (unsigned char)in[i + 2] >= 0x8b && (unsigned char)in[i + 2] <= 0x8d) {
            i += 3; /* U+200B..U+200D zero-width space, non-joiner, joiner */
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)in[i + 1] == 0x80 &&
                   ((unsigned char)in[i + 2] == 0x93 || (unsigned char)in[i + 2] == 0x94)) {
            buf_addc(out, '-'); /* U+2013 en dash, U+2014 em dash: titles write ` – ` for ` - ` */
            i += 3;
        } else if (c == 0xc3 && i + 2 < n && (unsigned char)in[i + 1] == 0x97 && i > 0 &&
                   in[i - 1] == '0' && isxdigit((unsigned char)in[i + 2])) {
            buf_addc(out, 'x'); /* U+00D7 multiplication sign: `0×36` in a title is 0x36 */
            i += 2;
        } else if (c == 0xef && i + 2 < n && (unsigned char)in[i + 1] == 0xbb &&
                   (unsigned char)in[i + 2] == 0xbf) {
            i += 3; /* U+FEFF byte-order mark / zero-width no-break space */
        } else {
            buf_addc(out, (char)c);
            i++;
        }
        run = i;
    }
    buf_add(out, in + run, n - run);
}

/* ---- log prefixes ---- */

static size_t
token_end(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != ' ' && s[i] != '\t')
        i++;
    return i;
}

/* A real ISO timestamp: DDDD-DD-DDTDD:DD:DD. */
static bool
iso_valid(const char *s, size_t n)
{
    static const char shape[] = "DDDD-DD-DDTDD:DD:DD";
    if (n < sizeof(shape) - 1)
        return false;
    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        if (shape[i] == 'D' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
            return false;
    }
    return true;
}

/* Looks like a timestamp token, masked or not (YYYY-MM-DDTHH:MM:SS.114Z,
 * <YYYY-MM-DD>T<time>Z). */
static bool
ts_like(const char *s, size_t n)
{
    if (n >= 10 && s[4] == '-' && memchr(s, 'T', n) != NULL)
        return true;
    return n >= 6 && (pt_starts(s, n, "<YYYY") || pt_starts(s, n, "YYYY-"));
}

static bool
month_name(const char *s, size_t n)
{
    static const char *const m[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (n != 3)
        return false;
    for (size_t i = 0; i < 12; i++)
        if (memcmp(s, m[i], 3) == 0)
            return true;
    return false;
}

static bool
cpu_digit(int c)
{
    return isdigit(c) || pt_is_mask(c) || c == 'X';
}

/* Matches `cpuN:W)` or `cpuN:W opID=...)` at s; returns its length (0 = no)
 * and the numbers (-1 when masked). */
static size_t
cpu_marker(const char *s, size_t n, int *cpu, long long *world)
{
    if (n < 7 || s[0] != 'c' || s[1] != 'p' || s[2] != 'u')
        return 0;
    size_t i = 3, a = i;
    while (i < n && i - a < 6 && cpu_digit((unsigned char)s[i]))
        i++;
    if (i == a || i >= n || s[i] != ':')
        return 0;
    size_t cend = i;
    size_t b = ++i;
    while (i < n && i - b < 20 && cpu_digit((unsigned char)s[i]))
        i++;
    if (i == b || i >= n)
        return 0;
    size_t wend = i;
    if (s[i] == ' ') {
        if (!pt_starts(s + i + 1, n - i - 1, "opID="))
            return 0;
        const char *rp = memchr(s + i, ')', n - i < 128 ? n - i : 128);
        if (rp == NULL)
            return 0;
        i = (size_t)(rp - s);
    }
    if (s[i] != ')')
        return 0;
    size_t len;
    long long v;
    *cpu = pt_dec(s + a, cend - a, &len, &v) == PT_VALUE && len == cend - a && v < 100000 ? (int)v
                                                                                          : -1;
    *world = pt_dec(s + b, wend - b, &len, &v) == PT_VALUE && len == wend - b ? v : -1;
    return i + 1;
}

/* `In(14)`, `Wa(180)`, `In(14)[+]`, `In(14)+`: the 8.0 syslog severity. */
static size_t
severity_len(const char *s, size_t n)
{
    if (n < 5 || !isupper((unsigned char)s[0]) || !islower((unsigned char)s[1]) || s[2] != '(')
        return 0;
    size_t i = 3;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == 3 || i >= n || s[i] != ')')
        return 0;
    i++;
    if (pt_starts(s + i, n - i, "[+]"))
        i += 3;
    else if (i < n && s[i] == '+')
        i++;
    return (i == n || s[i] == ' ') ? i : 0;
}

/* `LogEFI[2098777]:`, `vmkernel:`, `LogEFI:` ending at a blank or the end. */
static size_t
program_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 64 && s[i] != ' ' && s[i] != ':')
        i++;
    if (i == 0 || i >= n || s[i] != ':')
        return 0;
    i++;
    return (i == n || s[i] == ' ') ? i : 0;
}

/* `1. `, `12) `: a numbered-list marker at i; its length or 0. */
static size_t
numbered(const char *s, size_t n, size_t i)
{
    size_t k = i;
    while (k < n && k - i < 3 && isdigit((unsigned char)s[k]))
        k++;
    if (k == i || k + 1 >= n || (s[k] != '.' && s[k] != ')') || s[k + 1] != ' ')
        return 0;
    return k + 2 - i;
}

static size_t
skip_bullets(const char *s, size_t n, size_t i)
{
    for (int k = 0; k < 3; k++) {
        i = pt_ws(s, n, i);
        if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '>' || s[i] == '+') &&
            s[i + 1] == ' ')
            i += 2;
        else if (numbered(s, n, i) > 0)
            i += numbered(s, n, i);
        else if (i < n && s[i] == '|' && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t'))
            i += 1; /* a markdown table cell */
        else if (i + 3 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
                 (unsigned char)s[i + 2] == 0xa2 && s[i + 3] == ' ')
            i += 4; /* U+2022 BULLET */
        else
            break;
    }
    return i;
}

static void
set_timestamp(struct psod_prefix *p, const char *s, size_t n, size_t start, size_t end)
{
    size_t t1 = token_end(s, end, start);
    if (iso_valid(s + start, t1 - start)) {
        p->ts = s + start;
        p->tslen = t1 - start;
        return;
    }
    if (month_name(s + start, t1 - start)) { /* "Mar 9 23:53:24 host vmkernel: ..." */
        size_t k = pt_ws(s, end, t1);
        size_t t2 = token_end(s, end, k);
        k = pt_ws(s, end, t2);
        size_t t3 = token_end(s, end, k);
        if (t3 > k && t3 - start < 24 && memchr(s + k, ':', t3 - k) != NULL) {
            p->ts = s + start;
            p->tslen = t3 - start;
        }
    }
    (void)n;
}

size_t
psod_strip_prefix(const char *s, size_t n, struct psod_prefix *p)
{
    memset(p, 0, sizeof(*p));
    p->cpu = -1;
    p->world = -1;
    size_t i = skip_bullets(s, n, 0);
    size_t lim = n - i < 128 ? n : i + 128;
    /* `... cpuN:W)` within the first 128 bytes, after at most 6 words */
    int words = 0;
    for (size_t j = i; j < lim; j++) {
        if (j > i && s[j - 1] == ' ' && s[j] != ' ')
            words++;
        if (words > 6 || s[j] == '@' || (s[j] == '[' && j > i && s[j - 1] == ':'))
            break;
        if (s[j] != 'c' || (j > i && s[j - 1] != ' ' && s[j - 1] != '\t'))
            continue;
        int cpu;
        long long world;
        size_t len = cpu_marker(s + j, n - j, &cpu, &world);
        if (len == 0)
            continue;
        p->present = true;
        p->cpu = cpu;
        p->world = world;
        if (j > i)
            set_timestamp(p, s, n, i, j);
        return j + len;
    }
    /* 8.0 syslog form without a cpu: `TS In(14) LogEFI[pid]: body` */
    size_t t1 = token_end(s, n, i);
    size_t k = i;
    bool ts = ts_like(s + i, t1 - i);
    if (ts)
        k = pt_ws(s, n, t1);
    size_t sev = severity_len(s + k, n - k);
    if (sev > 0) {
        size_t k2 = pt_ws(s, n, k + sev);
        size_t prog = program_len(s + k2, n - k2);
        if (prog > 0) {
            p->present = true;
            if (ts)
                set_timestamp(p, s, n, i, t1);
            return pt_ws(s, n, k2 + prog);
        }
    }
    if (ts) {
        p->present = true;
        set_timestamp(p, s, n, i, t1);
        return k;
    }
    return i;
}

/* ---- one-line screens ---- */

static bool
starts_exception_form(const char *s, size_t n)
{
    /* `#PF Exception`, `#GP Exception`, `#NMI Exception` */
    if (n < 12 || s[0] != '#')
        return false;
    size_t i = 1;
    while (i < n && i <= 4 && isupper((unsigned char)s[i]))
        i++;
    return i >= 3 && i <= 4 && pt_starts(s + i, n - i, " Exception");
}

static bool
starts_gdb_frame(const char *s, size_t n)
{
    if (n < 4 || s[0] != '#' || !isdigit((unsigned char)s[1]))
        return false;
    size_t i = 1;
    while (i < n && i < 4 && isdigit((unsigned char)s[i]))
        i++;
    if (i >= n || s[i] != ' ')
        return false;
    i = pt_ws(s, n, i);
    return i < n && (isalpha((unsigned char)s[i]) || s[i] == '_' || pt_starts(s + i, n - i, "0x"));
}

/* A frame with its frame column starts at s: `0x..:[`, `0x.. :[`, `####:[`. */
static bool
starts_frame(const char *s, size_t n)
{
    size_t len;
    uint64_t v;
    if (pt_hex(s, n, &len, &v) == PT_NONE)
        return false;
    size_t k = pt_ws(s, n, len);
    if (!(k + 1 < n && s[k] == ':' && s[k + 1] == '['))
        return false;
    k = pt_ws(s, n, k + 2); /* `#:[Device]` is a masked world and a placeholder */
    return pt_hex(s + k, n - k, &len, &v) != PT_NONE;
}

/* `[0x...]Func`: a frame without its frame column. */
static bool
starts_bare_frame(const char *s, size_t n)
{
    if (n < 6 || s[0] != '[')
        return false;
    size_t k = pt_ws(s, n, 1), len;
    uint64_t v;
    if (!pt_starts(s + k, n - k, "0x") || pt_hex(s + k, n - k, &len, &v) == PT_NONE)
        return false;
    k = pt_ws(s, n, k + len);
    return k + 1 < n && s[k] == ']' && (isalpha((unsigned char)s[k + 1]) || s[k + 1] == '_');
}

/* True when a `pcpu N reason: ` tag ends right at i: the frame there is
 * tagged and stays with its tag. */
static bool
tag_before(const char *s, size_t n, size_t i)
{
    for (size_t b = i > 64 ? i - 64 : 0; b < i; b++)
        if ((s[b] == 'p' || s[b] == 'P') && psod_saved_tag_len(s + b, n - b) == i - b)
            return true;
    return false;
}

/* A `pcpu N reason: ` tag followed by a frame starts at s. */
static bool
starts_tagged_frame(const char *s, size_t n)
{
    size_t t = psod_saved_tag_len(s, n);
    return t > 0 && starts_frame(s + t, n - t);
}

static bool
cut_at(const char *s, size_t n, size_t i)
{
    char prev = s[i - 1];
    bool sp = prev == ' ' || prev == '\t';
    /* `Label: marker` keeps the marker with its label (`Panic Message: @BlueScreen:`) */
    bool label = sp && i >= 2 && s[i - 2] == ':';
    const char *p = s + i;
    size_t m = n - i;
    switch (p[0]) {
    case '@':
        return sp && !label && pt_starts(p, m, "@BlueScreen:");
    case 'B':
        return sp && !label && (pt_starts(p, m, "Backtrace for ") || pt_starts(p, m, "Backtrace:"));
    case 'P':
        return sp && !label &&
               (pt_starts(p, m, "PTEs:") || pt_starts(p, m, "Panic Message:") ||
                pt_starts(p, m, "Panic Details:") || pt_starts(p, m, "PSOD Message:"));
    case 'C':
        return sp && !label && (pt_starts(p, m, "Code start") || pt_starts(p, m, "Coredump to"));
    case 'S':
        return sp && !label &&
               (pt_starts(p, m, "Saved backtrace") || pt_starts(p, m, "Starting coredump"));
    case 'M':
        return sp && !label && pt_starts(p, m, "Module(s) involved");
    case 'c': {
        int cpu;
        long long world;
        if (cpu_marker(p, m, &cpu, &world) == 0)
            return false;
        if (!sp)
            return true;
        /* `TS cpuN:W)`: the cut is at the timestamp already */
        size_t b = i - 1;
        while (b > 0 && s[b - 1] != ' ' && s[b - 1] != '\t')
            b--;
        return !ts_like(s + b, i - 1 - b);
    }
    case '[':
        return sp && starts_bare_frame(p, m);
    case '|':
        return sp; /* a markdown table: each cell is a piece */
    case '#':
        if (sp && !label && (starts_exception_form(p, m) || starts_gdb_frame(p, m)))
            return true;
        return sp && starts_frame(p, m) && !tag_before(s, n, i);
    default:
        break;
    }
    if (!sp)
        return false;
    if ((p[0] == '0' || p[0] == '*') && starts_frame(p, m))
        return !tag_before(s, n, i);
    if ((p[0] == 'p' || p[0] == 'P') && starts_tagged_frame(p, m))
        return true;
    if (isdigit((unsigned char)p[0]) || p[0] == 'Y' || p[0] == '<') {
        size_t e = token_end(s, n, i);
        if (!ts_like(p, e - i) || e + 1 >= n)
            return false;
        int cpu;
        long long world;
        return cpu_marker(s + e + 1, n - e - 1, &cpu, &world) > 0 ||
               severity_len(s + e + 1, n - e - 1) > 0;
    }
    return false;
}

size_t
psod_split(const char *s, size_t n, size_t *cuts, size_t max)
{
    size_t k = 0;
    for (size_t i = 1; i < n && k < max; i++) {
        unsigned char c = (unsigned char)s[i];
        bool sp = s[i - 1] == ' ' || s[i - 1] == '\t';
        /* only bytes that can start a marker get a closer look: most markers
         * follow a blank; `cpuN:W)` may not (`fp=0x1cpu##:####)`) */
        if (c == 'c') {
            if (i + 2 >= n || s[i + 1] != 'p')
                continue;
        } else if (!sp && c == '@') {
            /* a second screen glued to the end of a frame line */
            if ((isalnum((unsigned char)s[i - 1]) || s[i - 1] == ']' || s[i - 1] == ')') &&
                pt_starts(s + i, n - i, "@BlueScreen:"))
                cuts[k++] = i;
            continue;
        } else if (!sp && c == '0') {
            /* a frame glued to the digits before it (`VMK uptime: 1:02:03:56.2830x4539..:[`,
             * `stack: 0x00x4539..:[`) */
            if (i + 1 < n && s[i + 1] == 'x' && isdigit((unsigned char)s[i - 1]) &&
                starts_frame(s + i, n - i))
                cuts[k++] = i;
            continue;
        } else if (!sp) {
            continue;
        } else if (isdigit(c)) {
            /* a timestamp (DDDD-) or a frame (0x.. / 0##) */
            if (!(i + 4 < n && s[i + 4] == '-') &&
                !(c == '0' && i + 1 < n &&
                  (s[i + 1] == 'x' || pt_is_mask((unsigned char)s[i + 1]))))
                continue;
        } else if (c != '@' && c != 'B' && c != 'P' && c != 'C' && c != 'S' && c != 'M' &&
                   c != '[' && c != '#' && c != '*' && c != 'Y' && c != '<' && c != 'p' &&
                   c != '|') {
            continue;
        }
        if (cut_at(s, n, i))
            cuts[k++] = i;
    }
    return k;
}

/* ---- the idle prefilter ---- */

/* Needles that any line able to start a crash or frame its context holds;
 * `anchor` picks a rare byte pair inside the needle for the table. */
#define NEEDLE(lit, anchor)                                                                        \
    {                                                                                              \
        lit, sizeof(lit) - 1, anchor                                                               \
    }
static const struct {
    const char *s;
    size_t len;
    unsigned char anchor;
} needles[] = {
    NEEDLE("BlueScreen", 3),      /* eS */
    NEEDLE("xception", 0),        /* xc: #PF Exception, Machine Check Exception */
    NEEDLE("[0x", 0),             /* frames */
    NEEDLE("[ 0x", 0),            /* frames of KB copies `:[ 0xnnnn ]` */
    NEEDLE("VMware ESX", 8),      /* console banner, Section for VMware ESX */
    NEEDLE("locked up", 2),       /* ck */
    NEEDLE("Panic", 0),           /* Panic from another CPU, NMI IPI: Panic, Panic Message */
    NEEDLE("LINT1", 0),           /* LI */
    NEEDLE("Machine", 0),         /* Machine Check, Hardware (Machine) Error */
    NEEDLE("Backtrace", 3),       /* kt */
    NEEDLE("WARNING: at", 6),     /* G: a driver WARN before a non-fatal backtrace */
    NEEDLE("BUG:", 2),            /* G: */
    NEEDLE("Failed at", 0),       /* Fa */
    NEEDLE("ASSERT", 0),          /* AS */
    NEEDLE("NOT_IMPLEMENTED", 2), /* T_ */
    NEEDLE("PRDA", 1),            /* RD: World: register lines before a crash backtrace */
    NEEDLE("CR0 0x", 1),          /* R0 */
    NEEDLE("heartbeat", 4),       /* tb: no heartbeat, Lost heartbeat */
    NEEDLE("re-acquire", 2),      /* -a */
    NEEDLE("Spin count", 0),      /* Sp */
    NEEDLE("CRITICAL", 1),        /* RI: CRITICAL: Lost access to boot device */
    NEEDLE("UEFI Secure", 1),     /* EF: UEFI Secure Boot failed */
    NEEDLE("IOMMU Fault", 1),     /* OM: a crash when a backtrace follows */
    NEEDLE("ApeiHEST", 3),        /* iH: ApeiHESTNmiHandler requested PSOD */
    /* prose naming functions (psod_named.c), each anchored on a rare pair of
     * bytes: a common one ("ur", "ta") sends every log line to the checks */
    NEEDLE("purple", 2),          /* rp */
    NEEDLE("Purple", 2),          /* rp */
    NEEDLE("PSOD", 1),            /* SO */
    NEEDLE("acktrace", 2),        /* kt: backtrace, Backtrace */
    NEEDLE("function call", 2),   /* nc */
    NEEDLE("\xe3\x83\x91\xe3\x83\xbc", 0), /* パー: translated articles */
    NEEDLE("\xe3\x83\x90\xe3\x83\x83", 0), /* バッ */
    NEEDLE("\xe7\xb4\xab", 0),               /* 紫 */
    NEEDLE("rpura", 0),           /* rp */
    NEEDLE("roxa", 2),            /* xa */
    NEEDLE("violet", 2),          /* ol: violet, violett */
    NEEDLE("ESX", 1),             /* SX: VMware words, the context of `backtrace` in prose */
    NEEDLE("VMware", 1),          /* Mw */
    NEEDLE("vSphere", 0),         /* vS */
    NEEDLE("VMkernel", 1),        /* Mk */
};

#define NNEEDLES (sizeof(needles) / sizeof(needles[0]))

const char *
psod_needle(size_t i)
{
    return i < NNEEDLES ? needles[i].s : NULL;
}

static unsigned
bigram(const char *s)
{
    return (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
}

void
psod_needles_init(unsigned char table[8192])
{
    memset(table, 0, 8192);
    for (size_t i = 0; i < NNEEDLES; i++) {
        unsigned b = bigram(needles[i].s + needles[i].anchor);
        table[b >> 3] |= (unsigned char)(1u << (b & 7));
    }
}

bool
psod_needles_any(const unsigned char table[8192], const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned b = bigram(s + i);
        if (!(table[b >> 3] & (1u << (b & 7))))
            continue;
        for (size_t k = 0; k < NNEEDLES; k++) {
            size_t a = needles[k].anchor;
            if (bigram(needles[k].s + a) != b || i < a)
                continue;
            if (i - a + needles[k].len <= n && memcmp(s + i - a, needles[k].s, needles[k].len) == 0)
                return true;
        }
    }
    return false;
}
