/* codepage: encoding names and in-process decoding for .vmx `.encoding`.
 *
 * The names are those VMware products write (Workstation on Windows writes
 * the ICU/Windows names "windows-1252", "windows-949-2000", "Shift_JIS";
 * Linux hosts the IANA ones) plus their usual aliases. Where a Windows host
 * writes a legacy name for its own code page, the Windows code page is used:
 * "Shift_JIS" is read as windows-932 (0x5C is '\' in a Windows path, not the
 * yen sign of JIS X 0201), "GBK"/"GB2312" as windows-936, "Big5" as
 * windows-950 and "EUC-KR" as windows-949 (each a superset of the other). */
#include "parse/vmx/codepage.h"
#include "parse/vmx/codepage_impl.h"
#include "util/util_utf8.h"

#include <string.h>

/* The UTF-8 "table": nothing to convert, only checked. */
static const struct cp_table utf8_table = {"UTF-8", NULL, NULL, NULL, NULL, NULL};

/* Normalised name (lower case, without - _ . : and blanks) -> glibc's name of
 * the generated table, or "UTF-8". */
static const struct {
    const char *alias, *table;
} aliases[] = {
    {"utf8", "UTF-8"},          {"usascii", "UTF-8"},
    {"ascii", "UTF-8"},         {"ansix341968", "UTF-8"},
    {"latin1", "ISO-8859-1"},   {"latin2", "ISO-8859-2"},
    {"latin3", "ISO-8859-3"},   {"latin4", "ISO-8859-4"},
    {"latin5", "ISO-8859-9"},   {"latin6", "ISO-8859-10"},
    {"latin7", "ISO-8859-13"},  {"latin8", "ISO-8859-14"},
    {"latin9", "ISO-8859-15"},  {"latin10", "ISO-8859-16"},
    {"cyrillic", "ISO-8859-5"}, {"arabic", "ISO-8859-6"},
    {"greek", "ISO-8859-7"},    {"hebrew", "ISO-8859-8"},
    {"koi8r", "KOI8-R"},        {"koi8u", "KOI8-U"},
    {"windows874", "CP874"},    {"cp874", "CP874"},
    {"shiftjis", "CP932"},      {"sjis", "CP932"},
    {"xsjis", "CP932"},         {"csshiftjis", "CP932"},
    {"windows31j", "CP932"},    {"mskanji", "CP932"},
    {"ms932", "CP932"},         {"cp932", "CP932"},
    {"windows932", "CP932"},    {"ibm943p15a2003", "CP932"},
    {"eucjp", "EUC-JP"},        {"xeucjp", "EUC-JP"},
    {"ujis", "EUC-JP"},         {"gbk", "CP936"},
    {"cp936", "CP936"},         {"ms936", "CP936"},
    {"windows936", "CP936"},    {"gb2312", "CP936"},
    {"euccn", "CP936"},         {"xeuccn", "CP936"},
    {"csgb2312", "CP936"},      {"big5", "CP950"},
    {"csbig5", "CP950"},        {"cp950", "CP950"},
    {"ms950", "CP950"},         {"windows950", "CP950"},
    {"euckr", "CP949"},         {"cseuckr", "CP949"},
    {"cp949", "CP949"},         {"ms949", "CP949"},
    {"uhc", "CP949"},           {"windows949", "CP949"},
    {"ksc56011987", "CP949"},
};

static const struct cp_table *
table_named(const char *name)
{
    if (strcmp(name, "UTF-8") == 0)
        return &utf8_table;
    for (size_t i = 0; i < cp_ntables; i++)
        if (strcmp(cp_tables[i].name, name) == 0)
            return &cp_tables[i];
    return NULL;
}

/* The number at the end of `s` after `prefix` when it is all digits
 * (1-4 of them), else -1. */
static int
number_after(const char *s, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(s, prefix, pl) != 0)
        return -1;
    s += pl;
    int n = 0;
    size_t digits = 0;
    for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
        n = n * 10 + (*s - '0');
    return *s == '\0' && digits > 0 && digits <= 4 ? n : -1;
}

const struct cp_table *
codepage_find(const char *name)
{
    char norm[48];
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (c == '-' || c == '_' || c == '.' || c == ':' || c == ' ')
            continue;
        if (n + 1 >= sizeof(norm))
            return NULL; /* longer than any name here */
        norm[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    norm[n] = '\0';
    /* ICU's names of the Windows code pages (Workstation writes
     * "windows-949-2000"): the year is the table's version. */
    if (n > 4 && strncmp(norm, "windows", 7) == 0 && strcmp(norm + n - 4, "2000") == 0 && n - 4 > 7)
        norm[n -= 4] = '\0';
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(norm, aliases[i].alias) == 0)
            return table_named(aliases[i].table);
    char glibc[24];
    int cp = number_after(norm, "windows");
    if (cp < 0)
        cp = number_after(norm, "cp");
    if (cp >= 1250 && cp <= 1258) {
        memcpy(glibc, "CP", 2);
        glibc[2] = (char)('0' + cp / 1000);
        glibc[3] = (char)('0' + cp / 100 % 10);
        glibc[4] = (char)('0' + cp / 10 % 10);
        glibc[5] = (char)('0' + cp % 10);
        glibc[6] = '\0';
        return table_named(glibc);
    }
    int part = number_after(norm, "iso8859");
    if (part < 0)
        part = number_after(norm, "8859");
    if (part >= 1 && part <= 16 && part != 12) {
        memcpy(glibc, "ISO-8859-", 9);
        size_t l = 9;
        if (part >= 10)
            glibc[l++] = (char)('0' + part / 10);
        glibc[l++] = (char)('0' + part % 10);
        glibc[l] = '\0';
        return table_named(glibc);
    }
    return NULL;
}

bool
codepage_is_utf8(const struct cp_table *t)
{
    return t == &utf8_table;
}

void
codepage_put_utf8(struct buf *out, unsigned c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | c >> 6);
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | c >> 12);
        u[1] = (char)(0x80 | (c >> 6 & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | c >> 18);
        u[1] = (char)(0x80 | (c >> 12 & 0x3F));
        u[2] = (char)(0x80 | (c >> 6 & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    buf_add(out, u, n);
}

/* The cell for trail byte t in row r, or 0. */
static unsigned
cell(const struct cp_row *r, const uint16_t *cells, unsigned char t)
{
    return t >= r->lo && t <= r->hi ? cells[r->off + (t - r->lo)] : 0;
}

size_t
codepage_decode(const struct cp_table *t, const char *in, size_t len, struct buf *out,
                size_t *first_bad)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t bad = 0, i = 0;
    buf_grow(out, len + len / 2);
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] < 0x80) /* ASCII in every table */
            i++;
        buf_add(out, s + start, i - start);
        if (i == len)
            break;
        unsigned c = 0;
        size_t n = 1;
        if (t->high == NULL) {
            unsigned cp;
            n = utf8_decode_n(s + i, len - i, &cp);
            if (n > 0) {
                buf_add(out, s + i, n);
                i += n;
                continue;
            }
            n = 1;
        } else if ((c = t->high[s[i] - 0x80]) == 0 && t->rows && i + 1 < len) {
            const struct cp_row *r = &t->rows[s[i] - 0x80];
            if (s[i] == 0x8F && t->rows3 && i + 2 < len) { /* EUC-JP JIS X 0212 */
                if (s[i + 1] >= 0x80)
                    c = cell(&t->rows3[s[i + 1] - 0x80], t->cells3, s[i + 2]);
                n = 3;
            } else {
                c = cell(r, t->cells, s[i + 1]);
                n = 2;
            }
        }
        if (c == 0) {
            if (bad++ == 0)
                *first_bad = i;
            buf_adds(out, "\xef\xbf\xbd");
            i++; /* a following ASCII byte is read as itself */
            continue;
        }
        codepage_put_utf8(out, c);
        i += n;
    }
    return bad;
}

size_t
codepage_utf16(const char *in, size_t len, bool big_endian, struct buf *out, size_t *first_bad)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t bad = 0, i = 0;
    buf_grow(out, len + len / 2);
    while (i + 1 < len) {
        unsigned u = big_endian ? (unsigned)s[i] << 8 | s[i + 1] : (unsigned)s[i + 1] << 8 | s[i];
        size_t n = 2;
        unsigned c = u;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
            unsigned v = big_endian ? (unsigned)s[i + 2] << 8 | s[i + 3]
                                    : (unsigned)s[i + 3] << 8 | s[i + 2];
            if (v >= 0xDC00 && v <= 0xDFFF) {
                c = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                n = 4;
            }
        }
        if (c >= 0xD800 && c <= 0xDFFF) {
            if (bad++ == 0)
                *first_bad = i;
            buf_adds(out, "\xef\xbf\xbd");
        } else {
            codepage_put_utf8(out, c);
        }
        i += n;
    }
    if (i < len) {
        if (bad++ == 0)
            *first_bad = i;
        buf_adds(out, "\xef\xbf\xbd");
    }
    return bad;
}
