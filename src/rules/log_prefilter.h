/* log_prefilter: every log rule's patterns and the purple-screen needles in
 * one hyperscan database, so `logs` searches a 1 MiB block for all of them
 * in one pass (as ripgrep does with its literal sets) and reads as records
 * only the lines that hold one.
 *
 * Patterns come from rule_prefilter (rules_prefilter.c) and are compiled in
 * hyperscan's prefilter mode: a match may be a false alarm, never a miss;
 * the rule itself then decides on the record. A rule whose patterns cannot
 * be derived or compiled runs on every line instead (`every_line`). */
#ifndef VT_LOG_PREFILTER_H
#define VT_LOG_PREFILTER_H

#include "util/diag.h"
#include "rules/rules.h"

#include <stdbool.h>
#include <stddef.h>

struct log_literals;

/* Pattern owner of the purple-screen needles (psod_needle). */
#define LOG_PF_PSOD ((unsigned)-1)

struct log_prefilter {
    void *db;                  /* hs_database_t; NULL when there is no pattern */
    const struct rule **rules; /* the log rules, in ruleset order (borrowed) */
    size_t nrules;
    bool *every_line; /* per rule: not prefiltered, run on every line */
    size_t nevery;
    /* per pattern id: its owners, owners[owners_at[id] .. owners_at[id+1]):
     * rule indexes, or LOG_PF_PSOD */
    size_t *owners_at;
    unsigned *owners;
    char **expr;    /* per pattern id: the pattern (hyperscan/PCRE syntax) */
    bool *caseless; /* per pattern id */
    size_t npatterns;
    bool builtin; /* the tables are the program's (log_prefilter_builtin): not freed */
    /* with db NULL: the patterns as plain strings, searched without
     * hyperscan (log_literals.h), for a small input; or NULL */
    const struct log_literals *literals;
};

/* The prefilter of the built-in rules as tools/gen_prefilter.c writes it
 * (build/prefilter_db.c): the tables above, the hash of the set its
 * databases were compiled from, and the notes the build gave. With the
 * built-in rules alone, log_prefilter_new takes these and a database, and
 * does no work per rule. */
struct log_prefilter_note {
    const char *path;
    unsigned long line;
    const char *message;
};

struct log_prefilter_builtin {
    struct log_prefilter pf; /* db NULL */
    unsigned long long hash;
    const struct log_prefilter_note *notes;
    size_t nnotes;
    const struct log_literals *literals; /* NULL when a pattern is no plain string */
};

/* Whether log_prefilter_new, for the built-in rules, takes the patterns as
 * plain strings instead of deserializing the hyperscan database: set by a
 * command whose inputs are small (a pasted screen), where that costs more
 * than searching them. Off by default. */
void log_prefilter_prefer_literals(bool on);
/* Searches data[0, len) for the prefilter's patterns, calling cb as
 * hyperscan would (id, from 0, to = one past the match's end, flags 0):
 * with the database, or the literal table; scratch: the caller's hyperscan
 * scratch (NULL with the table). Returns false when cb stopped it. */
bool log_prefilter_scan(const struct log_prefilter *pf, void *scratch, const char *data,
                        size_t len,
                        int (*cb)(unsigned id, unsigned long long from, unsigned long long to,
                                  unsigned flags, void *ctx),
                        void *ctx);

/* Builds the prefilter of the log rules of `rs` (which must outlive it).
 * Rules that fall back to every line are named in notes. */
struct log_prefilter *log_prefilter_new(const struct ruleset *rs, struct diags *d);
void log_prefilter_free(struct log_prefilter *pf);

/* For tools/gen_prefilter.c: the database of `rs`'s set compiled for a CPU
 * with `cpu_features` (HS_CPU_FEATURES_*, 0: any CPU hyperscan runs on),
 * serialized as one entry of build/prefilter_db.c into *out (owned, *len
 * bytes). log_prefilter_new takes such a database instead of compiling
 * when its set is the same (same patterns, flags and owners). Returns false
 * when the set does not compile whole. */
bool log_prefilter_serialize(const struct ruleset *rs, unsigned long long cpu_features, char **out,
                             size_t *len);
/* For tools/gen_prefilter.c: the prefilter of `rs` compiled for this CPU,
 * the hash of its set in *hash; notes as log_prefilter_new gives them. */
struct log_prefilter *log_prefilter_compile(const struct ruleset *rs, unsigned long long *hash,
                                            struct diags *d);

#endif
