/* gen_codepages: writes the code-page tables of src/parse/vmx/codepage.c (to stdout, as C).
 *
 * Why a generator: the tables come from the build machine's own iconv
 * (glibc's, linked dynamically, so its gconv modules are there), and the
 * program then carries them as data. The program itself never calls iconv:
 * in a static binary iconv_open loads the *run-time* host's gconv modules,
 * which are missing or of another glibc (issue 12: SIGFPE, U+FFFD).
 *
 * Run at build time only (`make` compiles and runs it with the host's cc).
 * Every table is probed byte by byte (single-byte code pages), lead byte by
 * trail byte (double-byte ones) and, for EUC-JP, through its 0x8E and 0x8F
 * prefixes. A sequence counts only when iconv consumes all of it and gives
 * exactly one character of the Basic Multilingual Plane. Bytes 0x00-0x7F
 * must read as ASCII in every table (the .vmx syntax relies on it): the
 * generator fails otherwise, and on any iconv it cannot open. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { SBCS, DBCS, EUCJP };

static const struct {
    const char *id;    /* C identifier */
    const char *iconv; /* glibc's name */
    enum kind kind;
} tables[] = {
    {"cp1250", "CP1250", SBCS},         {"cp1251", "CP1251", SBCS},
    {"cp1252", "CP1252", SBCS},         {"cp1253", "CP1253", SBCS},
    {"cp1254", "CP1254", SBCS},         {"cp1255", "CP1255", SBCS},
    {"cp1256", "CP1256", SBCS},         {"cp1257", "CP1257", SBCS},
    {"cp1258", "CP1258", SBCS},         {"iso8859_1", "ISO-8859-1", SBCS},
    {"iso8859_2", "ISO-8859-2", SBCS},  {"iso8859_3", "ISO-8859-3", SBCS},
    {"iso8859_4", "ISO-8859-4", SBCS},  {"iso8859_5", "ISO-8859-5", SBCS},
    {"iso8859_6", "ISO-8859-6", SBCS},  {"iso8859_7", "ISO-8859-7", SBCS},
    {"iso8859_8", "ISO-8859-8", SBCS},  {"iso8859_9", "ISO-8859-9", SBCS},
    {"iso8859_10", "ISO-8859-10", SBCS}, {"iso8859_11", "ISO-8859-11", SBCS},
    {"iso8859_13", "ISO-8859-13", SBCS}, {"iso8859_14", "ISO-8859-14", SBCS},
    {"iso8859_15", "ISO-8859-15", SBCS}, {"iso8859_16", "ISO-8859-16", SBCS},
    {"koi8_r", "KOI8-R", SBCS},         {"koi8_u", "KOI8-U", SBCS},
    {"cp874", "CP874", SBCS},           {"cp932", "CP932", DBCS},
    {"cp936", "CP936", DBCS},           {"cp949", "CP949", DBCS},
    {"cp950", "CP950", DBCS},           {"euc_jp", "EUC-JP", EUCJP},
};

static iconv_t cd;
static const char *cur;

/* Converts `n` bytes; returns the one BMP code point they make, 0 when they
 * are not exactly one character, -1 when the bytes are an incomplete
 * sequence (a lead byte). */
static long
probe(const unsigned char *in, size_t n)
{
    char obuf[64];
    char *ip = (char *)in, *op = obuf;
    size_t il = n, ol = sizeof(obuf);
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    if (r == (size_t)-1 && errno == EINVAL)
        return -1;
    if (r == (size_t)-1 || il != 0)
        return 0;
    if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) /* flush (CP1255/CP1258 buffer) */
        return 0;
    if (op - obuf != 4)
        return 0;
    const unsigned char *u = (const unsigned char *)obuf;
    uint32_t c = (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
    if (c == 0 || c > 0xFFFF) {
        if (c > 0xFFFF)
            fprintf(stderr, "gen_codepages: %s: a character outside the BMP (U+%X)\n", cur,
                    (unsigned)c);
        return 0;
    }
    return (long)c;
}

/* Prints a row table and its cells for the sequences prefix + lead + trail
 * (prefix 0: none), lead and trail 0x80..0xFF / 0x40..0xFE. */
static size_t
rows(const char *id, const char *suffix, int prefix, int single[128])
{
    static uint16_t cells[128 * 256];
    size_t ncell = 0;
    int lo[128], hi[128];
    size_t off[128];
    for (int l = 0x80; l <= 0xFF; l++) {
        lo[l - 0x80] = 1;
        hi[l - 0x80] = 0;
        off[l - 0x80] = ncell;
        if (single && single[l - 0x80] != -1)
            continue; /* a character or invalid on its own: not a lead byte */
        uint16_t row[256] = {0};
        for (int t = 0x40; t <= 0xFE; t++) {
            unsigned char s[3];
            size_t n = 0;
            if (prefix)
                s[n++] = (unsigned char)prefix;
            s[n++] = (unsigned char)l;
            s[n++] = (unsigned char)t;
            long c = probe(s, n);
            if (c > 0) {
                row[t] = (uint16_t)c;
                if (lo[l - 0x80] > hi[l - 0x80])
                    lo[l - 0x80] = t;
                hi[l - 0x80] = t;
            }
        }
        for (int t = lo[l - 0x80]; t <= hi[l - 0x80]; t++)
            cells[ncell++] = row[t];
    }
    printf("static const uint16_t %s_cells%s[%zu] = {", id, suffix, ncell ? ncell : 1);
    for (size_t i = 0; i < ncell; i++)
        printf("%s0x%04X,", i % 12 ? "" : "\n    ", cells[i]);
    printf("%s};\n", ncell ? "\n" : "0");
    printf("static const struct cp_row %s_rows%s[128] = {", id, suffix);
    for (int i = 0; i < 128; i++)
        printf("%s{0x%02X, 0x%02X, %zu},", i % 4 ? " " : "\n    ", lo[i], hi[i], off[i]);
    printf("\n};\n");
    return ncell;
}

int
main(void)
{
    printf("/* Generated by tools/gen_codepages.c from the build machine's iconv; do not edit. */\n"
           "#include \"parse/vmx/codepage_impl.h\"\n\n");
    size_t total = 0;
    for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
        cur = tables[k].iconv;
        cd = iconv_open("UCS-4BE", cur);
        if (cd == (iconv_t)-1) {
            fprintf(stderr, "gen_codepages: iconv_open %s: %s\n", cur, strerror(errno));
            return 1;
        }
        for (int b = 1; b < 0x80; b++) {
            unsigned char s = (unsigned char)b;
            if (probe(&s, 1) != b) {
                fprintf(stderr, "gen_codepages: %s: byte 0x%02X is not ASCII\n", cur, b);
                return 1;
            }
        }
        int single[128];
        printf("static const uint16_t %s_high[128] = {", tables[k].id);
        for (int b = 0x80; b <= 0xFF; b++) {
            unsigned char s = (unsigned char)b;
            long c = tables[k].kind == EUCJP && (b == 0x8E || b == 0x8F) ? -1 : probe(&s, 1);
            single[b - 0x80] = (int)c;
            printf("%s0x%04lX,", (b - 0x80) % 12 ? "" : "\n    ", c > 0 ? c : 0);
        }
        printf("\n};\n");
        total += 256;
        if (tables[k].kind != SBCS)
            total += 2 * rows(tables[k].id, "", 0, single) + 128 * sizeof(struct {
                         unsigned char a, b;
                         uint32_t c;
                     });
        if (tables[k].kind == EUCJP)
            total += 2 * rows(tables[k].id, "3", 0x8F, NULL);
        iconv_close(cd);
    }
    printf("\nconst struct cp_table cp_tables[] = {\n");
    for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
        const char *id = tables[k].id;
        printf("    {\"%s\", %s_high, ", tables[k].iconv, id);
        if (tables[k].kind == SBCS)
            printf("NULL, NULL, NULL, NULL},\n");
        else if (tables[k].kind == DBCS)
            printf("%s_rows, %s_cells, NULL, NULL},\n", id, id);
        else
            printf("%s_rows, %s_cells, %s_rows3, %s_cells3},\n", id, id, id, id);
    }
    printf("};\nconst size_t cp_ntables = %zu;\n/* about %zu bytes of tables */\n",
           sizeof(tables) / sizeof(tables[0]), total);
    return 0;
}
