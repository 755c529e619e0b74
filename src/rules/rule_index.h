/* rule_index: which crash rules a crash can match, found from its
 * functions instead of by trying every crash rule, so that matching one
 * crash does not grow with the knowledge base (issue 20).
 *
 * Most crash rules name the functions of the backtrace their issue shows
 * (`crash.functions: [E1000PollRxRing, ...]`). rule_keys reads from a rule's
 * condition the function names one of which every crash it matches has; the
 * index maps each such name to its rules. A crash's candidates are the rules
 * its functions name, and the rules that have no such names (they test the
 * message, the module ...), which are always tried. The built-in rules'
 * index is written at build time (tools/gen_kb.c, kb_crash_index); for a
 * ruleset with rules from --rules DIR it is built on first use. */
#ifndef VT_RULE_INDEX_H
#define VT_RULE_INDEX_H

#include "record/record.h"
#include "rules/rules.h"

#include <stddef.h>

struct rule_key {
    const char *key; /* a function name, lower-cased */
    unsigned rule;   /* its rule's position in the ruleset */
};

struct rule_index {
    const struct rule_key *keys; /* sorted by key (strcmp), then rule */
    size_t nkeys;
    const unsigned *always; /* the crash rules without keys, ascending */
    size_t nalways;
};

/* The field the crash index keys on. */
#define RULE_INDEX_FIELD "crash.functions"

/* Builds the index of the crash rules of `rs` (owned: rule_index_free). */
struct rule_index *rule_index_build(const struct ruleset *rs);
void rule_index_free(struct rule_index *ix);

/* The index for `rs`: the program's own for the built-in rules alone,
 * else one built on the first call and kept in rs (thread-safe). */
const struct rule_index *ruleset_crash_index(const struct ruleset *rs);

/* The rules a crash record can match, ascending and each once, into *out
 * (owned, grown as needed; *cap its room). Returns how many. */
size_t rule_index_candidates(const struct rule_index *ix, const struct record *r, unsigned **out,
                             size_t *cap);

#endif
