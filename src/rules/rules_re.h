/* rules_re: the `|re` field test with bounded effort, and how a test that
 * gave up becomes an error of the record instead of a silent "no match". */
#ifndef VT_RULES_RE_H
#define VT_RULES_RE_H

#include "util/diag.h"

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stdatomic.h>
#include <stdbool.h>

/* PCRE2's limits for one |re test: a pattern that backtracks catastrophically
 * on a long value stops here (PCRE2's own defaults are 10x to 1000x higher:
 * minutes per record). */
#define RULE_RE_MATCH_LIMIT 1000000u
#define RULE_RE_DEPTH_LIMIT 10000u
#define RULE_RE_HEAP_LIMIT_KIB 16384u

/* The compiled `pattern`, JIT-compiled too (rule_re_set_jit), made on the first call for its
 * slot and kept there (the rule owns it: pcre2_code_free). Thread-safe: the
 * first caller compiles under a lock, later ones read the slot. NULL when the
 * pattern does not compile (the loader compiles the regexes of rule files from
 * --rules DIR when they load; the built-in ones are checked by `rules check`) or memory ran
 * out; rule_re_match counts that as a test that gave up. */
const pcre2_code *rule_re_code(pcre2_code *_Atomic *slot, const char *pattern);

/* Whether rule_re_code also JIT-compiles (the default). JIT compiling costs
 * more than a few interpreted tests: a command that reads one screen turns
 * it off before its rules run. */
void rule_re_set_jit(bool on);

/* Whether the compiled `re` (of the rule text `pattern`) matches `subject`.
 * A match that stops at a limit (PCRE2_ERROR_MATCHLIMIT, DEPTHLIMIT,
 * HEAPLIMIT, the JIT stack) or any other match error counts as no match and
 * is remembered on the calling thread until rule_re_report. Thread-safe. */
bool rule_re_match(const pcre2_code *re, const char *pattern, const char *subject);

/* When a |re test gave up on this thread since the last call, adds one
 * DIAG_ERROR naming `path` and `line` (0: the whole file), the pattern and
 * the reason, and forgets it; returns whether it did. Call it after the rules
 * have run on one record, on the thread that ran them. */
bool rule_re_report(struct diags *d, const char *path, unsigned long line);
/* Forgets the tests that gave up on this thread since the last call and
 * returns how many there were (for a caller that reported the first). */
unsigned long rule_re_take(void);

/* Texts one of which every match of `pattern` holds (rules_re_literal.c),
 * '\n'-separated (one per top-level alternative): owned, or NULL when the
 * pattern does not show them for certain. *caseless when the pattern starts
 * with (?i). */
char *rule_re_literal(const char *pattern, bool *caseless);
/* True only when `subject` certainly lacks `lit`, so the pattern it came from
 * cannot match: false when it holds it or may (caseless, with non-ASCII). */
bool rule_re_literal_absent(const char *subject, const char *lit, bool caseless);

#endif
