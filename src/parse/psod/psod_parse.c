/* psod_parse: the purple-screen reader, fed one line at a time.
 *
 * Exists so that a screen photo typed in, a KB excerpt, a vmkernel-log.1 out
 * of a core dump and a multi-GB vmkernel.log are read by one state machine
 * in memory bounded by one crash. The pieces it works on come from
 * psod_line.c (one physical line may hold a whole screen), the frames from
 * psod_frame.c, the messages from psod_message.c.
 *
 * When a crash starts (see psod.h): at `@BlueScreen:` / `Panic Message:`, at
 * a console banner (`VMware ESX... [Releasebuild-N`) whose next line is the
 * message, at a message of a form only a purple screen prints
 * (psod_panic_message, anywhere in a line of prose; its precursors, see
 * psod_precursor, join the `@BlueScreen:` line that follows them, and an
 * IOMMU fault is dropped when no backtrace follows within
 * PSOD_CONTEXT_LINES), at `Panic Details:`, or at a backtrace that is not a
 * driver WARN: frames with no header pasted alone (002, 026), or after
 * `World: ... PRDA/CR0` register lines (031), or under `Backtrace for
 * current CPU` unless a `WARNING: at` came just before or the first frame is
 * vmk_LogBacktraceMessage (those are non-fatal backtraces, 004). Log-prefixed
 * frames with no header and no panic frame are non-fatal too.
 *
 * When it ends: at a dump line (`Coredump to disk`, `Starting coredump`,
 * `Dump: `, `Disk Dump Successful`: that line is the last), at a boot
 * marker or `Section for VMware ESX` (a new log: not included), at the next
 * crash, at a non-fatal backtrace, at the end of the input, or after
 * PSOD_QUIET_LINES (50) lines in a row that carry nothing crash-shaped
 * (frames, registers, PCPU lists, uptime, MCE/heartbeat text); then the
 * crash ends at its last crash-shaped line and the notes taken after it are
 * dropped. Lines inside a crash that are not read into a field are kept as
 * notes (at most PSOD_MAX_NOTES): a rule may match on them (`Admission
 * failure in path`, MCE bank lines).
 *
 * One crash, several copies: a console message repeated by `@BlueScreen:`
 * (008, 021), a second MCE message form (012), and a 7.x log that prints
 * the backtrace before and after the banner (KB 367534) stay one crash: a
 * message that is a prefix of the crash's message (or the other way) merges,
 * and a backtrace whose first frame equals the crash's first frame is a
 * copy and skipped. */
#include "parse/psod/psod_impl.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PSOD_MAX_LINE (1u << 18) /* bytes of one physical line that are read */
#define PSOD_QUIET_LINES 50
#define PSOD_NAMED_NEAR 12 /* lines after a crash word in which a `fn()` call names a function */
#define PSOD_NAMED_CONTEXT 60 /* lines after a VMware word in which `backtrace` is a crash word */
#define PSOD_MAX_DIAGS 64
#define PSOD_MAX_CUTS 2048
#define PSOD_CONTEXT_LINES 3 /* a WARN or register line counts for this many lines */

enum run { RUN_NONE, RUN_MAIN, RUN_SAVED, RUN_SKIP };

/* A backtrace seen with no crash open, not yet known to be one. */
struct pend {
    bool active;
    unsigned long line, last;
    struct psod_frames frames;
    char *header;
    unsigned long header_line;
    bool bt_header, prefixed, regs_ctx, warn_ctx, saved;
    int cpu, pcpu;
    long long world;
    char *timestamp;
};

struct psod_reader {
    const char *source;
    struct psod_result res;
    struct diags d;
    size_t ndiags, diags_over;
    unsigned char needles[8192];
    struct buf lb;
    size_t cuts[PSOD_MAX_CUTS];
    /* the open crash */
    bool open;
    struct psod_crash cur;
    unsigned long note_line[PSOD_MAX_NOTES];
    unsigned long shaped; /* last line with crash content */
    unsigned quiet;
    enum run run, next_run;
    bool in_run;    /* the previous piece was a frame of this run */
    bool want_msg;  /* a banner came inside a crash with no message */
    bool precursor; /* the open crash began at a psod_precursor line, no frames yet */
    bool tentative; /* ... one that is a crash only when frames follow (IOMMU Fault) */
    int bt_cpu;
    long long bt_world;
    unsigned long bt_line; /* line of the last `Backtrace for` header in the crash */
    bool line_shaped;
    /* a console banner seen with no crash open */
    bool hdr;
    unsigned long hdr_line;
    char *hdr_product, *hdr_build, *hdr_ts;
    struct pend pend;
    unsigned long warn_line;
    char *warn_text;
    unsigned long regs_first, regs_last;
    unsigned long named_list; /* a crash-word line ending in `:`, or its list's last item */
    unsigned long named_cue;  /* the last line of prose with a crash word */
    unsigned long named_vmw;  /* the last line of prose with a VMware word */
    unsigned long fed;        /* the last line fed */
    bool line_colon;          /* the whole line ends in `:` (its pieces may not) */
    char *regs_ts; /* timestamp of the regs_first line */
};

static void diag_note(struct psod_reader *r, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
diag_note(struct psod_reader *r, unsigned long line, const char *fmt, ...)
{
    if (r->ndiags >= PSOD_MAX_DIAGS) {
        r->diags_over++;
        return;
    }
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    diags_add(&r->d, DIAG_NOTE, r->source, line, "%s", buf_str(&b));
    buf_release(&b);
    r->ndiags++;
}

struct psod_reader *
psod_reader_new(const char *source)
{
    struct psod_reader *r = xcalloc(1, sizeof(*r));
    r->source = source ? source : "-";
    psod_needles_init(r->needles);
    psod_crash_init(&r->cur);
    return r;
}

/* ---- crashes ---- */

static void
mark(struct psod_reader *r, unsigned long lineno)
{
    r->line_shaped = true;
    r->shaped = lineno;
    if (r->open && lineno > r->cur.last_line)
        r->cur.last_line = lineno;
}

static void
add_note(struct psod_reader *r, const char *s, size_t n, unsigned long lineno)
{
    struct psod_crash *c = &r->cur;
    if (c->nnotes >= PSOD_MAX_NOTES)
        return;
    char *t = pt_dup(s, n);
    if (t == NULL)
        return;
    c->notes = xreallocarray(c->notes, c->nnotes + 1, sizeof(*c->notes));
    r->note_line[c->nnotes] = lineno;
    c->notes[c->nnotes++] = t;
    if (lineno > c->last_line)
        c->last_line = lineno;
}

static bool
frames_have(const struct psod_frames *fs, const char *prefix)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].function && strncmp(fs->v[i].function, prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

/* Ends the open crash: culprit, notes, into the result. */
static void
finish(struct psod_reader *r)
{
    if (!r->open)
        return;
    struct psod_crash *c = &r->cur;
    if (r->tentative && c->frames.n + c->saved.n == 0) {
        /* an IOMMU fault with no backtrace after it: a log line, not a crash */
        psod_crash_release(c);
        psod_crash_init(c);
        r->open = r->precursor = r->tentative = false;
        r->run = r->next_run = RUN_NONE;
        r->in_run = r->want_msg = false;
        r->quiet = 0;
        return;
    }
    r->precursor = r->tentative = false;
    if (c->type == PSOD_UNKNOWN &&
        (frames_have(&c->frames, "PCIEDPC_EDR") || frames_have(&c->saved, "PCIEDPC_EDR")))
        c->type = PSOD_PCIE_ERROR; /* kb §1.6: PCIe FATAL_ERROR/EDR shows in the backtrace */
    if (c->frames.n + c->saved.n == 0)
        diag_note(r, c->line, "crash at line %lu (%s) has no backtrace", c->line,
                  psod_type_name(c->type, c->exception));
    psod_culprit(c);
    struct psod_result *res = &r->res;
    if (res->ncrashes < PSOD_MAX_CRASHES) {
        XGROW(res->crashes, res->capcrashes, res->ncrashes + 1);
        res->crashes[res->ncrashes++] = *c;
        psod_crash_init(c);
    } else {
        res->crashes_dropped++;
        psod_crash_release(c);
    }
    r->open = false;
    r->run = r->next_run = RUN_NONE;
    r->in_run = r->want_msg = false;
    r->quiet = 0;
}

/* Lines from `from` on are not the open crash's (a driver WARN began there). */
static void
cut_from(struct psod_reader *r, unsigned long from)
{
    struct psod_crash *c = &r->cur;
    while (c->nnotes > 0 && r->note_line[c->nnotes - 1] >= from)
        free(c->notes[--c->nnotes]);
    if (c->last_line < from)
        return;
    unsigned long last = r->shaped < from ? r->shaped : from - 1;
    if (c->nnotes > 0 && r->note_line[c->nnotes - 1] > last)
        last = r->note_line[c->nnotes - 1];
    c->last_line = last > c->line ? last : c->line;
}

/* The crash went quiet: it ends at its last crash-shaped line. */
static void
finish_quiet(struct psod_reader *r)
{
    struct psod_crash *c = &r->cur;
    while (c->nnotes > 0 && r->note_line[c->nnotes - 1] > r->shaped)
        free(c->notes[--c->nnotes]);
    if (c->nnotes == 0) {
        free(c->notes);
        c->notes = NULL;
    }
    c->last_line = r->shaped > c->line ? r->shaped : c->line;
    finish(r);
}

static void
drop_hdr(struct psod_reader *r)
{
    free(r->hdr_product);
    free(r->hdr_build);
    free(r->hdr_ts);
    r->hdr_product = r->hdr_build = r->hdr_ts = NULL;
    r->hdr = false;
}

static void
open_crash(struct psod_reader *r, unsigned long lineno, const struct psod_prefix *pre)
{
    finish(r);
    struct psod_crash *c = &r->cur;
    psod_crash_init(c);
    c->line = lineno;
    if (r->hdr) {
        c->line = r->hdr_line;
        c->product = r->hdr_product;
        c->build = r->hdr_build;
        c->timestamp = r->hdr_ts;
        r->hdr_product = r->hdr_build = r->hdr_ts = NULL;
        r->hdr = false;
    }
    if (c->timestamp == NULL && pre && pre->ts)
        c->timestamp = pt_dup(pre->ts, pre->tslen);
    c->last_line = lineno;
    r->open = true;
    r->precursor = r->tentative = false;
    r->run = r->next_run = RUN_NONE;
    r->in_run = r->want_msg = false;
    r->bt_cpu = -1;
    r->bt_world = -1;
    r->quiet = 0;
    mark(r, lineno);
}

static void
from_prefix(struct psod_crash *c, const struct psod_prefix *pre)
{
    if (pre == NULL)
        return;
    if (c->cpu < 0 && pre->cpu >= 0)
        c->cpu = pre->cpu;
    if (c->world_id < 0 && pre->world >= 0)
        c->world_id = pre->world;
}

static bool
same_crash(const struct psod_crash *c, const char *m, size_t n, enum psod_type t)
{
    if (c->message != NULL) {
        size_t a = strlen(c->message), k = a < n ? a : n;
        if (k >= 4 && memcmp(c->message, m, k) == 0)
            return true;
    }
    return c->frames.n == 0 && c->saved.n == 0 && t == c->type &&
           (t == PSOD_MCE || t == PSOD_HEARTBEAT);
}

static void
on_message(struct psod_reader *r, const char *m, size_t n, const struct psod_prefix *pre,
           unsigned long lineno, bool screen)
{
    pt_trim(&m, &n);
    int vec;
    enum psod_type t = psod_classify(m, n, &vec);
    int pc = psod_precursor(m, n);
    if (r->open && pc > 0 && (r->cur.message != NULL || r->cur.frames.n > 0)) {
        add_note(r, m, n, lineno); /* printed after the screen's own message */
        mark(r, lineno);
        return;
    }
    if (r->open && r->precursor && pc == 0 && r->cur.frames.n + r->cur.saved.n == 0) {
        /* the `@BlueScreen:` line after its precursor: one crash, the
         * precursor kept as a note; a hardware cause it named stands */
        struct psod_crash *c = &r->cur;
        enum psod_type was = c->type;
        if (c->message != NULL && c->nnotes < PSOD_MAX_NOTES) {
            c->notes = xreallocarray(c->notes, c->nnotes + 1, sizeof(*c->notes));
            r->note_line[c->nnotes] = c->line;
            c->notes[c->nnotes++] = c->message;
        } else {
            free(c->message);
        }
        c->message = pt_dup(m, n);
        psod_message_fields(c, m, n, true);
        if (was == PSOD_MCE && c->type != PSOD_MCE) {
            c->type = PSOD_MCE;
            c->exception = -1;
        }
        from_prefix(c, pre);
        r->precursor = r->tentative = false;
        r->want_msg = false;
        mark(r, lineno);
        return;
    }
    if (r->open && r->cur.message == NULL) {
        /* a crash opened by its backtrace, a banner or Panic Details */
    } else if (r->open && n > 0 && same_crash(&r->cur, m, n, t)) {
        struct psod_crash *c = &r->cur;
        size_t a = strlen(c->message);
        if (n > a && memcmp(c->message, m, a) == 0) {
            free(c->message);
            c->message = pt_dup(m, n);
        } else if (!(a >= n && memcmp(c->message, m, n) == 0)) {
            add_note(r, m, n, lineno);
        }
        psod_message_fields(c, m, n, false);
        from_prefix(c, pre);
        r->want_msg = false;
        mark(r, lineno);
        return;
    } else {
        open_crash(r, lineno, pre);
    }
    struct psod_crash *c = &r->cur;
    free(c->message);
    c->message = pt_dup(m, n);
    psod_message_fields(c, m, n, true);
    from_prefix(c, pre);
    if (c->timestamp == NULL && pre && pre->ts)
        c->timestamp = pt_dup(pre->ts, pre->tslen);
    r->want_msg = n == 0;
    r->precursor = pc > 0;
    r->tentative = pc == 2 && !screen; /* `@BlueScreen: IOMMU Fault ...` is a crash */
    mark(r, lineno);
}

/* ---- backtraces seen with no crash open ---- */

static void
pend_release(struct pend *p)
{
    psod_frames_release(&p->frames);
    free(p->header);
    free(p->timestamp);
    memset(p, 0, sizeof(*p));
}

static void
pend_start(struct psod_reader *r, unsigned long lineno, const struct psod_prefix *pre,
           const char *header, size_t hn)
{
    struct pend *p = &r->pend;
    pend_release(p);
    p->active = true;
    p->line = p->last = p->header_line = lineno;
    p->cpu = p->pcpu = -1;
    p->world = -1;
    p->prefixed = pre && pre->present;
    if (pre && pre->ts)
        p->timestamp = pt_dup(pre->ts, pre->tslen);
    if (r->warn_text && lineno - r->warn_line <= PSOD_CONTEXT_LINES) {
        p->warn_ctx = true;
        p->header = xstrdup(r->warn_text);
        p->header_line = r->warn_line;
    } else if (header != NULL) {
        p->header = pt_dup(header, hn);
    }
    if (r->regs_last && lineno - r->regs_last <= PSOD_CONTEXT_LINES) {
        p->regs_ctx = true;
        p->line = r->regs_first;
        if (r->regs_ts != NULL) {
            free(p->timestamp);
            p->timestamp = xstrdup(r->regs_ts);
        }
    }
}

static bool
panic_frame(const struct psod_frames *fs)
{
    for (size_t i = 0; i < fs->n && i < 8; i++) {
        const char *fn = fs->v[i].function;
        if (fn && (strncmp(fn, "Panic", 5) == 0 || strcmp(fn, "vmk_PanicWithModuleID") == 0 ||
                   strcmp(fn, "Int6_UD2Assert") == 0))
            return true;
    }
    return false;
}

/* The run of frames ended: a crash, or a non-fatal backtrace. */
static void
pend_end(struct psod_reader *r)
{
    struct pend *p = &r->pend;
    if (!p->active)
        return;
    if (p->frames.n == 0) {
        pend_release(p);
        return;
    }
    const char *fn0 = p->frames.v[0].function;
    bool nonfatal = p->warn_ctx || (fn0 && strcmp(fn0, "vmk_LogBacktraceMessage") == 0) ||
                    (p->prefixed && !p->bt_header && !p->regs_ctx && !panic_frame(&p->frames));
    if (nonfatal) {
        struct psod_result *res = &r->res;
        if (res->nbacktraces < PSOD_MAX_BACKTRACES) {
            XGROW(res->backtraces, res->capbacktraces, res->nbacktraces + 1);
            struct psod_backtrace *bt = &res->backtraces[res->nbacktraces++];
            bt->line = p->header ? p->header_line : p->line;
            bt->header = p->header;
            bt->frames = p->frames;
            p->header = NULL;
            memset(&p->frames, 0, sizeof(p->frames));
        } else {
            res->backtraces_dropped++;
        }
        pend_release(p);
        return;
    }
    struct pend q = *p;
    memset(p, 0, sizeof(*p));
    open_crash(r, q.line, NULL);
    struct psod_crash *c = &r->cur;
    if (c->timestamp == NULL) {
        c->timestamp = q.timestamp;
        q.timestamp = NULL;
    }
    c->cpu = q.cpu;
    c->world_id = q.world;
    if (q.saved) {
        c->saved = q.frames;
        c->saved_pcpu = q.pcpu;
    } else {
        c->frames = q.frames;
    }
    memset(&q.frames, 0, sizeof(q.frames));
    r->shaped = q.last;
    c->last_line = q.last;
    pend_release(&q);
}

/* ---- line kinds ---- */

/* `VMware ESX Server [Releasebuild-98103`, `[VMware ESX [Releasebuild-164009
 * X86_64`, `VMware ESXi 7.0.1 [build-16850804 x86_64]` alone on its line. */
static bool
banner(const char *s, size_t n, char **product, char **build)
{
    size_t i = 0;
    if (i < n && s[i] == '[')
        i++;
    if (!pt_starts(s + i, n - i, "VMware ESX"))
        return false;
    const char *br = memchr(s + i, '[', n - i);
    if (br == NULL)
        return false;
    size_t b = (size_t)(br - s) + 1;
    if (pt_starts(s + b, n - b, "Releasebuild-"))
        b += 13;
    else if (pt_starts(s + b, n - b, "build-"))
        b += 6;
    else
        return false;
    const char *close = memchr(s + b, ']', n - b);
    if (close != NULL) {
        size_t k = (size_t)(close - s) + 1;
        if (pt_ws(s, n, k) != n)
            return false; /* words after the banner: a sentence, not a screen */
    }
    size_t d = b;
    while (d < n && isdigit((unsigned char)s[d]))
        d++;
    *build = d > b && (d == n || !pt_is_mask((unsigned char)s[d])) ? pt_dup(s + b, d - b) : NULL;
    /* product: up to the bracket, a masked version word ("7.X.X") left out */
    const char *ps = s + i;
    size_t pn = (size_t)(br - ps);
    pt_trim(&ps, &pn);
    size_t sp = pn;
    while (sp > 0 && ps[sp - 1] != ' ')
        sp--;
    if (sp > 0 &&
        (memchr(ps + sp, 'X', pn - sp) || memchr(ps + sp, '#', pn - sp) ||
         memchr(ps + sp, '*', pn - sp)) &&
        isdigit((unsigned char)ps[sp]))
        pn = sp;
    *product = pt_dup(ps, pn);
    return true;
}

static void
set_result_build(struct psod_reader *r, const char *product, const char *build)
{
    if (build != NULL) {
        free(r->res.build);
        r->res.build = xstrdup(build);
    }
    if (product != NULL) {
        free(r->res.product);
        r->res.product = xstrdup(product);
    }
}

/* `Section for VMware ESX, pid=..., version=6.0.0, build=3620759, option=...` */
static bool
section(struct psod_reader *r, const char *s, size_t n)
{
    const char *sec = pt_find(s, n, "Section for VMware ESX");
    if (sec == NULL)
        return false;
    size_t off = (size_t)(sec - s);
    const char *b = pt_find(sec, n - off, "build=");
    const char *v = pt_find(sec, n - off, "version=");
    char *build = NULL, *product = NULL;
    if (b != NULL) {
        size_t i = (size_t)(b - s) + 6, e = i;
        while (e < n && isdigit((unsigned char)s[e]))
            e++;
        build = e > i ? pt_dup(s + i, e - i) : NULL;
    }
    if (v != NULL) {
        size_t i = (size_t)(v - s) + 8, e = i;
        while (e < n && (isdigit((unsigned char)s[e]) || s[e] == '.'))
            e++;
        if (e > i)
            product = xasprintf("VMware ESX %.*s", (int)(e - i), s + i);
    }
    set_result_build(r, product ? product : "VMware ESX", build);
    free(build);
    free(product);
    return true;
}

/* `Subsystem: 123:` / `Subsystem: Func:123:`: an ordinary vmkernel log line. */
static bool
log_shaped(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 40 && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
        i++;
    if (i == 0 || i + 2 >= n || s[i] != ':' || s[i + 1] != ' ')
        return false;
    i += 2;
    size_t a = i;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
        i++;
    if (i > a && i < n && s[i] == ':') {
        bool digits = true;
        for (size_t k = a; k < i; k++)
            digits &= isdigit((unsigned char)s[k]) != 0;
        if (digits)
            return true;
        i++;
        return i < n && isdigit((unsigned char)s[i]);
    }
    return false;
}

/* `frame=0x.. ip=0x..`, `cr0=..`, `es=..`, `rax=..`, `FMS=06/6a/6`, `err=0 ...` */
static bool
register_line(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 8 && isalnum((unsigned char)s[i]))
        i++;
    return i > 0 && i < 8 && i < n && s[i] == '=' && isalpha((unsigned char)s[0]);
}

static void
registers(struct psod_crash *c, const char *s, size_t n)
{
    const char *ip = pt_starts(s, n, "ip=") ? s : pt_find(s, n, " ip=");
    if (ip != NULL) {
        size_t i = (size_t)(ip - s) + (ip == s ? 3 : 4), len;
        uint64_t v;
        if (pt_hex(s + i, n - i, &len, &v) == PT_VALUE && !c->has_ip) {
            c->has_ip = true;
            c->ip = v;
        }
    }
    const char *cr2 = pt_starts(s, n, "cr2=") ? s : pt_find(s, n, " cr2=");
    if (cr2 != NULL && c->type == PSOD_EXCEPTION && c->exception == 14 && !c->has_address) {
        size_t i = (size_t)(cr2 - s) + (cr2 == s ? 4 : 5), len;
        uint64_t v;
        if (pt_hex(s + i, n - i, &len, &v) == PT_VALUE) {
            c->has_address = true;
            c->address = v;
        }
    }
}

/* A PCPU list: `*0:1037/helper1-4 1:1107/vmm0:Fagi`, `*PCPU14:2098398/tq:tcpip4`.
 * Sets cpu/world/name from the starred entry when unset. */
static bool
pcpu_list(struct psod_crash *c, const char *s, size_t n)
{
    size_t i = 0;
    bool first = true;
    bool any = false;
    while (i < n) {
        i = pt_ws(s, n, i);
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        const char *t = s + a;
        size_t tn = i - a, k = 0;
        if (tn == 0)
            break;
        bool star = t[0] == '*';
        k += star;
        if (pt_starts(t + k, tn - k, "PCPU"))
            k += 4;
        size_t len;
        long long cpu, world;
        int rc = pt_dec(t + k, tn - k, &len, &cpu);
        if (rc == PT_NONE || k + len >= tn || t[k + len] != ':') {
            if (first)
                return false;
            continue;
        }
        k += len + 1;
        int rw = pt_dec(t + k, tn - k, &len, &world);
        if (rw == PT_NONE || k + len >= tn || t[k + len] != '/') {
            if (first)
                return false;
            continue;
        }
        k += len + 1;
        first = false;
        any = true;
        if (star && c != NULL) {
            if (c->cpu < 0 && rc == PT_VALUE && cpu < 100000)
                c->cpu = (int)cpu;
            if (c->world_id < 0 && rw == PT_VALUE)
                c->world_id = world;
            if (c->world_name == NULL && k < tn && !pt_placeholder(t + k, tn - k))
                c->world_name = pt_dup(t + k, tn - k);
        }
    }
    return any;
}

static void
modules_involved(struct psod_crash *c, const char *s, size_t n)
{
    const char *p = s;
    size_t left = n;
    while (c->nmodules_involved < PSOD_MAX_MODULES) {
        const char *open = memchr(p, '[', left);
        if (open == NULL)
            break;
        size_t off = (size_t)(open - p) + 1;
        const char *close = memchr(open + 1, ']', left - off);
        if (close == NULL)
            break;
        const char *in = open + 1;
        size_t inn = (size_t)(close - in);
        pt_trim(&in, &inn);
        size_t w = 0;
        while (w < inn && in[w] != ' ' && in[w] != '\t')
            w++;
        if (w > 0 && !pt_placeholder(in, w)) {
            size_t k = c->nmodules_involved;
            c->modules_involved = xreallocarray(c->modules_involved, k + 1, sizeof(char *));
            c->modules_involved_detail =
                xreallocarray(c->modules_involved_detail, k + 1, sizeof(char *));
            c->modules_involved[k] = pt_dup(in, w);
            c->modules_involved_detail[k] = pt_dup(in, inn);
            c->nmodules_involved++;
        }
        left -= (size_t)(close + 1 - p);
        p = close + 1;
    }
}

static bool
dump_line(const char *s, size_t n)
{
    return pt_starts(s, n, "Coredump to") || pt_starts(s, n, "Starting coredump") ||
           pt_starts(s, n, "Disk Dump") || pt_starts(s, n, "Dump: ") ||
           pt_starts(s, n, "Dumping using") || pt_starts(s, n, "coredump to disk");
}

static bool
shaped_text(const char *s, size_t n)
{
    static const char *const kw[] = {"MC",  "Hardware", "heartbeat", "Panic", "PCPU",
                                     "NMI", "VMNIX",    "ALERT",     "Excp",  "machine check"};
    for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
        if (pt_find(s, n, kw[i]))
            return true;
    return false;
}

/* A line inside an open crash that is not a frame, message or header. */
static void
in_crash(struct psod_reader *r, const char *s, size_t n, const struct psod_prefix *pre,
         unsigned long lineno)
{
    struct psod_crash *c = &r->cur;
    if (dump_line(s, n)) {
        mark(r, lineno);
        finish(r);
        return;
    }
    if (pt_starts(s, n, "Boot: ") || pt_starts(s, n, "Logs rotated")) {
        finish(r); /* the host came back: a new log, not this crash */
        return;
    }
    psod_uptime_field(c, s, n);
    if (pt_starts(s, n, "Code start")) {
        size_t i = pt_starts(s, n, "Code starts at") ? 14 : 10;
        while (i < n && (s[i] == ':' || s[i] == ' '))
            i++;
        size_t len;
        uint64_t v;
        if (pt_hex(s + i, n - i, &len, &v) == PT_VALUE && !c->has_code_start) {
            c->has_code_start = true;
            c->code_start = v;
        }
        from_prefix(c, pre);
        mark(r, lineno);
        return;
    }
    if (pt_find(s, n, "VMK uptime") || pt_find(s, n, "VMK Uptime")) {
        mark(r, lineno);
        return;
    }
    if (pt_starts(s, n, "Module(s) involved in panic")) {
        modules_involved(c, s, n);
        mark(r, lineno);
        return;
    }
    if (register_line(s, n)) {
        registers(c, s, n);
        if (pt_starts(s, n, "FMS=")) /* CPU family/model/stepping and microcode: for rules */
            add_note(r, s, n, lineno);
        mark(r, lineno);
        return;
    }
    if (pt_starts(s, n, "base fs=") || pt_starts(s, n, "FSbase:") ||
        pt_starts(s, n, "lastClrIntrRA") || pt_starts(s, n, "World: ")) {
        mark(r, lineno);
        return;
    }
    if (pt_starts(s, n, "PTEs:") || pt_starts(s, n, "LBR:") || pcpu_list(c, s, n)) {
        add_note(r, s, n, lineno);
        mark(r, lineno);
        return;
    }
    if (psod_frame_like(s, n)) {
        diag_note(r, lineno, "frame not understood: %.*s", (int)(n < 80 ? n : 80), s);
        add_note(r, s, n, lineno);
        mark(r, lineno);
        return;
    }
    add_note(r, s, n, lineno);
    if (shaped_text(s, n))
        mark(r, lineno);
}

/* ---- frames ---- */

static void
on_frame(struct psod_reader *r, struct psod_frame *f, const struct psod_tag *tag,
         const struct psod_prefix *pre, unsigned long lineno)
{
    f->line = lineno;
    r->want_msg = false;
    if (r->open) {
        struct psod_crash *c = &r->cur;
        if (!r->in_run) {
            if (!tag->present && f->function &&
                strcmp(f->function, "vmk_LogBacktraceMessage") == 0) {
                /* a WARN backtrace after the crash: not part of it */
                unsigned long from = lineno;
                if (r->next_run == RUN_MAIN && r->bt_line > 0 && r->bt_line < from)
                    from = r->bt_line;
                if (r->warn_text && lineno - r->warn_line <= PSOD_CONTEXT_LINES &&
                    r->warn_line < from)
                    from = r->warn_line;
                cut_from(r, from);
                finish(r);
                goto pending;
            }
            enum run run = tag->present || r->next_run == RUN_SAVED ? RUN_SAVED : RUN_MAIN;
            bool named_only = run == RUN_MAIN && c->frames.n > 0;
            for (size_t i = 0; named_only && i < c->frames.n; i++)
                named_only = c->frames.v[i].named;
            if (named_only) /* the printed backtrace replaces functions its text named */
                psod_frames_release(&c->frames);
            const struct psod_frames *fs = run == RUN_SAVED ? &c->saved : &c->frames;
            if (fs->n > 0 && psod_frame_same(f, &fs->v[0]))
                run = RUN_SKIP; /* the same backtrace printed again */
            if (run == RUN_MAIN && c->frames.n == 0) {
                if (c->cpu < 0 && r->bt_cpu >= 0)
                    c->cpu = r->bt_cpu;
                if (c->world_id < 0 && r->bt_world >= 0)
                    c->world_id = r->bt_world;
            }
            r->run = run;
            r->next_run = RUN_NONE;
            r->in_run = true;
        } else if (tag->present && r->run == RUN_MAIN) {
            r->run = RUN_SAVED;
        }
        if (tag->present) {
            if (c->saved_pcpu < 0)
                c->saved_pcpu = tag->pcpu;
            if (c->saved_reason == NULL && tag->reason_len > 0)
                c->saved_reason = pt_dup(tag->reason, tag->reason_len);
        }
        r->precursor = r->tentative = false;
        if (r->run == RUN_MAIN) {
            from_prefix(c, pre);
            psod_frames_push(&c->frames, f);
        } else if (r->run == RUN_SAVED) {
            psod_frames_push(&c->saved, f);
        } else {
            psod_frame_release(f);
        }
        mark(r, lineno);
        return;
    }
pending:
    if (!r->pend.active)
        pend_start(r, lineno, pre, NULL, 0);
    if (tag->present) {
        r->pend.saved = true;
        if (r->pend.pcpu < 0)
            r->pend.pcpu = tag->pcpu;
    }
    psod_frames_push(&r->pend.frames, f);
    r->pend.last = lineno;
    r->in_run = true;
}

/* ---- headers ---- */

/* `Backtrace for current CPU #8, worldID=2097296, fp=0x0`, `... - 5:`,
 * `Backtrace for Saved/Locked CPU - 0:`, `Backtrace:`. Returns 0 (none),
 * 1 (current CPU) or 2 (saved). */
static int
bt_header(const char *s, size_t n, int *cpu, long long *world)
{
    *cpu = -1;
    *world = -1;
    if (pt_eq(s, n, "Backtrace:") || pt_starts(s, n, "Backtrace: "))
        return 1;
    if (!pt_starts(s, n, "Backtrace for "))
        return 0;
    int kind;
    size_t i = 14;
    if (pt_starts_ci(s + i, n - i, "current CPU"))
        i += 11, kind = 1;
    else if (pt_starts_ci(s + i, n - i, "Saved/Locked CPU"))
        i += 16, kind = 2;
    else
        return 0;
    i = pt_ws(s, n, i);
    if (i < n && s[i] == '#')
        i++;
    else if (i + 1 < n && s[i] == '-' && s[i + 1] == ' ')
        i = pt_ws(s, n, i + 1);
    size_t len;
    long long v;
    if (pt_dec(s + i, n - i, &len, &v) == PT_VALUE && v < 100000)
        *cpu = (int)v;
    const char *w = pt_find(s, n, "worldID=");
    if (w != NULL) {
        size_t k = (size_t)(w - s) + 8;
        if (pt_dec(s + k, n - k, &len, &v) == PT_VALUE)
            *world = v;
    }
    return kind;
}

static void
on_bt_header(struct psod_reader *r, int kind, int cpu, long long world, const char *s, size_t n,
             const struct psod_prefix *pre, unsigned long lineno)
{
    bool warn = r->warn_text && lineno - r->warn_line <= PSOD_CONTEXT_LINES;
    if (r->open && !warn) {
        struct psod_crash *c = &r->cur;
        if (kind == 2) {
            r->next_run = RUN_SAVED;
            if (c->saved_pcpu < 0)
                c->saved_pcpu = cpu;
            add_note(r, s, n, lineno);
        } else {
            r->next_run = RUN_MAIN;
            r->bt_cpu = cpu;
            r->bt_world = world;
            r->bt_line = lineno;
        }
        mark(r, lineno);
        return;
    }
    if (r->open && warn)
        cut_from(r, r->warn_line);
    finish(r);
    pend_start(r, lineno, pre, s, n);
    struct pend *p = &r->pend;
    p->bt_header = true;
    p->cpu = kind == 1 ? cpu : -1;
    p->world = kind == 1 ? world : -1;
    if (kind == 2) {
        p->saved = true;
        p->pcpu = cpu;
    }
}

/* `Saved backtrace: pcpu 118 Heartbeat NMI`, `Saved backtrace from: pcpu 0 SpinLock spin out NMI`
 */
static bool
on_saved(struct psod_reader *r, const char *s, size_t n, const struct psod_prefix *pre,
         unsigned long lineno)
{
    const char *sb = pt_find(s, n, "Saved backtrace");
    if (sb == NULL || (sb != s && !pt_starts(s, n, "Panic: ")))
        return false;
    const char *pc = pt_find(sb, n - (size_t)(sb - s), "pcpu ");
    int pcpu = -1;
    const char *reason = NULL;
    size_t rlen = 0;
    if (pc != NULL) {
        size_t i = (size_t)(pc - s) + 5, len;
        long long v;
        if (pt_dec(s + i, n - i, &len, &v) == PT_VALUE && v < 100000)
            pcpu = (int)v;
        reason = s + i + len;
        rlen = n - i - len;
        pt_trim(&reason, &rlen);
    }
    if (r->open) {
        struct psod_crash *c = &r->cur;
        if (c->saved_pcpu < 0)
            c->saved_pcpu = pcpu;
        if (c->saved_reason == NULL && rlen > 0)
            c->saved_reason = pt_dup(reason, rlen);
        r->next_run = RUN_SAVED;
        add_note(r, sb, n - (size_t)(sb - s), lineno);
        mark(r, lineno);
        return true;
    }
    pend_start(r, lineno, pre, sb, n - (size_t)(sb - s));
    r->pend.bt_header = true;
    r->pend.saved = true;
    r->pend.pcpu = pcpu;
    return true;
}

static void
on_banner(struct psod_reader *r, char *product, char *build, const struct psod_prefix *pre,
          unsigned long lineno)
{
    set_result_build(r, product, build);
    if (r->open && r->cur.message == NULL) {
        struct psod_crash *c = &r->cur;
        if (c->product == NULL) {
            c->product = product;
            product = NULL;
        }
        if (c->build == NULL) {
            c->build = build;
            build = NULL;
        }
        r->want_msg = true;
        mark(r, lineno);
        free(product);
        free(build);
        return;
    }
    finish(r);
    drop_hdr(r);
    r->hdr = true;
    r->hdr_line = lineno;
    r->hdr_product = product;
    r->hdr_build = build;
    r->hdr_ts = pre && pre->ts ? pt_dup(pre->ts, pre->tslen) : NULL;
}

/* ---- one piece of a line ---- */

/* Length of an elision at s: `...`, `. . .`, `…` (U+2026), `[...]`, `(...)`. */
static size_t
elision_len(const char *s, size_t n)
{
    size_t i = 0, dots = 0;
    if (i < n && (s[i] == '[' || s[i] == '('))
        i++;
    for (;;) {
        if (i < n && s[i] == '.') {
            dots++;
            i++;
        } else if (i + 2 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
                   (unsigned char)s[i + 2] == 0xa6) {
            dots += 3;
            i += 3;
        } else if (i + 1 < n && s[i] == ' ' && s[i + 1] == '.' && dots > 0) {
            i++;
        } else {
            break;
        }
    }
    if (dots < 3)
        return 0;
    if (i < n && (s[i] == ']' || s[i] == ')'))
        i++;
    return i;
}

/* ---- functions named in prose (psod_named.c) ---- */

/* Frames from a line of prose that names functions, or from an item of the
 * list a crash-word line opened. They join the open crash unless it has a
 * pasted backtrace (addresses): prose then only talks about it. A line that
 * speaks of a purple screen may also give the message a title quotes
 * (psod_named_message: it opens the crash, and names inside it are not
 * frames), frames written as symbols (`Fn@vmkernel#nover+0x36`) and the
 * drivers it names (module-only frames). */
static bool
named(struct psod_reader *r, const char *s, size_t n, const struct psod_prefix *pre,
      unsigned long lineno)
{
    char *fn[16];
    struct psod_frame sym[8];
    char *mods[8];
    size_t k = 0, nsym = 0, nmod = 0, len, mlen = 0;
    const char *msg = NULL;
    if (pre != NULL && pre->present) /* a log line is what a host printed, not prose */
        return false;
    const char *item = r->named_list && lineno <= r->named_list + 1
                           ? psod_named_list_item(s, n, &len)
                           : NULL;
    if (item != NULL) {
        fn[k++] = xstrndup(item, len);
        r->named_list = lineno;
    } else {
        r->named_list = 0;
        if (psod_named_vmware(s, n))
            r->named_vmw = lineno;
        int strength = psod_named_cue(s, n);
        bool cue = strength == 2 ||
                   (strength == 1 && r->named_vmw && lineno - r->named_vmw <= PSOD_NAMED_CONTEXT);
        bool near = !cue && r->named_cue && lineno - r->named_cue <= PSOD_NAMED_NEAR;
        if (!cue && !near)
            return false;
        if (cue) {
            r->named_cue = lineno;
            if (r->line_colon || (n > 0 && s[n - 1] == ':'))
                r->named_list = lineno;
            msg = psod_named_message(s, n, &mlen);
            nsym = psod_named_symbols(s, n, sym, sizeof(sym) / sizeof(sym[0]));
            nmod = psod_named_modules(s, n, mods, sizeof(mods) / sizeof(mods[0]));
        }
        if (msg != NULL) { /* names inside the message are its words, not frames */
            size_t off = (size_t)(msg - s);
            k = psod_named_functions(s, off, near, fn, sizeof(fn) / sizeof(fn[0]));
            k += psod_named_functions(msg + mlen, n - off - mlen, near, fn + k,
                                      sizeof(fn) / sizeof(fn[0]) - k);
        } else {
            k = psod_named_functions(s, n, near, fn, sizeof(fn) / sizeof(fn[0]));
        }
        for (size_t i = 0; i < k;) { /* a driver's name is no function (`lsi_mr3`) */
            bool mod = false;
            for (size_t j = 0; j < nmod; j++)
                mod |= strcasecmp(fn[i], mods[j]) == 0;
            if (mod) {
                free(fn[i]);
                fn[i] = fn[--k];
            } else {
                i++;
            }
        }
        if (k + nsym + nmod == 0 && msg == NULL)
            return false;
    }
    bool pasted = false;
    for (size_t j = 0; r->open && j < r->cur.frames.n; j++)
        pasted |= !r->cur.frames.v[j].named;
    if (pasted) {
        for (size_t i = 0; i < k; i++)
            free(fn[i]);
        for (size_t i = 0; i < nsym; i++)
            psod_frame_release(&sym[i]);
        for (size_t i = 0; i < nmod; i++)
            free(mods[i]);
        r->named_list = 0;
        return false;
    }
    if (msg != NULL)
        on_message(r, msg, mlen, pre, lineno, false);
    if (!r->open)
        open_crash(r, lineno, pre);
    struct psod_crash *c = &r->cur;
    if (c->product == NULL && item == NULL && c->line == lineno)
        c->product = psod_named_release(s, n); /* a title's releases, on the line that opened it */
    for (size_t i = 0; i < nsym; i++) {
        sym[i].line = lineno;
        psod_frames_push(&c->frames, &sym[i]);
    }
    for (size_t i = 0; i < k; i++) {
        bool have = false;
        for (size_t j = 0; j < c->frames.n; j++)
            have |= c->frames.v[j].function && strcmp(c->frames.v[j].function, fn[i]) == 0;
        if (have) {
            free(fn[i]);
            continue;
        }
        psod_frames_push_named(&c->frames, fn[i], lineno);
    }
    for (size_t i = 0; i < nmod; i++) {
        bool have = false;
        for (size_t j = 0; j < c->frames.n; j++)
            have |= c->frames.v[j].module && strcmp(c->frames.v[j].module, mods[i]) == 0;
        if (have) {
            free(mods[i]);
            continue;
        }
        struct psod_frame f;
        memset(&f, 0, sizeof(f));
        f.module = mods[i];
        f.named = true;
        f.line = lineno;
        psod_frames_push(&c->frames, &f);
    }
    mark(r, lineno);
    return true;
}

static void
piece(struct psod_reader *r, const char *s, size_t n, const struct psod_prefix *pre,
      unsigned long lineno)
{
    pt_trim(&s, &n);
    size_t el = elision_len(s, n);
    if (el > 0 && el == n) {
        /* `...` inside a backtrace: frames were left out, the run goes on */
        if (r->open && r->in_run)
            mark(r, lineno);
        return;
    }
    s += el;
    n -= el;
    pt_trim(&s, &n);
    if (n == 0) {
        r->in_run = false;
        if (r->pend.active && r->pend.frames.n > 0)
            pend_end(r);
        return;
    }
    struct psod_frame f;
    struct psod_tag tag;
    if (psod_parse_frame(s, n, &f, &tag)) {
        on_frame(r, &f, &tag, pre, lineno);
        return;
    }
    tag.present = false;
    if (r->open && (psod_parse_gdb_frame(s, n, &f) || psod_parse_symbol_frame(s, n, &f))) {
        on_frame(r, &f, &tag, pre, lineno);
        return;
    }
    const char *fl = r->open ? pt_find(s, n, ":[0x") : NULL;
    const char *close = fl ? memchr(fl, ']', n - (size_t)(fl - s)) : NULL;
    if (close != NULL &&
        psod_parse_symbol_frame(close + 1, n - (size_t)(close + 1 - s), &f)) {
        /* a photo's OCR or a retyped screen broke the addresses (`0x4l8OO`,
         * `[0x41800d8f fc73]`): the function and module still name the frame */
        on_frame(r, &f, &tag, pre, lineno);
        return;
    }
    r->in_run = false;
    if (r->pend.active && (r->pend.frames.n > 0 || !pt_starts(s, n, "Backtrace")))
        pend_end(r);

    char *product = NULL, *build = NULL;
    if (banner(s, n, &product, &build)) {
        on_banner(r, product, build, pre, lineno);
        return;
    }
    const char *bs = pt_find(s, n, "BlueScreen:");
    if (bs != NULL && (bs == s || bs[-1] == '@' || bs[-1] == ' ')) {
        size_t i = (size_t)(bs - s) + 11;
        on_message(r, s + i, psod_message_len(s, n, bs) - 11, pre, lineno, true);
        return;
    }
    const char *pm = pt_find(s, n, "Panic Message:");
    if (pm != NULL) {
        size_t i = (size_t)(pm - s) + 14;
        on_message(r, s + i, n - i, pre, lineno, true);
        return;
    }
    const char *m = psod_panic_message(s, n, pre->present);
    if (m != NULL) {
        on_message(r, m, psod_message_len(s, n, m), pre, lineno, false);
        return;
    }
    const char *pd = pt_find(s, n, "Panic Details:");
    if (pd != NULL) {
        if (!r->open || r->cur.message != NULL || r->cur.frames.n > 0)
            open_crash(r, lineno, pre);
        size_t i = (size_t)(pd - s) + 14;
        psod_details_fields(&r->cur, s + i, n - i);
        mark(r, lineno);
        return;
    }
    int cpu;
    long long world;
    int kind = bt_header(s, n, &cpu, &world);
    if ((r->hdr || (r->open && r->want_msg)) && kind == 0 && !log_shaped(s, n) &&
        !register_line(s, n) && !pcpu_list(NULL, s, n) && !pt_starts(s, n, "Code start") &&
        !pt_starts(s, n, "PTEs:") && !pt_starts(s, n, "Saved backtrace")) {
        /* the line under a banner is the panic message (`Lost heartbeat`) */
        on_message(r, s, n, pre, lineno, false);
        return;
    }
    /* not a message: a banner stays pending for a few lines (a backtrace may
     * come first), then lapses in psod_feed */
    r->want_msg = false;
    if (kind != 0) {
        on_bt_header(r, kind, cpu, world, s, n, pre, lineno);
        return;
    }
    if (on_saved(r, s, n, pre, lineno))
        return;
    const char *wa = pt_find(s, n, "WARNING: at ");
    if (wa != NULL) {
        free(r->warn_text);
        r->warn_text = pt_dup(wa, n - (size_t)(wa - s));
        r->warn_line = lineno;
    }
    if (pt_starts(s, n, "World: ") &&
        (pt_find(s, n, "PRDA") || pt_find(s, n, "CR0 ") || pt_find(s, n, " TR "))) {
        if (r->regs_last == 0 || lineno - r->regs_last > PSOD_CONTEXT_LINES) {
            r->regs_first = lineno;
            free(r->regs_ts);
            r->regs_ts = pre && pre->ts ? pt_dup(pre->ts, pre->tslen) : NULL;
        }
        r->regs_last = lineno;
    }
    if (named(r, s, n, pre, lineno))
        return;
    if (section(r, s, n)) {
        finish(r);
        return;
    }
    if (r->open)
        in_crash(r, s, n, pre, lineno);
}

/* ---- the line interface ---- */

bool
psod_reader_busy(const struct psod_reader *r)
{
    return r->open || r->hdr || r->pend.active || r->named_list ||
           (r->named_cue && r->fed - r->named_cue < PSOD_NAMED_NEAR);
}

void
psod_feed(struct psod_reader *r, const char *line, size_t len, unsigned long lineno)
{
    r->fed = lineno;
    if (!r->open && !r->hdr && !r->pend.active && !r->named_list &&
        !(r->named_cue && lineno - r->named_cue <= PSOD_NAMED_NEAR) &&
        !psod_needles_any(r->needles, line, len < PSOD_MAX_LINE ? len : PSOD_MAX_LINE))
        return; /* the common case in a big log: nothing crash-shaped here */
    if (len > PSOD_MAX_LINE)
        diag_note(r, lineno, "line is %zu bytes long; only the first %u are read", len,
                  PSOD_MAX_LINE);
    if (r->hdr && lineno > r->hdr_line + PSOD_CONTEXT_LINES)
        drop_hdr(r);
    psod_clean(&r->lb, line, len, PSOD_MAX_LINE);
    const char *s = r->lb.p ? r->lb.p : "";
    size_t n = r->lb.len;
    r->line_shaped = false;
    size_t tail = n;
    while (tail > 0 && (s[tail - 1] == ' ' || s[tail - 1] == '\t'))
        tail--;
    r->line_colon = tail > 0 && s[tail - 1] == ':';
    struct psod_prefix pre;
    size_t b = psod_strip_prefix(s, n, &pre);
    s += b;
    n -= b;
    size_t ncuts = psod_split(s, n, r->cuts, PSOD_MAX_CUTS);
    struct psod_prefix carry = pre;
    size_t start = 0;
    for (size_t k = 0; k <= ncuts; k++) {
        size_t end = k < ncuts ? r->cuts[k] : n;
        const char *p = s + start;
        size_t pn = end - start;
        struct psod_prefix pp = carry;
        if (k > 0) {
            struct psod_prefix own;
            size_t ob = psod_strip_prefix(p, pn, &own);
            if (own.present)
                pp = own;
            p += ob;
            pn -= ob;
            const char *t = p;
            size_t tn = pn;
            pt_trim(&t, &tn);
            if (tn == 0) {
                /* a prefix alone belongs to the next piece; an empty table cell is nothing */
                carry = pp;
                start = end;
                continue;
            }
        }
        piece(r, p, pn, &pp, lineno);
        carry = pre;
        start = end;
    }
    if (r->open && r->tentative && lineno > r->shaped + PSOD_CONTEXT_LINES)
        finish(r); /* no backtrace came: dropped */
    if (r->open) {
        if (r->line_shaped) {
            r->quiet = 0;
        } else if (++r->quiet >= PSOD_QUIET_LINES) {
            finish_quiet(r);
        }
    }
}

void
psod_reader_finish(struct psod_reader *r, struct psod_result *out, struct diags *d)
{
    pend_end(r);
    finish(r);
    drop_hdr(r);
    if (r->diags_over > 0)
        diags_add(&r->d, DIAG_NOTE, r->source, 0, "%zu more notes about the crash text not shown",
                  r->diags_over);
    *out = r->res;
    if (d != NULL)
        diags_move(d, &r->d);
    diags_release(&r->d);
    psod_crash_release(&r->cur);
    pend_release(&r->pend);
    buf_release(&r->lb);
    free(r->warn_text);
    free(r->regs_ts);
    free(r);
}

void
psod_decode(const char *data, size_t len, const char *source, struct psod_result *out,
            struct diags *d)
{
    struct psod_reader *r = psod_reader_new(source);
    unsigned long lineno = 0;
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && data[e] != '\n' && data[e] != '\r')
            e++;
        psod_feed(r, data + i, e - i, ++lineno);
        if (e < len && data[e] == '\r' && e + 1 < len && data[e + 1] == '\n')
            e++;
        i = e + 1;
    }
    psod_reader_finish(r, out, d);
}

void
psod_result_release(struct psod_result *res)
{
    for (size_t i = 0; i < res->ncrashes; i++)
        psod_crash_release(&res->crashes[i]);
    free(res->crashes);
    for (size_t i = 0; i < res->nbacktraces; i++) {
        free(res->backtraces[i].header);
        psod_frames_release(&res->backtraces[i].frames);
    }
    free(res->backtraces);
    free(res->build);
    free(res->product);
    memset(res, 0, sizeof(*res));
}
