/* log_entity: the storage devices, paths, NICs, datastores and VMs one log
 * line names, as spans into the line.
 *
 * Exists so that a finding can say *which* LUN, path, uplink, datastore or VM
 * is involved without every rule writing its own regex: the shapes are those
 * of the shared corpus (corpus/esxi/005, 038, 044, 046, 049, 052) and kb
 * §4.1-4.2. Pure: no allocation, never reads s[n] or beyond (lines are not
 * NUL-terminated); masked values such as `naa.xxx` or `naa.****` are kept as
 * written. */
#include "parse/log/log_entity.h"

#include <stdint.h>
#include <string.h>

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_word(char c)
{
    return is_alnum(c) || c == '_';
}

/* True when the `m` bytes of `w` are at s[i..] (inside n). */
static bool
at(const char *s, size_t n, size_t i, const char *w, size_t m)
{
    return i <= n && n - i >= m && memcmp(s + i, w, m) == 0;
}

static struct log_span
span(size_t off, size_t len)
{
    return (struct log_span){(uint32_t)off, (uint32_t)len};
}

/* Offset after the digits at s[i], or i when there are none. */
static size_t
digits(const char *s, size_t n, size_t i)
{
    while (i < n && is_digit(s[i]))
        i++;
    return i;
}

/* ---- devices ---- */

/* A byte of a device id: letters, digits, `_`, `-`, `.`, `:` (mpx ids hold a
 * path: mpx.vmhba32:C0:T0:L0) and `*` (KB masking). Quotes, blanks, `]`, `)`,
 * `,`, `/`, `(` end the id. */
static bool
is_id(char c)
{
    return is_word(c) || c == '-' || c == '.' || c == ':' || c == '*';
}

/* The length of a device name starting at s[i] (a prefix such as `naa.`),
 * or 0. It must start a word (the byte before is not a letter, digit, `_`,
 * `-` or `.`), have at least one id byte after the prefix, and loses the
 * dots or colons that end a sentence (unless nothing else follows the
 * prefix: `naa....` is a KB mask and stays as written), then a partition
 * suffix `:<digits>` (naa.xxx:1). */
static size_t
device_at(const char *s, size_t n, size_t i)
{
    static const char *const prefixes[] = {"naa.", "eui.", "t10.", "mpx.", "vml."};
    if (i > 0 && (is_word(s[i - 1]) || s[i - 1] == '-' || s[i - 1] == '.'))
        return 0;
    bool found = false;
    for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]) && !found; k++)
        found = at(s, n, i, prefixes[k], 4);
    if (!found)
        return 0;
    size_t e = i + 4;
    while (e < n && is_id(s[e]))
        e++;
    if (e == i + 4)
        return 0;
    /* sentence dots and colons, unless nothing else follows the prefix (a mask) */
    size_t d = e;
    while (d > i + 4 && (s[d - 1] == '.' || s[d - 1] == ':'))
        d--;
    if (d > i + 4)
        e = d;
    /* partition suffix: a last `:` followed only by digits */
    size_t c = e;
    while (c > i + 4 && is_digit(s[c - 1]))
        c--;
    if (c < e && c > i + 5 && s[c - 1] == ':')
        e = c - 1;
    return e - i;
}

/* ---- vmhba paths, adapters, vmnics ---- */

/* `<word>` + digits at s[i] starting a word (the byte before is not a letter,
 * digit or `_`). Returns the offset after the digits, or 0. */
static size_t
numbered_at(const char *s, size_t n, size_t i, const char *word, size_t m)
{
    if (i > 0 && is_word(s[i - 1]))
        return 0;
    if (!at(s, n, i, word, m))
        return 0;
    size_t e = digits(s, n, i + m);
    return e == i + m ? 0 : e;
}

/* `:<letter><digits>` at s[i]; offset after, or 0. */
static size_t
path_part(const char *s, size_t n, size_t i, char letter)
{
    if (i >= n || n - i < 3 || s[i] != ':' || s[i + 1] != letter)
        return 0;
    size_t e = digits(s, n, i + 2);
    return e == i + 2 ? 0 : e;
}

/* vmhbaN:Cn:Tn:Ln ending a word at s[i]; offset after, or 0. (Inside an
 * mpx.vmhba32:C0:T0:L0 device id it is found too: it is that device's path.) */
static size_t
path_at(const char *s, size_t n, size_t i)
{
    size_t e = numbered_at(s, n, i, "vmhba", 5);
    if (e == 0)
        return 0;
    e = path_part(s, n, e, 'C');
    if (e != 0)
        e = path_part(s, n, e, 'T');
    if (e != 0)
        e = path_part(s, n, e, 'L');
    if (e == 0 || (e < n && is_word(s[e])))
        return 0;
    return e;
}

/* vmhbaN or vmnicN ending a word (`vmnic0-0-tx` names vmnic0; `vmhba65#`
 * too); offset after, or 0. */
static size_t
name_at(const char *s, size_t n, size_t i, const char *word)
{
    size_t e = numbered_at(s, n, i, word, 5);
    if (e == 0 || (e < n && is_alnum(s[e])) || (e < n && s[e] == '_'))
        return 0;
    return e;
}

/* ---- datastores ---- */

/* The quoted name after an HBX / FS3 anchor at s[i]: `on vol 'X'` (HBX
 * 2313/2697), `rsv time on 'X'` (FS3Misc 1440), `Volume 'X'`, `volume 'X'`.
 * Sets *off and *len to the name inside the quotes; false when there is no
 * anchor, or no closing quote, or the name is empty. */
static bool
datastore_at(const char *s, size_t n, size_t i, size_t *off, size_t *len)
{
    static const struct {
        const char *w;
        size_t m;
    } anchors[] = {
        {"vol '", 5},
        {"Volume '", 8},
        {"volume '", 8},
        {"rsv time on '", 13},
    };
    if (i > 0 && is_word(s[i - 1]))
        return false;
    for (size_t k = 0; k < sizeof(anchors) / sizeof(anchors[0]); k++) {
        if (!at(s, n, i, anchors[k].w, anchors[k].m))
            continue;
        size_t b = i + anchors[k].m, e = b;
        while (e < n && s[e] != '\'' && (unsigned char)s[e] >= 0x20)
            e++;
        if (e >= n || s[e] != '\'' || e == b)
            return false;
        *off = b;
        *len = e - b;
        return true;
    }
    return false;
}

/* ---- VMs ---- */

/* hostd `vm:/vmfs/volumes/<ds>/<dir>/<name>.vmx` at s[i] (`sub=Vmsvc.vm:...`
 * in 6.x, `'vm:/vmfs/...vmx'` in 4.x): the path from `/vmfs` to the first
 * `.vmx` that ends the token (followed by the end, a blank, a quote, `]`,
 * `)` or `,`). Names may hold blanks; a quote, a bracket or a control byte
 * before `.vmx` means there is no .vmx path (a cut line, corpus/esxi/041). */
static bool
vm_at(const char *s, size_t n, size_t i, size_t *off, size_t *len)
{
    if (i > 0 && is_alnum(s[i - 1]))
        return false;
    if (!at(s, n, i, "vm:/vmfs/", 9))
        return false;
    size_t b = i + 3;
    for (size_t e = b; e < n; e++) {
        char c = s[e];
        if (c == '\'' || c == '"' || c == '[' || c == ']' || (unsigned char)c < 0x20)
            return false;
        if (c == '.' && at(s, n, e, ".vmx", 4)) {
            size_t t = e + 4;
            if (t == n || s[t] == ' ' || s[t] == '\t' || s[t] == '\'' || s[t] == '"' ||
                s[t] == ']' || s[t] == ')' || s[t] == ',') {
                *off = b;
                *len = t - b;
                return true;
            }
        }
    }
    return false;
}

void
log_entities_find(const char *s, size_t n, struct log_entities *out)
{
    memset(out, 0, sizeof(*out));
    if (s == NULL)
        return;
    if (n > UINT32_MAX)
        n = UINT32_MAX; /* spans are 32-bit offsets */
    struct log_span adapter = {0, 0};
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        size_t e, off, len;
        switch (c) {
        case 'n':
        case 'e':
        case 't':
        case 'm':
            if (out->device.len == 0 && (e = device_at(s, n, i)) != 0)
                out->device = span(i, e);
            break;
        case 'v':
            if (out->device.len == 0 && (e = device_at(s, n, i)) != 0)
                out->device = span(i, e);
            if (out->path.len == 0 && (e = path_at(s, n, i)) != 0)
                out->path = span(i, e - i);
            if (adapter.len == 0 && (e = name_at(s, n, i, "vmhba")) != 0)
                adapter = span(i, e - i);
            if (out->nic.len == 0 && (e = name_at(s, n, i, "vmnic")) != 0)
                out->nic = span(i, e - i);
            if (out->vm.len == 0 && vm_at(s, n, i, &off, &len))
                out->vm = span(off, len);
            if (out->datastore.len == 0 && datastore_at(s, n, i, &off, &len))
                out->datastore = span(off, len);
            break;
        case 'V':
        case 'r':
            if (out->datastore.len == 0 && datastore_at(s, n, i, &off, &len))
                out->datastore = span(off, len);
            break;
        default:
            break;
        }
    }
    if (out->path.len == 0)
        out->adapter = adapter;
}
