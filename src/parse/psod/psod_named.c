/* psod_named: functions named in prose, as articles, titles and tickets
 * describe a purple screen without pasting it (issue 14 §1): "fails with a
 * purple diagnostic screen and reports an LACPScheduler error", "The
 * backtrace contains:" followed by a bulleted list of function names,
 * "with LVMHandleDeviceAPDEvent in the stack". Each name becomes a frame
 * with a function and no address or module, so a signature that tests
 * crash.functions matches it; a line needs a crash word (purple screen,
 * PSOD, backtrace, stack) to name functions, and only identifiers shaped
 * like VMkernel functions count (an underscore, or CamelCase with a hump,
 * not a product name), so prose about purple screens invents no frames.
 *
 * A knowledge-base title says more in its own words, and a line that
 * speaks of a purple screen is read for that too: frames written as
 * symbols inside the sentence (`shows Fn@vmkernel#nover+0xa2 stack: ...`,
 * `the error: Fn@esx`: function and module, no address); the message it
 * quotes after its purple-screen words (`with the error: "Recursive panic
 * on same CPU"`, `with error: Calling hpvsac driver shutdown`; only within
 * six words after them, only with some plain English in it, never a
 * definition of the purple screen or a sentence); `Heap NAME already at
 * its maximum size`; the drivers it names as drivers (`Driver lsi_mr3`,
 * `(ixgbe) driver`, `HPILO Purple Diagnostic Screen`: vendor modules of
 * data/esxi_modules.tsv, as module-only frames; `Emulex FC/FCoE drivers`
 * names a product, not a module, and gives nothing); and the releases it
 * names (`ESXi 5.1, 5.5 and 6.0`), the crash's product when no banner
 * gives one. False positives were measured on 500 unrelated documents
 * (150 Node.js, 47 valgrind, 74 Python, 229 other /usr/share/doc files,
 * each fed to `vmtriage psod -f json` and its crashes counted; the
 * command is in the commit that added this paragraph): none gives a crash. */
#include "parse/psod/psod_impl.h"
#include "util/util_mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
ci_has(const char *s, size_t n, const char *lit)
{
    for (size_t i = 0; i < n; i++)
        if (pt_starts_ci(s + i, n - i, lit))
            return true;
    return false;
}

int
psod_named_cue(const char *s, size_t n)
{
    /* words any program's crash uses: they count near VMware words only */
    static const char *const generic[] = {"backtrace",    "back trace",  "call stack",
                                          "stack trace",  "in the stack", "function call"};
    /* a purple screen, in English and in the words translated articles use
     * around the same names (Japanese, Chinese, German, French, Spanish,
     * Portuguese) */
    static const char *const cues[] = {
        "purple diagnostic screen", "purple screen", "psod", "bluescreen",
        "\xe3\x83\x91\xe3\x83\xbc\xe3\x83\x97\xe3\x83\xab",             /* パープル */
        "\xe3\x83\x90\xe3\x83\x83\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xac\xe3\x83\xbc\xe3\x82\xb9", /* バックトレース */
        "\xe7\xb4\xab\xe5\xb1\x8f", /* 紫屏 */
        "violett", "violet", "p\xc3\xbarpura", "morada", "roxa"};
    for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++)
        if (ci_has(s, n, cues[i]))
            return 2;
    for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
        if (ci_has(s, n, generic[i]))
            return 1;
    return 0;
}

bool
psod_named_vmware(const char *s, size_t n)
{
    static const char *const words[] = {"esx", "vmware", "vsphere", "vmkernel", "vcenter"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (ci_has(s, n, words[i]))
            return true;
    return false;
}

/* Words with a function's shape that are products, features or screens. */
static bool
stopword(const char *s, size_t n)
{
    static const char *const words[] = {
        "VMware",     "PowerPath",  "NetQueue",   "OneConnect", "ProLiant",   "PowerCLI",
        "PowerEdge",  "PowerShell", "NetApp",     "ThinkSystem", "SuperMicro", "Supermicro",
        "FlexPriority", "QuickBoot", "AutoDeploy", "HyperFlex",  "BlueScreen", "CoreDump",
        "VxRail",     "UltraPath",  "FusionCompute", "OpenManage", "XClarity", "GlobalProtect",
        "LiveCore",   "DirectPath", "NetFlow",    "vSphere",    "vCenter",    "vMotion",
        "ConnectX",   "FastLinQ",   "NetXtreme",  "SmartArray", "MegaRAID",   "OmniPath",
        "ThinApp",    "HealthCheck", "StorageMonitor", "SecureBoot", "WinDbg", "BlueField",
        "VMkernel",
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return true;
    return false;
}

static bool
word_char(int c)
{
    return isalnum(c) || c == '_';
}

bool
psod_function_shaped(const char *s, size_t n)
{
    if (n < 6 || n > 80 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    size_t upper = 0, lower = 0, humps = 0; /* humps past the second letter: not VMkernel */
    bool underscore = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isupper(c)) {
            upper++;
            if (i > 1 && (islower((unsigned char)s[i - 1]) ||
                          (i + 1 < n && islower((unsigned char)s[i + 1]) &&
                           isupper((unsigned char)s[i - 1]))))
                humps++;
        } else if (islower(c)) {
            lower++;
        } else if (c == '_' && i > 0 && i + 1 < n) {
            underscore = true;
        }
    }
    if (lower == 0 || stopword(s, n))
        return false; /* NOT_IMPLEMENTED, HELPER_IMMED: not functions */
    if (underscore)
        return lower + upper >= 4;
    /* `LACPScheduler`, `FTCptWriterFunc`; a driver's `qla24xxProcessResponseQueue` starts
     * in lower case but has humps to spare (`vSphere` has none past its second letter) */
    return n >= 8 && upper >= 2 && lower >= 3 &&
           (isupper((unsigned char)s[0]) ? humps >= 1 : humps >= 2);
}

/* The next word of s[*i..n) that does not sit inside a path, frame, address,
 * file name or URL (`fn@module` is read elsewhere): its bounds [*b, *e), *i
 * moved past it. False at the end. */
static bool
next_free_word(const char *s, size_t n, size_t *i, size_t *b, size_t *e)
{
    while (*i < n) {
        if (!word_char((unsigned char)s[*i])) {
            (*i)++;
            continue;
        }
        *b = *i;
        while (*i < n && word_char((unsigned char)s[*i]))
            (*i)++;
        *e = *i;
        if (*b > 0 && strchr("./\\@:#-=$%&[<", s[*b - 1]) != NULL)
            continue;
        if (*e < n && strchr("/\\@#=-[<", s[*e]) != NULL)
            continue;
        return true;
    }
    return false;
}

size_t
psod_named_functions(const char *s, size_t n, bool calls_only, char **out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0, b, e; k < max && next_free_word(s, n, &i, &b, &e);) {
        if (e < n && s[e] == '.' && e + 1 < n && isalnum((unsigned char)s[e + 1]))
            continue; /* a file name */
        if (!psod_function_shaped(s + b, i - b))
            continue;
        if (calls_only && !(i + 1 < n && s[i] == '(' && s[i + 1] == ')'))
            continue; /* near a crash word, only a call written `fn()` is a function */
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            if (strlen(out[j]) == i - b && memcmp(out[j], s + b, i - b) == 0)
                dup = true;
        if (!dup)
            out[k++] = xstrndup(s + b, i - b);
    }
    return k;
}

const char *
psod_named_list_item(const char *s, size_t n, size_t *len)
{
    /* the bullet or number (`- `, `• `, `2. `) went with the line's prefix
     * (psod_strip_prefix): what is left is the name alone */
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '`'))
        i++;
    size_t b = i;
    while (i < n && word_char((unsigned char)s[i]))
        i++;
    size_t e = i;
    if (i + 1 < n && s[i] == '(' && s[i + 1] == ')')
        i += 2; /* `Fn()` */
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '`' || s[i] == ',' || s[i] == ';'))
        i++;
    if (i != n || !psod_function_shaped(s + b, e - b))
        return NULL; /* a sentence, not a list of names */
    *len = e - b;
    return s + b;
}

void
psod_frames_push_named(struct psod_frames *fs, char *function, unsigned long line)
{
    struct psod_frame f;
    memset(&f, 0, sizeof(f));
    f.function = function;
    f.named = true;
    f.line = line;
    psod_frames_push(fs, &f);
}

/* ---- a message, frames and drivers a title names ---- */

/* The purple-screen cue phrases (strength 2 of psod_named_cue) whose last
 * occurrence ends at or before `end`: that end, or n when none does. */
static size_t
cue_end_before(const char *s, size_t n, size_t end)
{
    static const char *const cues[] = {"purple diagnostic screen", "purple screen", "psod",
                                       "bluescreen"};
    size_t best = n;
    for (size_t k = 0; k < sizeof(cues) / sizeof(cues[0]); k++) {
        size_t m = strlen(cues[k]);
        for (size_t i = 0; i + m <= end; i++)
            if (pt_starts_ci(s + i, n - i, cues[k]) && (best == n || i + m > best))
                best = i + m;
    }
    return best;
}

static size_t
words_in(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
            w++;
    return w;
}

/* Words of plain English in a span: letters only (a `.` or `,` after them
 * allowed), not function-shaped. A message has some; a list of function
 * names or a frame has none. */
static size_t
plain_words(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        size_t b = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        size_t e = i;
        while (e > b && (s[e - 1] == '.' || s[e - 1] == ','))
            e--;
        bool letters = e > b;
        for (size_t j = b; j < e; j++)
            letters &= isalpha((unsigned char)s[j]) != 0;
        if (letters && !psod_function_shaped(s + b, e - b))
            k++;
    }
    return k;
}

/* A quote opening at s (`"`, `'`, U+201C, U+2018): its length, and the
 * closing quote through *close; 0 when none opens there. */
static size_t
quote_at(const char *s, size_t n, const char **close)
{
    if (n >= 1 && (s[0] == '"' || s[0] == '\'')) {
        *close = s[0] == '"' ? "\"" : "'";
        return 1;
    }
    if (n >= 3 && (unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x9c || (unsigned char)s[2] == 0x98)) {
        *close = (unsigned char)s[2] == 0x9c ? "\xe2\x80\x9d" : "\xe2\x80\x99";
        return 3;
    }
    return 0;
}

/* True when unquoted text starts as a sentence does (`the host ...`, `see
 * KB ...`, `when ...`), not as a panic message. */
static bool
sentence_start(const char *s, size_t n)
{
    static const char *const words[] = {"a",   "an",  "the",  "this", "that", "it",  "see",
                                        "when", "if", "which", "what", "how", "for", "to",
                                        "is",  "was", "there", "please", "check", "refer"};
    size_t e = 0;
    while (e < n && isalpha((unsigned char)s[e]))
        e++;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == e && strncasecmp(s, words[i], e) == 0)
            return true;
    return false;
}

/* `Heap NAME already at its maximum size`: where it starts, or NULL. */
static const char *
heap_message(const char *s, size_t n)
{
    for (const char *h = pt_find(s, n, "Heap "); h != NULL;
         h = pt_find(h + 1, n - (size_t)(h + 1 - s), "Heap ")) {
        if (h > s && word_char((unsigned char)h[-1]))
            continue;
        size_t i = (size_t)(h - s) + 5, e = i;
        while (e < n && s[e] != ' ' && s[e] != '\t')
            e++;
        if (e > i && pt_starts(s + e, n - e, " already at its maximum size"))
            return h;
    }
    return NULL;
}

const char *
psod_named_message(const char *s, size_t n, size_t *len)
{
    if (psod_named_cue(s, n) != 2)
        return NULL;
    const char *m = heap_message(s, n);
    if (m != NULL) {
        size_t off = (size_t)(m - s), e = n;
        const char *close;
        for (size_t q = 1; q <= 3 && q <= off; q++)
            if (quote_at(s + off - q, q, &close) == q) {
                const char *c = pt_find(m, n - off, close);
                if (c != NULL)
                    e = (size_t)(c - s);
                break;
            }
        *len = e - off;
        return m;
    }
    /* the message a title quotes after its purple-screen words: `...
     * screen with the error: "Recursive panic on same CPU"`, `... screen
     * with error: Calling hpvsac driver shutdown`, `... screen that
     * states "..."`: within six words after the cue; unquoted only after
     * `error:` */
    static const struct {
        const char *lit;
        bool quoted;
    } marks[] = {{"error:", false}, {"error ", true}, {"reports ", true}, {"states ", true}};
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
            if (!pt_starts_ci(s + i, n - i, marks[k].lit) ||
                (i > 0 && word_char((unsigned char)s[i - 1])))
                continue;
            size_t ce = cue_end_before(s, n, i);
            if (ce == n || words_in(s + ce, i - ce) > 6)
                continue;
            size_t b = pt_ws(s, n, i + strlen(marks[k].lit)), e = n;
            const char *close;
            size_t q = quote_at(s + b, n - b, &close);
            if (q > 0) {
                const char *c = pt_find(s + b + q, n - b - q, close);
                if (c == NULL)
                    continue;
                e = (size_t)(c - s);
                b += q;
            } else if (marks[k].quoted) {
                continue;
            }
            const char *t = s + b;
            size_t tn = e - b;
            pt_trim(&t, &tn);
            if (plain_words(t, tn) < 2)
                continue; /* function names or a frame: read as such */
            if (psod_named_cue(t, tn) != 0 || (q == 0 && sentence_start(t, tn)))
                continue; /* a definition of the purple screen, or a sentence about it */
            *len = tn;
            return t;
        }
    }
    return NULL;
}

size_t
psod_named_symbols(const char *s, size_t n, struct psod_frame *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        if (s[i] != '@' || i == 0)
            continue;
        size_t b = i;
        while (b > 0 && (word_char((unsigned char)s[b - 1]) || s[b - 1] == '$'))
            b--;
        if (b == i || !(isalpha((unsigned char)s[b]) || s[b] == '_') ||
            (b > 0 && strchr("/\\.:[<", s[b - 1]) != NULL))
            continue; /* `[0x..]Fn@mod` is a printed frame, read elsewhere */
        /* module: `vmkernel`, `(lsi_mr3)`, `com.vmware.driverAPI` */
        size_t e = i + 1;
        if (e < n && s[e] == '(') {
            while (e < n && s[e] != ')' && s[e] != ' ')
                e++;
            if (e >= n || s[e] != ')')
                continue;
            e++;
        } else {
            while (e < n && (word_char((unsigned char)s[e]) || s[e] == '.' || s[e] == '-'))
                e++;
            while (e > i + 1 && (s[e - 1] == '.' || s[e - 1] == '-'))
                e--;
        }
        if (e == i + 1)
            continue;
        bool tail = false; /* `#nover`, `+0x36` */
        if (e < n && s[e] == '#') {
            tail = true;
            e++;
            while (e < n && (word_char((unsigned char)s[e]) || strchr(".<>", s[e]) != NULL))
                e++;
        }
        if (e + 2 < n && s[e] == '+' && s[e + 1] == '0') {
            tail = true;
            e++;
            while (e < n && isalnum((unsigned char)s[e]))
                e++;
        }
        /* the symbol ends the word: `support@vmware.com` stops at `.c`, no frame */
        if (e < n && s[e] != ' ' && s[e] != '\t' && s[e] != ',' && s[e] != ';' &&
            s[e] != ')' && s[e] != '"' && !(s[e] == '.' && (e + 1 == n || s[e + 1] == ' ')) &&
            (unsigned char)s[e] < 0x80)
            continue;
        if (!tail && !psod_function_shaped(s + b, i - b))
            continue; /* `admin@esx01`: no function */
        struct psod_frame f;
        if (!psod_parse_symbol_frame(s + b, e - b, &f))
            continue;
        f.named = true;
        out[k++] = f;
        i = e;
    }
    return k;
}

/* A word of prose equal to `w` (case-insensitive) at s[i..], whole. */
static bool
word_is(const char *s, size_t n, size_t i, size_t e, const char *w)
{
    (void)n;
    return e - i == strlen(w) && strncasecmp(s + i, w, e - i) == 0;
}

size_t
psod_named_modules(const char *s, size_t n, char **out, size_t max)
{
    if (psod_named_cue(s, n) != 2)
        return 0;
    size_t k = 0;
    for (size_t i = 0, b, e; k < max && next_free_word(s, n, &i, &b, &e);) {
        /* the word a driver is called by: `Driver lsi_mr3`, `tg3 driver`,
         * `(ixgbe) driver`, `lpfc module`, or the purple screen it had:
         * `HPILO Purple Diagnostic Screen` */
        size_t p = b;
        while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '(' || s[p - 1] == '\t'))
            p--;
        size_t pb = p;
        while (pb > 0 && isalpha((unsigned char)s[pb - 1]))
            pb--;
        size_t a = e;
        while (a < n && (s[a] == ' ' || s[a] == ')' || s[a] == '\t'))
            a++;
        size_t ae = a;
        while (ae < n && isalpha((unsigned char)s[ae]))
            ae++;
        bool called = (pb < p && (word_is(s, n, pb, p, "driver") || word_is(s, n, pb, p, "drivers"))) ||
                      word_is(s, n, a, ae, "driver") || word_is(s, n, a, ae, "drivers") ||
                      word_is(s, n, a, ae, "module") ||
                      pt_starts_ci(s + a, n - a, "purple") || pt_starts_ci(s + a, n - a, "psod");
        if (!called)
            continue;
        char *m = psod_vendor_module_named(s + b, e - b);
        if (m == NULL)
            continue;
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup |= strcmp(out[j], m) == 0;
        if (dup)
            free(m);
        else
            out[k++] = m;
    }
    return k;
}

char *
psod_named_release(const char *s, size_t n)
{
    if (psod_named_cue(s, n) != 2)
        return NULL;
    const char *e = NULL;
    for (const char *p = pt_find(s, n, "ESXi "); p != NULL;
         p = pt_find(p + 1, n - (size_t)(p + 1 - s), "ESXi ")) {
        if (p == s || !word_char((unsigned char)p[-1])) {
            e = p;
            break;
        }
    }
    if (e == NULL)
        return NULL;
    /* `ESXi 6.0`, `ESXi 6.0 Update 2`, `ESXi 5.1, 5.5 and 6.0`, `ESXi 5.5 or 6.0`;
     * `ESXi 5.x` names no release */
    size_t i = (size_t)(e - s) + 5, end = 0;
    for (;;) {
        size_t b = i;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
        if (i == b || i + 1 >= n || s[i] != '.' || !isdigit((unsigned char)s[i + 1]))
            break;
        i++;
        while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
            i++;
        while (i > b && s[i - 1] == '.')
            i--;
        end = i;
        if (pt_starts(s + i, n - i, " Update ") && i + 8 < n && isdigit((unsigned char)s[i + 8])) {
            i += 8;
            while (i < n && isalnum((unsigned char)s[i]))
                i++;
            end = i;
        }
        if (pt_starts(s + i, n - i, ", "))
            i += 2;
        else if (pt_starts(s + i, n - i, " and "))
            i += 5;
        else if (pt_starts(s + i, n - i, " or "))
            i += 4;
        else
            break;
    }
    if (end == 0)
        return NULL;
    size_t off = (size_t)(e - s);
    return xasprintf("VMware %.*s", (int)(end - off), e);
}
