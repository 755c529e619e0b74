/* psod_named: functions named in prose, as articles, titles and tickets
 * describe a purple screen without pasting it (issue 14 §1): "fails with a
 * purple diagnostic screen and reports an LACPScheduler error", "The
 * backtrace contains:" followed by a bulleted list of function names,
 * "with LVMHandleDeviceAPDEvent in the stack". Each name becomes a frame
 * with a function and no address or module, so a signature that tests
 * crash.functions matches it; a line needs a crash word (purple screen,
 * PSOD, backtrace, stack) to name functions, and only identifiers shaped
 * like VMkernel functions count (an underscore, or CamelCase with a hump,
 * not a product name), so prose about purple screens invents no frames. */
#include "parse/psod/psod_impl.h"
#include "util/util_mem.h"

#include <ctype.h>
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

size_t
psod_named_functions(const char *s, size_t n, bool calls_only, char **out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max;) {
        if (!word_char((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t b = i;
        while (i < n && word_char((unsigned char)s[i]))
            i++;
        /* part of a path, address, file name, URL or `fn@module` (read elsewhere) */
        if (b > 0 && strchr("./\\@:#-=$%&[<", s[b - 1]) != NULL)
            continue;
        if (i < n && (strchr("/\\@#=-[<", s[i]) != NULL ||
                      (s[i] == '.' && i + 1 < n && isalnum((unsigned char)s[i + 1]))))
            continue;
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
