/* work_count: how much start-up work a run did that grows with the
 * knowledge base: YAML documents parsed, rule regexes compiled, log
 * prefilter databases compiled, crash rules a crash was matched against.
 * The built-in rules are compiled into the
 * program (tools/gen_kb.c, tools/gen_prefilter.c), so with them alone the
 * first and last stay 0 however many rules there are, and regexes are
 * compiled only when a record reaches them. tests/cli/t-startup.sh reads
 * these counts (work, not time): with VMTRIAGE_WORK set in the environment,
 * the program prints them on standard error when it ends. */
#ifndef VT_WORK_COUNT_H
#define VT_WORK_COUNT_H

#include <stdatomic.h>

struct work_count {
    atomic_ulong yaml_documents;
    atomic_ulong regexes;
    atomic_ulong regexes_jit; /* of them, JIT-compiled too */
    atomic_ulong prefilter_databases;
    atomic_ulong crash_rules_tried; /* crash rules a crash was matched against (rule_index.h) */
};

extern struct work_count vt_work;

/* Prints the counts on stderr when VMTRIAGE_WORK is set (main, at exit). */
void work_count_print(void);

#endif
