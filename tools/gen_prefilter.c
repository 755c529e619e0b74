/* gen_prefilter: writes the built-in rules' log prefilter as hyperscan
 * databases compiled at build time (to stdout, as C: build/prefilter_db.c),
 * so `logs`, `psod` and `bundle` start without compiling patterns (issue 20),
 * and its tables (which rules own which pattern, the rules read on every
 * line, the notes) as static data, so they start without deriving them
 * rule by rule either (struct log_prefilter_builtin).
 *
 * Two databases: one any CPU hyperscan runs on can use, one for CPUs with
 * AVX2; log_prefilter_new takes the richest one the CPU it runs on has, and
 * only when the set it built from the loaded rules is the one compiled here
 * (hash of patterns, flags and owners): with --rules DIR, or a hyperscan
 * that refuses the database, it compiles as before.
 *
 * Run at build time only: linked with the program's objects except
 * prefilter_db.o itself (log_prefilter.c declares it weak). Fails the build
 * when the built-in set does not compile. */
#include "rules/kb_rules.h"
#include "rules/log_literals.h"
#include "rules/log_prefilter.h"
#include "rules/rules.h"
#include "gen_lit.h"

#include <hs.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A pattern (hyperscan syntax) as the bytes it matches, into out (room for
 * strlen(expr) + 1); false when it is not a plain string. A leading (?i)
 * makes it caseless. */
static bool
literal_of(const char *expr, char *out, unsigned *len, bool *caseless)
{
    unsigned n = 0;
    if (strncmp(expr, "(?i)", 4) == 0) {
        *caseless = true;
        expr += 4;
    }
    for (const char *p = expr; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\' && p[1] == 'x' && isxdigit((unsigned char)p[2]) &&
            isxdigit((unsigned char)p[3])) {
            char hex[3] = {p[2], p[3], 0};
            out[n++] = (char)strtoul(hex, NULL, 16);
            p += 3;
        } else if (c == '\\' && p[1] != '\0' && ispunct((unsigned char)p[1])) {
            out[n++] = *++p;
        } else if (isalnum(c) || (c >= 0x20 && c < 0x7f && !strchr("\\.^$|()[]{}*+?", c))) {
            out[n++] = (char)c;
        } else {
            return false;
        }
    }
    *len = n;
    return n > 0;
}

/* pf_literals: the patterns as log_literals.h's table, when all are plain
 * strings; returns whether it was written. */
static bool
write_literals(const struct log_prefilter *pf)
{
    size_t n = pf->npatterns;
    char **bytes = calloc(n + 1, sizeof(*bytes));
    unsigned *len = calloc(n + 1, sizeof(*len));
    bool *ci = calloc(n + 1, sizeof(*ci));
    bool ok = n > 0 && n < 65536;
    for (size_t i = 0; ok && i < n; i++) {
        bytes[i] = malloc(strlen(pf->expr[i]) + 1);
        ci[i] = pf->caseless[i];
        ok = literal_of(pf->expr[i], bytes[i], &len[i], &ci[i]);
        bytes[i][ok ? len[i] : 0] = '\0';
        ok = ok && strlen(bytes[i]) == len[i]; /* no NUL byte */
    }
    if (ok) {
        puts("static const struct log_literal pf_lits[] = {");
        for (size_t i = 0; i < n; i++) {
            fputs("{", stdout);
            gen_lit(bytes[i]);
            printf(", %u, %d},\n", len[i], ci[i]);
        }
        puts("};");
        bool first[256] = {false};
        fputs("static const uint32_t pf_lit_at[] = {", stdout);
        size_t total = 0;
        for (unsigned b = 0; b < LOG_LITERALS_BUCKETS; b++) {
            printf("%zu,%s", total, b % 16 == 15 ? "\n" : "");
            for (size_t i = 0; i < n; i++)
                total += len[i] >= LOG_LITERALS_KEY &&
                         log_literals_bucket(bytes[i], ci[i]) == b;
        }
        printf("%zu};\nstatic const uint16_t pf_lit_ids[] = {", total);
        for (unsigned b = 0; b < LOG_LITERALS_BUCKETS; b++)
            for (size_t i = 0; i < n; i++)
                if (len[i] >= LOG_LITERALS_KEY &&
                    log_literals_bucket(bytes[i], ci[i]) == b)
                    printf("%zu,", i);
        fputs("0};\nstatic const uint16_t pf_lit_short[] = {", stdout);
        size_t nshort = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)bytes[i][0];
            first[c] = true;
            if (ci[i])
                first[tolower(c)] = first[toupper(c)] = true;
            if (len[i] < LOG_LITERALS_KEY) {
                printf("%zu,", i);
                nshort++;
            }
        }
        fputs("0};\nstatic const bool pf_lit_first[256] = {", stdout);
        for (unsigned c = 0; c < 256; c++)
            printf("%d,%s", first[c], c % 32 == 31 ? "\n" : "");
        static unsigned char first2[65536 / 8];
        for (size_t i = 0; i < n; i++) {
            unsigned char c0 = (unsigned char)bytes[i][0];
            unsigned char v0[2] = {c0, c0}, v1[2] = {0, 0};
            if (ci[i])
                v0[0] = (unsigned char)tolower(c0), v0[1] = (unsigned char)toupper(c0);
            for (int a = 0; a < 2; a++)
                for (unsigned c1 = 0; c1 < 256; c1++) {
                    if (len[i] >= 2) {
                        unsigned char b1 = (unsigned char)bytes[i][1];
                        v1[0] = ci[i] ? (unsigned char)tolower(b1) : b1;
                        v1[1] = ci[i] ? (unsigned char)toupper(b1) : b1;
                        if (c1 != v1[0] && c1 != v1[1])
                            continue;
                    }
                    unsigned k = (unsigned)v0[a] << 8 | c1;
                    first2[k >> 3] |= (unsigned char)(1u << (k & 7));
                }
        }
        fputs("};\nstatic const uint8_t pf_lit_first2[] = {", stdout);
        for (unsigned k = 0; k < sizeof(first2); k++)
            printf("%u,%s", first2[k], k % 32 == 31 ? "\n" : "");
        printf("};\nstatic const struct log_literals pf_literals = {pf_lits, %zu, pf_lit_at, "
               "pf_lit_ids, pf_lit_short, %zu, pf_lit_first, pf_lit_first2};\n",
               n, nshort);
    }
    for (size_t i = 0; i < n; i++)
        free(bytes[i]);
    free(bytes);
    free(len);
    free(ci);
    return ok;
}

/* The tables of the built-in prefilter, as vt_prefilter_builtin. Every
 * array has one element more than it needs: C has no empty initializer. */
static bool
write_tables(const struct ruleset *rs)
{
    unsigned long long hash;
    struct diags d = DIAGS_INIT;
    struct log_prefilter *pf = log_prefilter_compile(rs, &hash, &d);
    if (pf->npatterns > 0 && pf->db == NULL) {
        fprintf(stderr, "gen_prefilter: the built-in set does not compile\n");
        return false;
    }
    puts("\n#include \"rules/kb_rules.h\"\n#include \"rules/log_literals.h\"\n"
         "#include \"rules/log_prefilter.h\"\n#include <stdbool.h>\n#include <stdint.h>");
    bool literals = write_literals(pf);
    puts("static const struct rule *pf_rules[] = {");
    for (size_t i = 0; i < pf->nrules; i++)
        printf("&kb_rule_data[%td],%s", pf->rules[i] - kb_rule_data, i % 8 == 7 ? "\n" : " ");
    puts("NULL};\nstatic bool pf_every_line[] = {");
    for (size_t i = 0; i < pf->nrules; i++)
        printf("%d,", pf->every_line[i]);
    puts("0};\nstatic size_t pf_owners_at[] = {");
    for (size_t i = 0; i <= pf->npatterns; i++)
        printf("%zu,%s", pf->owners_at[i], i % 16 == 15 ? "\n" : "");
    puts("0};\nstatic unsigned pf_owners[] = {");
    for (size_t i = 0; i < pf->owners_at[pf->npatterns]; i++)
        printf("%uu,%s", pf->owners[i], i % 16 == 15 ? "\n" : "");
    puts("0};\nstatic char *pf_expr[] = {");
    for (size_t i = 0; i < pf->npatterns; i++) {
        gen_lit(pf->expr[i]);
        puts(",");
    }
    puts("NULL};\nstatic bool pf_caseless[] = {");
    for (size_t i = 0; i < pf->npatterns; i++)
        printf("%d,", pf->caseless[i]);
    puts("0};\nstatic const struct log_prefilter_note pf_notes[] = {");
    for (size_t i = 0; i < d.n; i++) {
        fputs("{", stdout);
        gen_lit(d.v[i].path);
        printf(", %luUL, ", d.v[i].line);
        gen_lit(d.v[i].message);
        puts("},");
    }
    printf("{NULL, 0, NULL}};\n"
           "const struct log_prefilter_builtin vt_prefilter_builtin = {\n"
           "    .pf = {.rules = pf_rules, .nrules = %zu, .every_line = pf_every_line, .nevery = %zu,\n"
           "           .owners_at = pf_owners_at, .owners = pf_owners, .expr = pf_expr,\n"
           "           .caseless = pf_caseless, .npatterns = %zu},\n"
           "    .hash = %#llxULL, .notes = pf_notes, .nnotes = %zu, .literals = %s};\n",
           pf->nrules, pf->nevery, pf->npatterns, hash, d.n, literals ? "&pf_literals" : "NULL");
    log_prefilter_free(pf);
    diags_release(&d);
    return true;
}

int
main(void)
{
    struct ruleset rs = {0};
    struct diags d = DIAGS_INIT;
    if (rules_load_builtin(&rs, &d) != 0) {
        fprintf(stderr, "gen_prefilter: the built-in rules do not load\n");
        return 1;
    }
    static const unsigned long long features[] = {0, HS_CPU_FEATURES_AVX2};
    puts("/* Generated by tools/gen_prefilter.c from the built-in rules: do not edit. */\n"
         "#include <stddef.h>\n"
         "extern const unsigned char vt_prefilter_dbs[];\n"
         "extern const size_t vt_prefilter_dbs_len;\n"
         "_Alignas(16) const unsigned char vt_prefilter_dbs[] = {");
    size_t total = 0;
    for (size_t f = 0; f < sizeof(features) / sizeof(features[0]); f++) {
        char *bytes;
        size_t len;
        if (!log_prefilter_serialize(&rs, features[f], &bytes, &len)) {
            fprintf(stderr, "gen_prefilter: the built-in set does not compile (features %llx)\n",
                    features[f]);
            return 1;
        }
        for (size_t i = 0; i < len; i++)
            printf("%u,%s", (unsigned char)bytes[i], i % 24 == 23 ? "\n" : "");
        putchar('\n');
        total += len;
        free(bytes);
    }
    printf("};\nconst size_t vt_prefilter_dbs_len = %zu;\n", total);
    if (!write_tables(&rs))
        return 1;
    ruleset_release(&rs);
    diags_release(&d);
    return 0;
}
