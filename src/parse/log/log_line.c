/* log_line: reads the prefix of one ESX/ESXi log line, every format of
 * kb/esxi-crash-and-logs.md §2 (ESX 3.x to ESXi 9.x), by hand: one pass left
 * to right with byte checks, because `logs` runs it on every line of big
 * files. No regex, no allocation, no state; never reads s[n] or beyond (lines
 * come straight out of a mapped file, not NUL-terminated). The contract and
 * the list of formats are in log_line.h. */
#include "parse/log/log_line.h"
#include "util/util_text.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum {
    MAX_SUBSYS = 40,    /* a vmkernel subsystem name longer than this is prose */
    MAX_TOKEN = 64,     /* program, thread, host and correlator names */
    MAX_TID = 32,       /* `[pid]`, hostd thread ids */
    MAX_OPID = 128,     /* `opID=` values of the vmkernel prefix */
    MAX_BRACKET = 4096, /* how far a hostd `[...]` or a quoted component may reach */
    MAX_WORD = 16,      /* level words */
    MS_PER_DAY = 86400000,
};

/* 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: log_format_iso's range. */
#define MIN_MS (-62167219200000LL)
#define MAX_MS (253402300799999LL)

/* ---- bytes ---- */

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_alnum(char c)
{
    return is_digit(c) || is_alpha(c);
}

/* Subsystem, host and correlator names: `ScsiDeviceIO`, `iscsi_vmk`, `esx405.lab`. */
static bool
is_ident(char c)
{
    return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* Syslog tags: `vmkernel`, `Hostd`, `sfcb-vmware_base`, `vmsyslog.loggers`. */
static bool
is_prog(char c)
{
    return is_ident(c) || c == '/' || c == '@';
}

/* KB copies mask timestamp digits: `YYYY-MM-DDTHH:MM:SS`, `hh:mm:ss`, `####`. */
static bool
is_mask(char c)
{
    return is_alpha(c) || c == '#' || c == '*';
}

static bool
at(const char *s, size_t n, size_t i, char c)
{
    return i < n && s[i] == c;
}

static bool
lit(const char *s, size_t n, size_t i, const char *l, size_t len)
{
    return i <= n && n - i >= len && memcmp(s + i, l, len) == 0;
}

#define LIT(s, n, i, l) lit((s), (n), (i), (l), sizeof(l) - 1)

/* How many bytes from i satisfy ok(), at most max. */
static size_t
run(const char *s, size_t n, size_t i, bool (*ok)(char), size_t max)
{
    size_t k = 0;
    while (i + k < n && k < max && ok(s[i + k]))
        k++;
    return k;
}

/* Up to max digits at i; their value in *v when v is not NULL (then max <= 18). */
static size_t
digits(const char *s, size_t n, size_t i, size_t max, long long *v)
{
    long long x = 0;
    size_t k = 0;
    for (; i + k < n && k < max && is_digit(s[i + k]); k++)
        if (v)
            x = x * 10 + (s[i + k] - '0');
    if (v)
        *v = x;
    return k;
}

static struct log_span
span(size_t a, size_t b)
{
    struct log_span sp = {(uint32_t)a, (uint32_t)(b - a)};
    return sp;
}

static bool
span_is(const char *s, struct log_span sp, const char *l, size_t len)
{
    return sp.len == len && memcmp(s + sp.off, l, len) == 0;
}

static void
raise_level(struct log_prefix *o, enum log_level l)
{
    if (l > o->level)
        o->level = l;
}

/* ---- calendar ---- */

static bool
leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long long y, int m)
{
    static const unsigned char d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long
days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* ---- timestamps ---- */

/* An ISO-8601 time as read; `unknown` when a field is masked or out of range. */
struct stamp {
    int y, mo, d, h, mi, sec, ms;
    int off; /* minutes east of UTC */
    bool clock, seconds;
    bool unknown;
};

/* w digits (or mask characters, which make the stamp unknown) at i. */
static bool
stamp_field(const char *s, size_t n, size_t i, size_t w, int *v, bool *unknown)
{
    if (i > n || n - i < w)
        return false;
    int x = 0;
    bool masked = false;
    for (size_t k = 0; k < w; k++) {
        char c = s[i + k];
        if (is_digit(c))
            x = x * 10 + (c - '0');
        else if (is_mask(c))
            masked = true;
        else
            return false;
    }
    *v = x;
    if (masked)
        *unknown = true;
    return true;
}

/* Exactly two digits at i (no masks: zone offsets). */
static bool
two_digits(const char *s, size_t n, size_t i, int *v)
{
    if (i > n || n - i < 2 || !is_digit(s[i]) || !is_digit(s[i + 1]))
        return false;
    *v = (s[i] - '0') * 10 + (s[i + 1] - '0');
    return true;
}

/* `Z`, `+hh:mm`, `-hh:mm`, `+hhmm` at i; returns the end, i when none. */
static size_t
scan_zone(const char *s, size_t n, size_t i, struct stamp *t)
{
    if (at(s, n, i, 'Z') || at(s, n, i, 'z'))
        return i + 1;
    if (!at(s, n, i, '+') && !at(s, n, i, '-'))
        return i;
    int oh, om;
    size_t e;
    if (!two_digits(s, n, i + 1, &oh))
        return i;
    if (at(s, n, i + 3, ':') && two_digits(s, n, i + 4, &om))
        e = i + 6;
    else if (two_digits(s, n, i + 3, &om))
        e = i + 5;
    else
        return i;
    if (oh > 23 || om > 59)
        t->unknown = true;
    t->off = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    return e;
}

/* `.fff` of any length (a masked `.sss` too; not `Z`, which ends it); keeps ms. */
static size_t
scan_fraction(const char *s, size_t n, size_t i, struct stamp *t)
{
    if (!(at(s, n, i, '.') || at(s, n, i, ',')))
        return i;
    size_t k = i + 1;
    int scale = 100;
    while (k < n && (is_digit(s[k]) || (is_mask(s[k]) && s[k] != 'Z' && s[k] != 'z'))) {
        if (!is_digit(s[k]))
            t->unknown = true;
        else if (scale > 0)
            t->ms += (s[k] - '0') * scale;
        scale /= 10;
        k++;
    }
    return k == i + 1 ? i : k;
}

/* `YYYY-MM-DD[(T| )HH:MM[:SS[.f]][zone]]` at i; returns the end, or 0. */
static size_t
scan_iso(const char *s, size_t n, size_t i, struct stamp *t)
{
    memset(t, 0, sizeof(*t));
    if (!stamp_field(s, n, i, 4, &t->y, &t->unknown) || !at(s, n, i + 4, '-') ||
        !stamp_field(s, n, i + 5, 2, &t->mo, &t->unknown) || !at(s, n, i + 7, '-') ||
        !stamp_field(s, n, i + 8, 2, &t->d, &t->unknown))
        return 0;
    size_t j = i + 10;
    if (!(at(s, n, j, 'T') || at(s, n, j, ' ')))
        return j;
    bool unknown = t->unknown;
    if (!stamp_field(s, n, j + 1, 2, &t->h, &unknown) || !at(s, n, j + 3, ':') ||
        !stamp_field(s, n, j + 4, 2, &t->mi, &unknown))
        return j; /* a date alone */
    t->unknown = unknown;
    t->clock = true;
    j += 6;
    if (at(s, n, j, ':') && stamp_field(s, n, j + 1, 2, &t->sec, &t->unknown)) {
        j += 3;
        t->seconds = true;
        j = scan_fraction(s, n, j, t);
    }
    return scan_zone(s, n, j, t);
}

static bool
stamp_valid(const struct stamp *t)
{
    return !t->unknown && t->mo >= 1 && t->mo <= 12 && t->d >= 1 &&
           t->d <= month_days(t->y, t->mo) && t->h < 24 && t->mi < 60 && t->sec <= 60;
}

static int64_t
stamp_ms(const struct stamp *t)
{
    long long secs = ((long long)t->h * 60 + t->mi) * 60 + t->sec - (long long)t->off * 60;
    return (int64_t)(days_from_civil(t->y, t->mo, t->d) * MS_PER_DAY + secs * 1000 + t->ms);
}

static bool
is_month(const char *s, size_t n, size_t i)
{
    const char *m;
    if (i > n || n - i < 3)
        return false;
    switch (s[i]) { /* by the first letter: log_next_record asks at every word */
    case 'J':
        m = "JanJunJul";
        break;
    case 'F':
        m = "Feb";
        break;
    case 'M':
        m = "MarMay";
        break;
    case 'A':
        m = "AprAug";
        break;
    case 'S':
        m = "Sep";
        break;
    case 'O':
        m = "Oct";
        break;
    case 'N':
        m = "Nov";
        break;
    case 'D':
        m = "Dec";
        break;
    default:
        return false;
    }
    for (; *m; m += 3)
        if (s[i + 1] == m[1] && s[i + 2] == m[2])
            return true;
    return false;
}

/* Syslog `Mar 9 23:53:24`, `Mar  9 23:53:24.123` (no year); returns the end, or 0. */
static size_t
scan_bsd(const char *s, size_t n, size_t i)
{
    if (!is_month(s, n, i) || !at(s, n, i + 3, ' '))
        return 0;
    size_t j = i + 4 + (at(s, n, i + 4, ' ') ? 1 : 0);
    long long d;
    size_t k = digits(s, n, j, 2, &d);
    if (k == 0 || d < 1 || d > 31 || !at(s, n, j + k, ' '))
        return 0;
    j += k + 1;
    int h, mi, sec;
    if (!two_digits(s, n, j, &h) || !at(s, n, j + 2, ':') || !two_digits(s, n, j + 3, &mi) ||
        !at(s, n, j + 5, ':') || !two_digits(s, n, j + 6, &sec) || h > 23 || mi > 59 || sec > 60)
        return 0;
    j += 8;
    if (at(s, n, j, '.') && digits(s, n, j + 1, 9, NULL) > 0)
        j += 1 + digits(s, n, j + 1, 9, NULL);
    return j;
}

bool
log_prefix_year(struct log_prefix *p, const char *s, size_t n, int64_t written_ms)
{
    if (p->has_time || written_ms <= 0 || p->time_text.len == 0 ||
        (size_t)p->time_text.off + p->time_text.len > n)
        return false;
    const char *t = s + p->time_text.off;
    size_t tn = p->time_text.len;
    if (scan_bsd(t, tn, 0) == 0)
        return false;
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int mo = 0;
    while (mo < 12 && memcmp(months + 3 * mo, t, 3) != 0)
        mo++;
    size_t j = 4 + (t[4] == ' ');
    long long d = 0;
    j += digits(t, tn, j, 2, &d) + 1;
    int h = 0, mi = 0, sec = 0;
    two_digits(t, tn, j, &h);
    two_digits(t, tn, j + 3, &mi);
    two_digits(t, tn, j + 6, &sec);
    long long y;
    int wm, wd;
    civil_from_days(written_ms / MS_PER_DAY, &y, &wm, &wd);
    for (int back = 0; back < 2; back++) {
        int64_t ms = (int64_t)(days_from_civil(y - back, mo + 1, (int)d) * MS_PER_DAY) +
                     ((int64_t)h * 3600 + mi * 60 + sec) * 1000;
        if (ms <= written_ms + MS_PER_DAY || back == 1) {
            p->has_time = true;
            p->time_ms = ms;
            return true;
        }
    }
    return false;
}

/* Uptime `D:HH:MM:SS.mmm` or `HH:MM:SS.mmm`; returns the end, or 0. */
static size_t
scan_uptime(const char *s, size_t n, size_t i)
{
    size_t k = digits(s, n, i, 6, NULL);
    if (k == 0 || !at(s, n, i + k, ':'))
        return 0;
    size_t j = i + k;
    int groups = 1;
    while (groups < 4 && at(s, n, j, ':') && digits(s, n, j + 1, 3, NULL) == 2) {
        j += 3;
        groups++;
    }
    if (groups < 3 || (groups == 3 && k > 2) || !at(s, n, j, '.'))
        return 0;
    size_t f = digits(s, n, j + 1, 9, NULL);
    return f == 0 ? 0 : j + 1 + f;
}

/* ---- pieces of prefixes ---- */

/* `cpuN:W)` or 7.0 `cpuN:W opID=x)` at i; fills cpu, world, opid on success and
 * returns the index after `)`, else 0 and touches nothing. */
static size_t
scan_cpu(const char *s, size_t n, size_t i, struct log_prefix *o)
{
    long long cpu, world;
    if (!LIT(s, n, i, "cpu"))
        return 0;
    size_t j = i + 3, k = digits(s, n, j, 6, &cpu);
    if (k == 0 || !at(s, n, j + k, ':'))
        return 0;
    j += k + 1;
    k = digits(s, n, j, 18, &world);
    if (k == 0)
        return 0;
    j += k;
    struct log_span opid = {0, 0};
    if (LIT(s, n, j, " opID=")) {
        size_t v = j + 6, e = v;
        while (e < n && e - v < MAX_OPID && s[e] != ')' && !is_blank(s[e]))
            e++;
        if (e == v)
            return 0;
        opid = span(v, e);
        j = e;
    }
    if (!at(s, n, j, ')'))
        return 0;
    o->cpu = (int)cpu;
    o->world = world;
    if (opid.len)
        o->opid = opid;
    return j + 1;
}

/* 8.0 severity `In(166)`, `Wa`, `In(14)[+]`, `In(14)+` at i; returns the index
 * after it (a blank or the end must follow), else 0. */
static size_t
scan_sev(const char *s, size_t n, size_t i, enum log_level *lv, bool *numbered, bool *cont)
{
    static const struct {
        char a, b;
        enum log_level l;
    } sev[] = {{'E', 'm', LL_EMERGENCY}, {'A', 'l', LL_ALERT},   {'C', 'r', LL_CRITICAL},
               {'E', 'r', LL_ERROR},     {'W', 'a', LL_WARNING}, {'N', 'o', LL_NOTICE},
               {'I', 'n', LL_INFO},      {'D', 'b', LL_DEBUG}};
    if (i > n || n - i < 2)
        return 0;
    size_t m = 0;
    while (m < sizeof(sev) / sizeof(sev[0]) && !(s[i] == sev[m].a && s[i + 1] == sev[m].b))
        m++;
    if (m == sizeof(sev) / sizeof(sev[0]))
        return 0;
    size_t j = i + 2;
    *numbered = false;
    *cont = false;
    if (at(s, n, j, '(')) {
        size_t k = digits(s, n, j + 1, 3, NULL);
        if (k == 0 || !at(s, n, j + 1 + k, ')'))
            return 0;
        j += k + 2;
        *numbered = true;
    }
    if (LIT(s, n, j, "[+]")) {
        j += 3;
        *cont = true;
    } else if (at(s, n, j, '+')) {
        j++;
        *cont = true;
    }
    if (j < n && !is_blank(s[j]))
        return 0;
    *lv = sev[m].l;
    return j;
}

/* Syslog tag `prog:` or `prog[pid]:` at i followed by a blank or the end;
 * returns the index after `:`, else 0. */
static size_t
scan_program(const char *s, size_t n, size_t i, struct log_span *prog)
{
    size_t k = run(s, n, i, is_prog, MAX_TOKEN);
    if (k == 0 || !is_alpha(s[i]))
        return 0;
    size_t j = i + k;
    if (at(s, n, j, '[')) {
        size_t t = run(s, n, j + 1, is_alnum, MAX_TID);
        if (t == 0 || !at(s, n, j + 1 + t, ']'))
            return 0;
        j += t + 2;
    }
    if (!at(s, n, j, ':') || (j + 1 < n && !is_blank(s[j + 1])))
        return 0;
    *prog = span(i, i + k);
    return j + 1;
}

/* hostd level words (5.x-7.x `info`, 4.x `trivia`, lnav's synonyms). */
static enum log_level
word_level(const char *s, size_t len)
{
    static const struct {
        const char *w;
        enum log_level l;
    } words[] = {
        {"trivia", LL_TRIVIA},   {"verbose", LL_VERBOSE}, {"debug", LL_DEBUG},
        {"info", LL_INFO},       {"notice", LL_NOTICE},   {"warning", LL_WARNING},
        {"warn", LL_WARNING},    {"error", LL_ERROR},     {"critical", LL_CRITICAL},
        {"crit", LL_CRITICAL},   {"alert", LL_ALERT},     {"emergency", LL_EMERGENCY},
        {"fatal", LL_EMERGENCY}, {"panic", LL_EMERGENCY},
    };
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        const char *x = words[w].w;
        size_t k = 0;
        while (k < len && x[k] && (s[k] | 0x20) == x[k])
            k++;
        if (k == len && x[k] == '\0')
            return words[w].l;
    }
    return LL_NONE;
}

/* The vmkernel message at b: a printk `<N>` priority, a `WARNING: ` /
 * `ALERT: ` marker (left in the body) and the subsystem before `: ` or
 * `:<line>` (`NMP: `, `NVMEPSA:1645 `). */
static void
vmk_body(const char *s, size_t n, size_t b, struct log_prefix *o)
{
    static const enum log_level printk[8] = {LL_EMERGENCY, LL_ALERT,  LL_CRITICAL, LL_ERROR,
                                             LL_WARNING,   LL_NOTICE, LL_INFO,     LL_DEBUG};
    if (b + 2 < n && s[b] == '<' && s[b + 1] >= '0' && s[b + 1] <= '7' && s[b + 2] == '>') {
        raise_level(o, printk[s[b + 1] - '0']);
        return;
    }
    size_t m = b;
    if (LIT(s, n, b, "WARNING: ")) {
        raise_level(o, LL_WARNING);
        m += 9;
    } else if (LIT(s, n, b, "ALERT: ")) {
        raise_level(o, LL_ALERT);
        m += 7;
    }
    size_t k = run(s, n, m, is_ident, MAX_SUBSYS + 1);
    if (k == 0 || k > MAX_SUBSYS || !is_alpha(s[m]) || !at(s, n, m + k, ':'))
        return;
    size_t c = m + k + 1;
    size_t d = digits(s, n, c, 9, NULL);
    if ((d == 0 && at(s, n, c, ' ')) ||
        (d > 0 && (c + d == n || s[c + d] == ' ' || s[c + d] == ':')))
        o->component = span(m, m + k);
}

/* vobd `[Correlator] 1019369886505us: ` at k; sets component and uptime and
 * returns the body, or 0. Without need_us a correlator alone will do. */
static size_t
vob_body(const char *s, size_t n, size_t k, bool need_us, struct log_prefix *o)
{
    if (!at(s, n, k, '['))
        return 0;
    size_t c = run(s, n, k + 1, is_ident, MAX_TOKEN);
    if (c == 0 || !at(s, n, k + 1 + c, ']'))
        return 0;
    size_t u = skip_blanks(s, n, k + 2 + c);
    size_t d = digits(s, n, u, 20, NULL);
    size_t body;
    if (d > 0 && LIT(s, n, u + d, "us:")) {
        o->uptime = span(u, u + d + 2);
        body = skip_blanks(s, n, u + d + 3);
    } else if (need_us) {
        return 0;
    } else {
        body = u;
    }
    o->component = span(k + 1, k + 1 + c);
    return body;
}

/* A `key=` at i (letters then `=`): hostd bracket fields. */
static bool
is_key(const char *s, size_t n, size_t i)
{
    size_t k = run(s, n, i, is_alpha, MAX_WORD);
    return k > 0 && at(s, n, i + k, '=');
}

/* hostd 6.0+ `[Originator@6876 sub=X opID=Y user=Z]` at i (`[`): component
 * from sub=, opid from opID=; a value runs to the next ` key=` or the bracket
 * end (VM paths may hold blanks), the end being the first `]` followed by a
 * blank or the line end. Returns the body (n when the bracket is cut off). */
static size_t
hostd_bracket(const char *s, size_t n, size_t i, struct log_prefix *o)
{
    size_t e = i + 1;
    while (e < n && e - i < MAX_BRACKET && !(s[e] == ']' && (e + 1 == n || is_blank(s[e + 1]))))
        e++;
    if (e >= n || s[e] != ']')
        e = n;
    for (size_t k = i + 1; k < e; k++) {
        if (s[k - 1] != ' ' || !is_key(s, e, k))
            continue;
        bool sub = LIT(s, e, k, "sub="), opid = LIT(s, e, k, "opID=") || LIT(s, e, k, "opId=");
        if (!sub && !opid)
            continue;
        size_t v = k + (sub ? 4 : 5), end = v;
        while (end < e && !(s[end] == ' ' && is_key(s, e, end + 1)))
            end++;
        if (sub)
            o->component = span(v, end);
        else
            o->opid = span(v, end);
        k = end;
    }
    return e >= n ? n : skip_blanks(s, n, e + 1);
}

/* hostd 5.x `[6FE81B90 info 'ha-eventmgr' opID=x user=y]` at i (`[`): returns
 * the body (n when cut off after the component), or 0 when it is not one. */
static size_t
hostd5_bracket(const char *s, size_t n, size_t i, struct log_prefix *o)
{
    size_t t = run(s, n, i + 1, is_ident, MAX_TID);
    if (t == 0 || !at(s, n, i + 1 + t, ' '))
        return 0;
    size_t w = i + 2 + t, wl = run(s, n, w, is_alpha, MAX_WORD);
    if (wl == 0 || !at(s, n, w + wl, ' ') || !at(s, n, w + wl + 1, '\''))
        return 0;
    size_t c = w + wl + 2, q = c;
    while (q < n && q - c < MAX_BRACKET && s[q] != '\'')
        q++;
    if (q >= n || s[q] != '\'')
        return 0;
    raise_level(o, word_level(s + w, wl));
    o->component = span(c, q);
    size_t k = q + 1;
    while (k < n && k - q < MAX_BRACKET && s[k] != ']') {
        if (s[k] == ' ' && LIT(s, n, k + 1, "opID=")) {
            size_t v = k + 6, e = v;
            while (e < n && s[e] != ' ' && s[e] != ']')
                e++;
            o->opid = span(v, e);
            k = e;
            continue;
        }
        k++;
    }
    return at(s, n, k, ']') ? skip_blanks(s, n, k + 1) : n;
}

/* ---- whole formats ---- */

/* An empty prefix: LF_UNKNOWN, body = start. */
static void
reset(struct log_prefix *o, size_t start)
{
    memset(o, 0, sizeof(*o));
    o->format = LF_UNKNOWN;
    o->level = LL_NONE;
    o->cpu = -1;
    o->world = -1;
    o->start = (uint32_t)start;
    o->body = (uint32_t)start;
}

static void
set_time(const struct stamp *t, size_t a, size_t b, struct log_prefix *o)
{
    o->time_text = span(a, b);
    o->has_time = t->clock && stamp_valid(t);
    o->time_ms = o->has_time ? stamp_ms(t) : 0;
}

/* vmware.log after the first `|` (at k): `vmx| I125: `, `vcpu-0| W115: `,
 * `vmx| I125+ `, 5.0 `vmx| ` without a level, 4.x `vmx| ` after `...: `. */
static bool
vmx_rest(const char *s, size_t n, size_t k, struct log_prefix *o)
{
    o->format = LF_VMX;
    size_t th = skip_blanks(s, n, k), e = th;
    while (e < n && e - th < MAX_TOKEN && s[e] != '|' && !is_blank(s[e]))
        e++;
    if (e == th || !at(s, n, e, '|')) {
        o->body = th;
        return true;
    }
    o->component = span(th, e);
    size_t b = skip_blanks(s, n, e + 1);
    o->body = b;
    if (b < n && (s[b] == 'I' || s[b] == 'W' || s[b] == 'E' || s[b] == 'A') &&
        digits(s, n, b + 1, 4, NULL) == 3) {
        size_t j = b + 4;
        bool cont = at(s, n, j, '+');
        j += cont;
        if (at(s, n, j, ':'))
            j++;
        else if (!cont)
            return true;
        if (j < n && !is_blank(s[j]))
            return true;
        /* A (audit, config changes) is informational */
        raise_level(o, s[b] == 'W' ? LL_WARNING : s[b] == 'E' ? LL_ERROR : LL_INFO);
        o->continuation = o->continuation || cont;
        o->body = skip_blanks(s, n, j);
    }
    return true;
}

static bool
is_vmk_program(const char *s, struct log_span p)
{
    return span_is(s, p, "vmkernel", 8) || span_is(s, p, "vmkwarning", 10);
}

/* The message of a syslog line at b: vmkernel `cpuN:W)`, vobd
 * `[Correlator] Nus: `, 8.0 hostd `info -[tid] [Originator@6876 sub=...]`. */
static void
syslog_body(const char *s, size_t n, size_t b, struct log_prefix *o)
{
    size_t c = scan_cpu(s, n, b, o);
    if (c != 0 || is_vmk_program(s, o->program)) {
        o->body = c ? c : b;
        vmk_body(s, n, o->body, o);
        return;
    }
    o->body = b;
    if ((c = vob_body(s, n, b, true, o)) != 0) {
        o->body = c;
        return;
    }
    size_t w = run(s, n, b, is_alpha, MAX_WORD), j = b;
    enum log_level lv = word_level(s + b, w);
    if (lv != LL_NONE && at(s, n, b + w, ' ')) {
        j = b + w + 1;
        size_t t = 0;
        if (LIT(s, n, j, "-[")) /* 8.0 `info -[1001392061] ` */
            t = j + 1;
        else if ((t = run(s, n, j, is_prog, MAX_TOKEN)) > 0 && at(s, n, j + t, '['))
            t = j + t;
        else
            t = 0;
        if (t) {
            size_t d = run(s, n, t + 1, is_alnum, MAX_TID);
            if (d > 0 && at(s, n, t + 1 + d, ']') && at(s, n, t + 2 + d, ' '))
                j = t + 3 + d;
        }
    }
    if (!at(s, n, j, '['))
        return;
    if (lv == LL_NONE) { /* bare `[Originator@6876 ...]` (8.0 Db lines) */
        size_t a = run(s, n, j + 1, is_alnum, MAX_TOKEN);
        if (a == 0 || !at(s, n, j + 1 + a, '@') || digits(s, n, j + 2 + a, 9, NULL) == 0)
            return;
    }
    raise_level(o, lv);
    o->body = hostd_bracket(s, n, j, o);
}

/* 8.0 syslog from the severity at k: `Wa(180) vmkwarning: ...`, and the 8.0
 * vmware.log `In(05) vmx - msg`. Without a timestamp the `(N)` and the
 * program are required. */
static bool
syslog8_rest(const char *s, size_t n, size_t k, bool timed, struct log_prefix *o)
{
    enum log_level lv;
    bool numbered, cont;
    size_t e = scan_sev(s, n, k, &lv, &numbered, &cont);
    if (e == 0 || (!timed && !numbered))
        return false;
    size_t b = skip_blanks(s, n, e), c = scan_program(s, n, b, &o->program);
    if (c == 0) {
        size_t t = b;
        while (t < n && t - b < MAX_TOKEN && !is_blank(s[t]))
            t++;
        bool vmx = t > b && LIT(s, n, t, " - ");
        if (!vmx && (!timed || !numbered))
            return false;
        o->format = vmx ? LF_VMX : LF_SYSLOG8;
        o->level = lv;
        o->continuation = cont;
        if (vmx)
            o->component = span(b, t);
        o->body = vmx ? t + 3 : b;
        return true;
    }
    o->format = LF_SYSLOG8;
    o->level = lv;
    o->continuation = cont;
    syslog_body(s, n, skip_blanks(s, n, c), o);
    return true;
}

/* hostd 6.x/7.x `info hostd[2099863] [` (also vpxa, fdm; hex thread ids) at
 * k; returns the index of the `[`, else 0. */
static size_t
hostd6_head(const char *s, size_t n, size_t k, struct log_prefix *o)
{
    size_t w = run(s, n, k, is_alpha, MAX_WORD);
    if (w == 0 || !at(s, n, k + w, ' '))
        return 0;
    size_t p = k + w + 1, pl = run(s, n, p, is_prog, MAX_TOKEN);
    if (pl == 0 || !at(s, n, p + pl, '['))
        return 0;
    size_t t = run(s, n, p + pl + 1, is_alnum, MAX_TID), j = p + pl + 1 + t;
    if (t == 0 || !at(s, n, j, ']'))
        return 0;
    j++;
    j += at(s, n, j, ':');
    if (!at(s, n, j, ' ') || !at(s, n, j + 1, '['))
        return 0;
    o->level = word_level(s + k, w);
    o->program = span(p, p + pl);
    return j + 1;
}

/* Everything after a line-leading ISO timestamp [q, e). */
static bool
iso_line(const char *s, size_t n, size_t q, size_t e, const struct stamp *t, struct log_prefix *o)
{
    if (!t->clock) { /* lnav `notime`: `2022-06-02 In(14) hostprofile[...]: ` */
        if (!at(s, n, e, ' ') || !syslog8_rest(s, n, e + 1, true, o))
            return false;
        o->time_text = span(q, e);
        return true;
    }
    set_time(t, q, e, o);
    if (e == n) {
        o->format = LF_ISO;
        o->body = n;
        return true;
    }
    if (s[e] == '|')
        return vmx_rest(s, n, e + 1, o);
    if (s[e] == ':' && t->seconds && e + 1 < n && is_blank(s[e + 1])) {
        o->format = LF_VOBD_7;
        size_t k = skip_blanks(s, n, e + 1), b = vob_body(s, n, k, false, o);
        o->body = b ? b : k;
        return true;
    }
    if (!is_blank(s[e]))
        return false;
    size_t k = skip_blanks(s, n, e), c;
    if ((c = scan_cpu(s, n, k, o)) != 0) {
        o->format = LF_VMKERNEL;
        o->body = c;
        vmk_body(s, n, c, o);
        return true;
    }
    if (syslog8_rest(s, n, k, true, o))
        return true;
    if (at(s, n, k, '[') && (c = hostd5_bracket(s, n, k, o)) != 0) {
        o->format = LF_HOSTD_5;
        o->body = c;
        return true;
    }
    if ((c = hostd6_head(s, n, k, o)) != 0) {
        o->format = LF_HOSTD_6;
        o->body = hostd_bracket(s, n, c, o);
        return true;
    }
    o->format = LF_ISO;
    o->body = k;
    if ((c = scan_program(s, n, k, &o->program)) != 0) {
        o->body = skip_blanks(s, n, c);
        if (is_vmk_program(s, o->program))
            syslog_body(s, n, o->body, o);
    }
    return true;
}

/* hostd/vpxd 4.x `[2008-05-07 09:50:04.857 'SOAP' 2260 trivia] ` and
 * `[2011-04-01 15:14:34.203 F5A5AB90 info 'vm:...' opID=x] ` at i (`[`):
 * a level word or a quoted component must be there. */
static bool
hostd4_line(const char *s, size_t n, size_t i, struct log_prefix *o)
{
    struct stamp t;
    size_t e = scan_iso(s, n, i + 1, &t);
    if (e == 0 || !t.clock || !at(s, n, e, ' '))
        return false;
    enum log_level lv = LL_NONE;
    struct log_span comp = {0, 0}, opid = {0, 0};
    size_t k = e;
    while (k < n && k - e < MAX_BRACKET && s[k] != ']') {
        k = skip_blanks(s, n, k);
        if (k >= n || s[k] == ']')
            break;
        size_t a = k;
        if (s[k] == '\'') {
            k++;
            while (k < n && k - a < MAX_BRACKET && s[k] != '\'')
                k++;
            if (k < n && s[k] == '\'' && comp.len == 0)
                comp = span(a + 1, k);
            k += k < n;
            continue;
        }
        while (k < n && !is_blank(s[k]) && s[k] != ']')
            k++;
        if (LIT(s, n, a, "opID="))
            opid = span(a + 5, k);
        else if (lv == LL_NONE)
            lv = word_level(s + a, k - a);
    }
    if (lv == LL_NONE && comp.len == 0)
        return false;
    set_time(&t, i + 1, e, o);
    o->format = LF_HOSTD_4;
    o->level = lv;
    o->component = comp;
    o->opid = opid;
    o->body = at(s, n, k, ']') ? skip_blanks(s, n, k + 1) : n;
    return true;
}

/* Lines that start with a month name: 3.x/4.x syslog `Mar 9 23:53:24 esx405
 * vmkernel: 2:14:39:54.069 cpu3:4300)`, 8.0 `Mar 9 23:53:24 In(14) prog: `,
 * 4.x vmware.log `Nov 08 12:21:16.296: vmx| `. No year: has_time false. */
static bool
month_line(const char *s, size_t n, size_t p, struct log_prefix *o)
{
    size_t e = scan_bsd(s, n, p);
    if (e == 0)
        return false;
    o->time_text = span(p, e);
    if (at(s, n, e, ':') && at(s, n, e + 1, ' ')) {
        size_t t = e + 2, th = run(s, n, t, is_prog, MAX_TOKEN);
        return th > 0 && at(s, n, t + th, '|') && vmx_rest(s, n, t, o);
    }
    if (!at(s, n, e, ' '))
        return false;
    size_t k = skip_blanks(s, n, e);
    if (syslog8_rest(s, n, k, true, o))
        return true;
    /* ESX `host vmkernel: `; ESXi 3.5/4.x /var/log/messages has no host */
    size_t h = 0, g = k, c = scan_program(s, n, k, &o->program);
    if (c == 0) {
        h = run(s, n, k, is_ident, 255);
        if (h == 0 || !at(s, n, k + h, ' '))
            return false;
        g = k + h + 1;
        c = scan_program(s, n, g, &o->program);
        if (c == 0 && !LIT(s, n, g, "last message repeated"))
            return false;
    }
    o->format = LF_ESX_CLASSIC;
    if (h)
        o->host = span(k, k + h);
    size_t b = c ? skip_blanks(s, n, c) : g, u = scan_uptime(s, n, b);
    o->body = b;
    struct log_prefix h4;
    if (at(s, n, b, '[') && (reset(&h4, b), hostd4_line(s, n, b, &h4))) {
        o->level = h4.level; /* ESXi 4.x `Hostd: [2011-...] ` (year there, not taken) */
        o->component = h4.component;
        o->opid = h4.opid;
        o->body = h4.body;
        return true;
    }
    if (u != 0 && at(s, n, u, ' ')) {
        size_t x = scan_cpu(s, n, u + 1, o);
        if (x != 0) {
            o->uptime = span(b, u);
            o->body = x;
            vmk_body(s, n, x, o);
            return true;
        }
    }
    if (is_vmk_program(s, o->program))
        vmk_body(s, n, b, o);
    return true;
}

/* Past a vpxd `[#1] ` instance marker at p, if there is one. */
static size_t
after_instance(const char *s, size_t n, size_t p)
{
    size_t d = LIT(s, n, p, "[#") ? digits(s, n, p + 2, 6, NULL) : 0;
    return d > 0 && at(s, n, p + 2 + d, ']') && at(s, n, p + 3 + d, ' ') ? p + d + 4 : p;
}

/* The formats by their first byte; false (o untouched but for partial
 * fields, which the caller resets) when none fits. */
static bool
dispatch(const char *s, size_t n, size_t p, struct log_prefix *o)
{
    size_t q = after_instance(s, n, p), e;
    struct stamp t;
    if (q >= n)
        return false;
    if (LIT(s, n, q, "-->")) {
        o->format = LF_CONTINUATION;
        o->continuation = true;
        o->body = (uint32_t)skip_blanks(s, n, q + 3);
        return true;
    }
    if ((e = scan_iso(s, n, q, &t)) != 0)
        return iso_line(s, n, q, e, &t, o);
    if (s[q] == '[') {
        if (q + 1 < n && is_digit(s[q + 1]) && hostd4_line(s, n, q, o))
            return true;
        if ((e = hostd5_bracket(s, n, q, o)) == 0)
            return false;
        o->format = LF_HOSTD_5;
        o->body = (uint32_t)e;
        return true;
    }
    if (LIT(s, n, q, "TSC: ")) {
        size_t d = digits(s, n, q + 5, 20, NULL), c;
        if (d == 0 || !at(s, n, q + 5 + d, ' ') || (c = scan_cpu(s, n, q + 6 + d, o)) == 0)
            return false;
        o->format = LF_TSC;
        o->body = (uint32_t)c;
        vmk_body(s, n, c, o);
        return true;
    }
    if (is_digit(s[q])) {
        size_t u = scan_uptime(s, n, q), c;
        if (u == 0 || !at(s, n, u, ' ') || (c = scan_cpu(s, n, u + 1, o)) == 0)
            return false;
        o->format = LF_UPTIME;
        o->uptime = span(q, u);
        o->body = (uint32_t)c;
        vmk_body(s, n, c, o);
        return true;
    }
    if (is_month(s, n, q))
        return month_line(s, n, q, o);
    return syslog8_rest(s, n, q, false, o);
}

/* Past what a blog, wiki or ticket puts before a quoted log line: markdown
 * blockquote marks (`> `, `>> `), a list bullet (`- `, `* `, `• `) and the
 * blanks after them. Returns i when there is none. */
static size_t
skip_quoting(const char *s, size_t n, size_t i)
{
    size_t j = i;
    for (;;) {
        if (j < n && s[j] == '>')
            j = skip_blanks(s, n, j + 1);
        else if (j + 1 < n && (s[j] == '-' || s[j] == '*') && (s[j + 1] == ' ' || s[j + 1] == '\t'))
            j = skip_blanks(s, n, j + 2);
        else if (j + 3 < n && (unsigned char)s[j] == 0xE2 && (unsigned char)s[j + 1] == 0x80 &&
                 (unsigned char)s[j + 2] == 0xA2)
            j = skip_blanks(s, n, j + 3);
        else
            return j;
    }
}

bool
log_parse_prefix(const char *s, size_t n, struct log_prefix *out)
{
    if (n > UINT32_MAX)
        n = UINT32_MAX; /* spans are 32-bit: longer lines are read as their first 4 GiB */
    size_t p = skip_blanks(s, n, 0);
    size_t q = skip_quoting(s, n, p);
    reset(out, q);
    if (q < n && dispatch(s, n, q, out))
        return true;
    if (q != p) {
        reset(out, p);
        if (dispatch(s, n, p, out))
            return true;
    }
    reset(out, p);
    return false;
}

/* A record start log_next_record accepts: a whole prefix of a logged line,
 * not a bare timestamp (LF_ISO) or an uptime that prose may hold. */
static bool
record_start(const struct log_prefix *p)
{
    switch (p->format) {
    case LF_VMKERNEL:
    case LF_HOSTD_5:
    case LF_HOSTD_6:
        return true;
    case LF_SYSLOG8:
        return p->time_text.len > 0 && p->program.len > 0;
    case LF_ESX_CLASSIC:
        return p->program.len > 0;
    case LF_VMX:
    case LF_VOBD_7:
        return p->component.len > 0;
    default:
        return false;
    }
}

/* Whether a record starts at s[i] (s[i] a digit or capital after a byte
 * that is not a letter or digit). */
static bool
record_at(const char *s, size_t n, size_t i)
{
    bool iso = n - i > 10 && s[i + 4] == '-' && s[i + 7] == '-';
    if (!iso && !is_month(s, n, i))
        return false;
    struct log_prefix p;
    return log_parse_prefix(s + i, n - i, &p) && record_start(&p);
}

#ifdef __SSE2__
/* Bytes in [lo, hi] (ASCII: bytes >= 0x80 are negative and never in range). */
static __m128i
in_range(__m128i v, char lo, char hi)
{
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1))));
}
#endif

size_t
log_next_record(const char *s, size_t n, size_t from)
{
    /* the line's own first record (after blanks and `[#1] `) is not a second one */
    size_t lead = after_instance(s, n, skip_blanks(s, n, 0));
    size_t i = from > lead ? from : lead + 1; /* >= 1: s[i - 1] is in the line */
#ifdef __SSE2__
    /* 16 bytes at a time: where a digit or capital follows a byte that is
     * not a letter or digit (the same test as the loop below) */
    for (; i + 16 <= n; i += 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(s + i - 1));
        __m128i start = _mm_or_si128(in_range(c, '0', '9'), in_range(c, 'A', 'Z'));
        __m128i word = _mm_or_si128(_mm_or_si128(in_range(b, '0', '9'), in_range(b, 'A', 'Z')),
                                    in_range(b, 'a', 'z'));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(word, start));
        for (; m != 0; m &= m - 1) {
            size_t at = i + (size_t)__builtin_ctz(m);
            if (record_at(s, n, at))
                return at;
        }
    }
#endif
    for (; i < n; i++) {
        char c = s[i]; /* a digit, a month's capital or a mask (`YYYY-`): not lower case */
        if (!is_digit(c) && !(c >= 'A' && c <= 'Z'))
            continue;
        if (is_alnum(s[i - 1]))
            continue;
        if (record_at(s, n, i))
            return i;
    }
    return n;
}

const char *
log_format_name(enum log_format f)
{
    static const char *const names[LF__COUNT] = {
        [LF_UNKNOWN] = "unknown",
        [LF_VMKERNEL] = "vmkernel",
        [LF_SYSLOG8] = "syslog8",
        [LF_ESX_CLASSIC] = "esx-classic",
        [LF_UPTIME] = "uptime",
        [LF_TSC] = "tsc",
        [LF_HOSTD_4] = "hostd-4",
        [LF_HOSTD_5] = "hostd-5",
        [LF_HOSTD_6] = "hostd-6",
        [LF_VOBD_7] = "vobd-7",
        [LF_VMX] = "vmx",
        [LF_ISO] = "iso",
        [LF_CONTINUATION] = "continuation",
    };
    return (unsigned)f < LF__COUNT ? names[f] : "unknown";
}

const char *
log_level_name(enum log_level l)
{
    static const char *const names[LL__COUNT] = {
        [LL_NONE] = NULL,         [LL_TRIVIA] = "trivia",       [LL_VERBOSE] = "verbose",
        [LL_DEBUG] = "debug",     [LL_INFO] = "info",           [LL_NOTICE] = "notice",
        [LL_WARNING] = "warning", [LL_ERROR] = "error",         [LL_CRITICAL] = "critical",
        [LL_ALERT] = "alert",     [LL_EMERGENCY] = "emergency",
    };
    return (unsigned)l < LL__COUNT ? names[l] : NULL;
}

bool
log_parse_iso(const char *s, size_t n, int64_t *ms)
{
    struct stamp t;
    if (n > UINT32_MAX || scan_iso(s, n, 0, &t) != n || !stamp_valid(&t))
        return false;
    *ms = stamp_ms(&t);
    return true;
}

/* w decimal digits of v at out. */
static void
put_digits(char *out, long long v, int w)
{
    for (int k = w - 1; k >= 0; k--) {
        out[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

void
log_format_iso(int64_t ms, char out[25])
{
    if (ms < MIN_MS)
        ms = MIN_MS;
    if (ms > MAX_MS)
        ms = MAX_MS;
    long long days = ms / MS_PER_DAY, rem = ms % MS_PER_DAY, y;
    if (rem < 0) {
        rem += MS_PER_DAY;
        days--;
    }
    int m, d;
    civil_from_days(days, &y, &m, &d);
    memcpy(out, "0000-00-00T00:00:00.000Z", 25);
    put_digits(out, y, 4);
    put_digits(out + 5, m, 2);
    put_digits(out + 8, d, 2);
    put_digits(out + 11, rem / 3600000, 2);
    put_digits(out + 14, rem / 60000 % 60, 2);
    put_digits(out + 17, rem / 1000 % 60, 2);
    put_digits(out + 20, rem % 1000, 3);
}
