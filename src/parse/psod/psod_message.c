/* psod_message: the first line of a purple screen, read into type and facts.
 *
 * kb/esxi-crash-and-logs.md §1.6 lists the messages; their numbers changed
 * over the versions: `#GP Exception(13) in world 4130:helper13-0 @ 0x..`
 * (4.0), `#GP Exception 13 in world 4376:usb @ 0x..` (4.1), `#PF Exception
 * type 14 in world 1024:console @ 0x..` (3.x), `#PF Exception 14 in world
 * 63406:vmast.63405 IP 0x.. addr 0x..` (5.x+), `Panic from another CPU (cpu
 * 78, world 2098897): ip=0x..`, `NMI IPI: ... PC 0x.., SP 0x..` or
 * `RIPOFF(base):RBP:CS [0xOFF(0xBASE):..]`, MCE forms naming `PCPU14` and a
 * world. Values KB copies masked read as absent. */
#include "parse/psod/psod_impl.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int vector;
} mnemonics[] = {
    {"DE", 0},  {"DB", 1},  {"NMI", 2}, {"BP", 3},  {"OF", 4},  {"BR", 5},  {"UD", 6},
    {"NM", 7},  {"DF", 8},  {"TS", 10}, {"NP", 11}, {"SS", 12}, {"GP", 13}, {"PF", 14},
    {"MF", 16}, {"AC", 17}, {"MC", 18}, {"XM", 19}, {"XF", 19}, {"VE", 20}, {"CP", 21},
};

static int
mnemonic_vector(const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof(mnemonics) / sizeof(mnemonics[0]); k++)
        if (pt_eq(s, n, mnemonics[k].name))
            return mnemonics[k].vector;
    return -1;
}

static bool
word_char(int c)
{
    return isalnum(c) || c == '_';
}

/* The vector number after ` Exception` at m[j] (`(14)`, `type 14`, ` 14`):
 * sets *vec (unchanged when absent) and returns the offset past it, or j
 * when there is no number. */
static size_t
vector_after(const char *m, size_t n, size_t j, int *vec, bool *number)
{
    j = pt_ws(m, n, j);
    size_t k = j;
    if (k < n && m[k] == '(')
        k++;
    if (pt_starts(m + k, n - k, "type "))
        k = pt_ws(m, n, k + 5);
    size_t len;
    long long v;
    *number = false;
    if (pt_dec(m + k, n - k, &len, &v) == PT_VALUE && v < 256) {
        *vec = (int)v;
        *number = true;
        return k + len;
    }
    return pt_dec(m + k, n - k, &len, &v) == PT_MASKED ? k + len : j;
}

/* Finds `#XX Exception` (or a leading `Exception type N`) in m; returns its
 * start and the vector (-1 unknown) through *vec, or NULL. Article titles
 * and tickets drop the `#` (`PF Exception 14 in world`, `DF Exception 8 IP
 * 0x..`): that form counts only for a known mnemonic followed by its own
 * vector number, so prose that names an exception is not a panic. */
static const char *
exception_form(const char *m, size_t n, int *vec, size_t *after)
{
    for (const char *p = memchr(m, '#', n); p != NULL;
         p = memchr(p + 1, '#', n - (size_t)(p + 1 - m))) {
        size_t off = (size_t)(p - m), i = 1;
        while (off + i < n && i <= 4 && isupper((unsigned char)p[i]))
            i++;
        if (i < 3 || i > 4 || !pt_starts(p + i, n - off - i, " Exception"))
            continue;
        *vec = mnemonic_vector(p + 1, i - 1);
        bool number;
        *after = vector_after(m, n, off + i + 10, vec, &number);
        return p;
    }
    for (const char *p = pt_find(m, n, " Exception"); p != NULL;
         p = pt_find(p + 1, n - (size_t)(p + 1 - m), " Exception")) {
        size_t e = (size_t)(p - m), b = e;
        while (b > 0 && e - b < 3 && isupper((unsigned char)m[b - 1]))
            b--;
        if (e - b < 2 || (b > 0 && (word_char((unsigned char)m[b - 1]) || m[b - 1] == '#')))
            continue;
        int want = mnemonic_vector(m + b, e - b), v = -1;
        bool number;
        size_t a = vector_after(m, n, e + 10, &v, &number);
        if (want < 0 || !number || v != want)
            continue;
        *vec = v;
        *after = a;
        return m + b;
    }
    if (pt_starts(m, n, "Exception type ")) { /* ESX 2.x/3.x without the mnemonic */
        size_t len;
        long long v;
        *vec = pt_dec(m + 15, n - 15, &len, &v) == PT_VALUE && v < 256 ? (int)v : -1;
        *after = 15 + len;
        return m;
    }
    return NULL;
}

/* `PCPU 1 locked up` / `PCPU 118: no heartbeat` at m. */
static bool
pcpu_then(const char *m, size_t n, const char *what)
{
    if (!pt_starts(m, n, "PCPU "))
        return false;
    size_t len;
    long long v;
    if (pt_dec(m + 5, n - 5, &len, &v) == PT_NONE)
        return false;
    return pt_starts(m + 5 + len, n - 5 - len, what);
}

/* `ASSERT bora/vmkernel/main/pframe_int.h:527`: a path with `:line`. */
static bool
path_line(const char *s, size_t n)
{
    size_t i = pt_ws(s, n, 0);
    size_t e = i;
    while (e < n && s[e] != ' ' && s[e] != '\t')
        e++;
    const char *colon = NULL;
    for (size_t k = i; k < e; k++)
        if (s[k] == ':')
            colon = s + k;
    return colon != NULL && colon + 1 < s + e && isdigit((unsigned char)colon[1]) &&
           memchr(s + i, '/', (size_t)(colon - (s + i))) != NULL;
}

/* The part of a line a message's second keyword is looked for in: the
 * scan below tries every word of a line, so a search to the end of the line
 * at each would be quadratic. */
static size_t
near(size_t n)
{
    return n < 512 ? n : 512;
}

/* True when a panic message of a form only a purple screen prints starts
 * at m. */
static bool
message_at(const char *m, size_t n)
{
    switch (m[0]) {
    case 'P':
        return pcpu_then(m, n, " locked up") || pcpu_then(m, n, ": no heartbeat") ||
               pt_starts(m, n, "Panic from another CPU") ||
               /* `PANIC bora/vmkernel/main/dlmalloc.c:4923 - Usage error in dlmalloc` */
               (pt_starts(m, n, "PANIC bora/") && path_line(m + 6, n - 6)) ||
               pt_starts(m, n, "Platform firmware has reported a fatal error");
    case 'N':
        return pt_starts(m, n, "NMI IPI: Panic requested") ||
               (pt_starts(m, n, "NOT_IMPLEMENTED ") && path_line(m + 16, n - 16)) ||
               (pt_starts(m, n, "NOT_REACHED ") && path_line(m + 12, n - 12));
    case 'L':
        return pt_starts(m, n, "LINT1-NMI") || pt_starts(m, n, "LINT1/NMI");
    case 'M':
        return pt_starts(m, n, "Machine Check Exception on PCPU") ||
               pt_starts(m, n, "Machine Check Exception: Unable to continue");
    case 'U':
        return pt_starts(m, n, "Uncorrectable Machine Check Exception") ||
               pt_starts(m, n, "UEFI Secure Boot failed");
    case 'I':
        return pt_starts(m, n, "IOMMU Fault detected for ");
    case 'V': /* ESX 3.x/4.x: the service console stopped its heartbeat (KB 308590) */
        return pt_starts(m, n, "VMNIX: ALERT: HB:") && pt_find(m, near(n), "Lost heartbeat");
    case 'H':
        return pt_starts(m, n, "Hardware (Machine) Error");
    case 'B':
        return pt_starts(m, n, "BUG: failure at");
    case 'F':
        return pt_starts(m, n, "Failed at ") && pt_find(m, near(n), "NOT REACHED") != NULL;
    case 'A':
        return pt_starts(m, n, "ASSERT ") && path_line(m + 7, n - 7);
    case 'S':
        return pt_starts(m, n, "Spin count exceeded");
    case 'C':
        return (pt_starts(m, n, "CPU ") &&
                pt_find(m, near(n), "tried to re-acquire lock") != NULL) ||
               pt_starts(m, n, "CRITICAL: Lost access to boot device");
    default:
        return false;
    }
}

/* A byte after which a message may start: a blank, quote, bullet, `:`,
 * `(`, `>`, `-`, or the end of a UTF-8 character (curly quotes, bullets). */
static bool
message_sep(int c)
{
    return !isalnum(c) && c != '_' && c != '/' && c != '.' && c != '#' && c != '@';
}

/* The function-shaped name a KB title writes after an exception, ` in `
 * or ` - ` (an en dash in the title, psod_clean): `#PF Exception 14 in
 * IpfixFilterPacket`, `PF Exception 14 – GFCPutSectionHeader`. Returns its
 * length (0 for none) and its offset in s through *at. */
static size_t
in_function(const char *s, size_t n, size_t *at)
{
    size_t k;
    if (pt_starts(s, n, " in "))
        k = 4;
    else if (pt_starts(s, n, " - "))
        k = 3;
    else
        return 0;
    *at = k;
    while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
        k++;
    if (k < n && (s[k] == '@' || s[k] == '(' || s[k] == '.') && k + 1 < n && s[k + 1] != ' ')
        return 0; /* `Fn@module`, `Fn(args`, `file.c`: not a bare name */
    return psod_function_shaped(s + *at, k - *at) ? k - *at : 0;
}

const char *
psod_panic_message(const char *s, size_t n, bool logged)
{
    /* the CPU exceptions, anywhere: `#PF Exception 14 in world`, `PF
     * Exception 14 in world`, `DF Exception 8 IP 0x..` */
    int vec;
    size_t after;
    const char *e = exception_form(s, n, &vec, &after);
    if (e != NULL) {
        size_t off = (size_t)(e - s);
        if (pt_find(e, n - off, " in world ") != NULL || pt_starts(s + after, n - after, " IP ") ||
            pt_starts(s + after, n - after, " ip ") || pt_starts(s + after, n - after, " @ "))
            return e;
        /* a KB title's `#PF Exception 14 in IpfixFilterPacket`: in a function */
        size_t at;
        if (in_function(s + after, n - after, &at) > 0)
            return e;
    }
    /* an APEI hardware error source that asks for the purple screen:
     * `NMI: 1234: ApeiHESTNmiHandler requested PSOD`, the whole line */
    const char *ap = pt_find(s, n, "ApeiHEST");
    if (ap != NULL && pt_find(ap, n - (size_t)(ap - s), "requested PSOD") != NULL)
        return s + pt_ws(s, n, 0);
    /* the other forms at the start of the text or of a word inside prose
     * (`Error message: NMI IPI: ...`, `"PCPU 3 locked up..."`, `PSOD - ...`) */
    size_t first = 0; /* the body's first word, past marks such as `**` */
    while (first < n && !isalnum((unsigned char)s[first]))
        first++;
    for (size_t i = 0; i < n; i++) {
        /* a logged line (`TS cpuN:W)`) holds a message only where its body
         * starts: `WARNING: Spin count exceeded ...` is a warning, no crash */
        if (logged && i > first)
            break;
        if (i > 0 && !message_sep((unsigned char)s[i - 1]))
            continue;
        /* `Panic: 589: Panic from another CPU ...` */
        if (s[i] == 'P' && pt_starts(s + i, n - i, "Panic: ")) {
            size_t k = i + 7;
            while (k < n && isdigit((unsigned char)s[k]))
                k++;
            if (k > i + 7 && k + 1 < n && s[k] == ':' && s[k + 1] == ' ' &&
                message_at(s + k + 2, n - k - 2))
                return s + k + 2;
        }
        if (message_at(s + i, n - i))
            return s + i;
    }
    return NULL;
}

/* The quote that opens at q (`"`, `'`, U+201C, U+2018): the bytes of its
 * closing quote through *close, or 0 when q holds no opening quote. */
static size_t
open_quote(const char *q, size_t n, const char **close)
{
    if (n >= 1 && (q[n - 1] == '"' || q[n - 1] == '\'')) {
        *close = q[n - 1] == '"' ? "\"" : "'";
        return 1;
    }
    if (n >= 3 && (unsigned char)q[n - 3] == 0xe2 && (unsigned char)q[n - 2] == 0x80 &&
        ((unsigned char)q[n - 1] == 0x9c || (unsigned char)q[n - 1] == 0x98)) {
        *close = (unsigned char)q[n - 1] == 0x9c ? "\xe2\x80\x9d" : "\xe2\x80\x99";
        return 3;
    }
    return 0;
}

int
psod_precursor(const char *m, size_t n)
{
    if (pt_starts(m, n, "IOMMU Fault detected for "))
        return 2;
    if (pt_starts(m, n, "VMNIX: ALERT: HB:"))
        return 1; /* the line before `@BlueScreen: Lost heartbeat`, naming the process */
    if (pt_starts(m, n, "CRITICAL: Lost access to boot device") ||
        pt_starts(m, n, "UEFI Secure Boot failed") || pt_find(m, n, "ApeiHEST") != NULL)
        return 1;
    return 0;
}

size_t
psod_message_len(const char *s, size_t n, const char *m)
{
    size_t off = (size_t)(m - s), len = n - off;
    size_t b = off;
    if (b > 0 && s[b - 1] == '@')
        b--; /* `"@BlueScreen: ..."` */
    const char *close;
    if (open_quote(s, b, &close) == 0)
        return len;
    const char *c = pt_find(m, len, close);
    /* `... world 1:x" IP`: a quote inside the message is not its end when
     * a frame or value follows; the last quote of the line ends it */
    for (const char *k = c; k != NULL; k = pt_find(k + 1, len - (size_t)(k + 1 - m), close))
        c = k;
    return c != NULL ? (size_t)(c - m) : len;
}

enum psod_type
psod_classify(const char *m, size_t n, int *exception)
{
    *exception = -1;
    int vec;
    size_t after;
    if (exception_form(m, n, &vec, &after) != NULL) {
        *exception = vec;
        return PSOD_EXCEPTION;
    }
    size_t k = pt_ws(m, n, 0);
    const char *b = m + k;
    size_t bn = n - k;
    if (pt_starts(b, bn, "ASSERT") ||
        (pt_starts(b, bn, "line ") && pt_find(m, n, " assert ") && pt_find(m, n, " failed")))
        return PSOD_ASSERT; /* also NSX's `line 25418 assert "(...) == 0" failed` */
    if (pt_starts(b, bn, "NOT_IMPLEMENTED"))
        return PSOD_NOT_IMPLEMENTED;
    if (pt_starts(b, bn, "NOT_REACHED"))
        return PSOD_NOT_REACHED;
    if (pt_find(m, n, "Lost access to boot device"))
        return PSOD_BOOT_DEVICE;
    if (pt_find(m, n, "Secure Boot failed"))
        return PSOD_SECURE_BOOT;
    if (pt_starts(b, bn, "IOMMU Fault"))
        return PSOD_IOMMU;
    if (pt_find(m, n, "ApeiHEST") || pt_starts(b, bn, "Platform firmware has reported a fatal"))
        return PSOD_MCE; /* a firmware-reported hardware error (APEI HEST) */
    if (pt_find(m, n, "LINT1"))
        return PSOD_LINT1_NMI;
    if (pt_find(m, n, "NMI IPI"))
        return PSOD_NMI_IPI;
    if (pt_find(m, n, "Machine Check") || pt_find(m, n, "Hardware (Machine) Error") ||
        pt_find(m, n, "Hardware Error") || pt_starts(b, bn, "MCE"))
        return PSOD_MCE;
    if (pt_find(m, n, "Spin count exceeded") || pt_find(m, n, "re-acquire lock"))
        return PSOD_SPIN_DEADLOCK;
    if (pt_find(m, n, "locked up"))
        return PSOD_LOCKUP;
    if (pt_find(m, n, "Panic from another CPU") || pt_find(m, n, "no heartbeat"))
        return PSOD_HEARTBEAT;
    if (pt_find(m, n, "PCIe") || pt_find(m, n, "PCI bus error") || pt_find(m, n, "FATAL_ERROR"))
        return PSOD_PCIE_ERROR;
    if (pt_starts(b, bn, "BUG:") || pt_find(m, n, "(inside vmklinux)") ||
        (pt_starts(b, bn, "Failed at ") && pt_find(m, n, "NOT REACHED")))
        return PSOD_VMKLINUX_BUG;
    if (pt_find(m, n, "Lost heartbeat"))
        return PSOD_LOST_HEARTBEAT;
    if (pt_find(m, n, "Oops"))
        return PSOD_OOPS;
    if (pt_find(m, n, "CrashMe"))
        return PSOD_MANUAL;
    return PSOD_UNKNOWN;
}

/* A value key that ends a world name: ` IP 0x`, ` ip 0x`, ` @ 0x`, ` addr `. */
static bool
name_end_key(const char *m, size_t n)
{
    return pt_starts(m, n, " IP ") || pt_starts(m, n, " ip ") || pt_starts(m, n, " @ ") ||
           pt_starts(m, n, " addr ") || pt_starts(m, n, " PC ");
}

size_t
psod_world_name_len(const char *m, size_t n)
{
    size_t i = 0;
    while (i < n && m[i] != ' ' && m[i] != '\t')
        i++;
    size_t e = i;
    /* names of several words (`CAM taskq`, `vmx-vcpu-0:my vm`): the words up
     * to a value key, when one comes within three words */
    for (int words = 0; words < 3 && e < n && !name_end_key(m + e, n - e); words++) {
        size_t k = pt_ws(m, n, e);
        if (k >= n || pt_starts(m + k, n - k, "0x"))
            break;
        while (k < n && m[k] != ' ' && m[k] != '\t')
            k++;
        e = k;
        if (e < n && name_end_key(m + e, n - e)) {
            i = e;
            break;
        }
    }
    while (i > 0 && (m[i - 1] == ';' || m[i - 1] == ',' || m[i - 1] == '.'))
        i--;
    return i;
}

/* `in world ID:NAME` anywhere in m (also `world ##### :usbus1`): id (-1
 * when masked) and name span (NULL when absent or a placeholder). */
static bool
world_of(const char *m, size_t n, long long *id, const char **name, size_t *nlen)
{
    const char *w = pt_find(m, n, "in world ");
    if (w == NULL)
        return false;
    size_t i = (size_t)(w - m) + 9, len;
    long long v;
    int r = pt_dec(m + i, n - i, &len, &v);
    if (r == PT_NONE)
        return false;
    *id = r == PT_VALUE ? v : -1;
    i = pt_ws(m, n, i + len);
    *name = NULL;
    *nlen = 0;
    if (i < n && m[i] == ':') {
        size_t a = i + 1;
        size_t e = a + psod_world_name_len(m + a, n - a);
        if (e > a && !pt_placeholder(m + a, e - a)) {
            *name = m + a;
            *nlen = e - a;
        }
    }
    return true;
}

/* The hex value after `key` in m (`IP `, `addr `, `ip=`, `PC `). */
static int
hex_after(const char *m, size_t n, const char *key, uint64_t *v)
{
    const char *k = pt_find(m, n, key);
    if (k == NULL)
        return PT_NONE;
    size_t i = (size_t)(k - m) + strlen(key), len;
    i = pt_ws(m, n, i);
    return pt_hex(m + i, n - i, &len, v);
}

static void
set_world(struct psod_crash *c, long long id, const char *name, size_t nlen, bool overwrite)
{
    if (id >= 0 && (overwrite || c->world_id < 0))
        c->world_id = id;
    if (name != NULL && (overwrite || c->world_name == NULL)) {
        free(c->world_name);
        c->world_name = pt_dup(name, nlen);
    }
}

static void
set_ip(struct psod_crash *c, int r, uint64_t v, bool overwrite)
{
    if (r == PT_VALUE && (overwrite || !c->has_ip)) {
        c->has_ip = true;
        c->ip = v;
    }
}

static void
set_addr(struct psod_crash *c, int r, uint64_t v, bool overwrite)
{
    if (r == PT_VALUE && (overwrite || !c->has_address)) {
        c->has_address = true;
        c->address = v;
    }
}

/* `PCPU14`, `PCPU 14`, `CPU 0`, `cpu 78` after `key`: the number or -1. */
static int
cpu_after(const char *m, size_t n, const char *key)
{
    const char *k = pt_find(m, n, key);
    if (k == NULL)
        return -1;
    size_t i = pt_ws(m, n, (size_t)(k - m) + strlen(key)), len;
    long long v;
    return pt_dec(m + i, n - i, &len, &v) == PT_VALUE && v < 100000 ? (int)v : -1;
}

void
psod_message_fields(struct psod_crash *c, const char *m, size_t n, bool overwrite)
{
    int vec;
    enum psod_type t = psod_classify(m, n, &vec);
    if (overwrite || c->type == PSOD_UNKNOWN) {
        c->type = t;
        c->exception = t == PSOD_EXCEPTION ? vec : -1;
    }
    long long id;
    const char *name;
    size_t nlen;
    if (world_of(m, n, &id, &name, &nlen))
        set_world(c, id, name, nlen, overwrite);
    uint64_t v;
    int cpu = -1;
    switch (t) {
    case PSOD_EXCEPTION: {
        size_t after;
        const char *e = exception_form(m, n, &vec, &after);
        const char *rest = e ? m + after : m;
        size_t rn = n - (size_t)(rest - m);
        int r = hex_after(rest, rn, " IP ", &v);
        if (r == PT_NONE)
            r = hex_after(rest, rn, " ip ", &v);
        if (r == PT_NONE)
            r = hex_after(rest, rn, " @ ", &v);
        set_ip(c, r, v, overwrite);
        r = hex_after(rest, rn, " addr ", &v);
        set_addr(c, r, v, overwrite);
        /* `#PF Exception 14 in IpfixFilterPacket`: the function it names */
        size_t at = 0;
        size_t fl = e != NULL && c->frames.n == 0 ? in_function(rest, rn, &at) : 0;
        if (fl > 0)
            psod_frames_push_named(&c->frames, xstrndup(rest + at, fl), c->line);
        break;
    }
    case PSOD_HEARTBEAT: {
        /* Panic from another CPU (cpu 78, world 2098897): ip=0x... */
        cpu = cpu_after(m, n, "(cpu ");
        const char *w = pt_find(m, n, ", world ");
        if (w != NULL) {
            size_t i = (size_t)(w - m) + 8, len;
            long long wid;
            if (pt_dec(m + i, n - i, &len, &wid) == PT_VALUE)
                set_world(c, wid, NULL, 0, overwrite);
        }
        int r = hex_after(m, n, "ip=", &v);
        set_ip(c, r, v, overwrite);
        break;
    }
    case PSOD_NMI_IPI: {
        int r = hex_after(m, n, " PC ", &v);
        set_ip(c, r, v, overwrite);
        const char *rip = pt_find(m, n, "RIPOFF(base)");
        const char *br = rip ? memchr(rip, '[', n - (size_t)(rip - m)) : NULL;
        if (br != NULL) {
            size_t i = (size_t)(br - m) + 1, len, len2;
            uint64_t off, base;
            int r1 = pt_hex(m + i, n - i, &len, &off);
            if (r1 != PT_NONE && i + len < n && m[i + len] == '(') {
                int r2 = pt_hex(m + i + len + 1, n - i - len - 1, &len2, &base);
                if (r2 == PT_VALUE && (overwrite || !c->has_code_start)) {
                    c->has_code_start = true;
                    c->code_start = base;
                }
                if (r1 == PT_VALUE && r2 == PT_VALUE)
                    set_ip(c, PT_VALUE, base + off, overwrite);
            }
        }
        break;
    }
    case PSOD_MCE:
        cpu = cpu_after(m, n, "on PCPU");
        if (cpu < 0)
            cpu = cpu_after(m, n, " PCPU");
        break;
    default:
        break;
    }
    if (cpu >= 0 && (overwrite || c->cpu < 0))
        c->cpu = cpu;
}

void
psod_details_fields(struct psod_crash *c, const char *m, size_t n)
{
    int cpu = cpu_after(m, n, " on CPU ");
    if (cpu >= 0 && c->cpu < 0)
        c->cpu = cpu;
    const char *w = pt_find(m, n, "running world ");
    if (w != NULL) {
        size_t i = (size_t)(w - m) + 14, len;
        long long v;
        int r = pt_dec(m + i, n - i, &len, &v);
        if (r == PT_VALUE && c->world_id < 0)
            c->world_id = v;
        /* `running world 2102090 - vmm0:VM01.` */
        size_t k = pt_ws(m, n, i + len);
        if (r != PT_NONE && pt_starts(m + k, n - k, "- ")) {
            k = pt_ws(m, n, k + 2);
            size_t e = k;
            while (e < n && m[e] != ' ' && m[e] != '\t')
                e++;
            while (e > k && (m[e - 1] == '.' || m[e - 1] == ',' || m[e - 1] == ';'))
                e--;
            if (e > k && c->world_name == NULL && !pt_placeholder(m + k, e - k))
                c->world_name = pt_dup(m + k, e - k);
        }
    }
    const char *at = pt_find(m, n, "Crash at ");
    if (at != NULL && c->timestamp == NULL) {
        size_t i = (size_t)(at - m) + 9, e = i;
        while (e < n && m[e] != ' ')
            e++;
        if (e - i >= 19 && isdigit((unsigned char)m[i]) && isdigit((unsigned char)m[i + 3]) &&
            m[i + 4] == '-' && isdigit((unsigned char)m[i + 5]) && m[i + 10] == 'T')
            c->timestamp = pt_dup(m + i, e - i);
    }
    psod_uptime_field(c, m, n);
}

void
psod_uptime_field(struct psod_crash *c, const char *s, size_t n)
{
    if (c->uptime != NULL)
        return;
    const char *u = pt_find(s, n, "VMK uptime:");
    if (u == NULL)
        u = pt_find(s, n, "VMK Uptime:");
    if (u == NULL)
        return;
    size_t i = pt_ws(s, n, (size_t)(u - s) + 11), e = i;
    bool digit = false;
    while (e < n && (isdigit((unsigned char)s[e]) || s[e] == ':' || s[e] == '.')) {
        digit |= isdigit((unsigned char)s[e]) != 0;
        e++;
    }
    /* masked `##:##:##:##` stops at once: absent */
    if (digit && e < n && (pt_is_mask((unsigned char)s[e]) || isalpha((unsigned char)s[e])))
        return;
    if (digit && e > i)
        c->uptime = pt_dup(s + i, e - i);
}
