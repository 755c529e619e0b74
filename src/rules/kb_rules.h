/* kb_rules: the built-in rules, compiled into the program at build time by
 * tools/gen_kb.c (build/kb_rules.c) from the rules folder with the same
 * loader and checks as --rules DIR. Static data: rules_load_builtin hands
 * out kb_rules as is, so start-up does no work per rule. The rules are
 * marked `builtin` and never freed; their |re patterns compile on first use
 * (the only part written after start). */
#ifndef VT_KB_RULES_H
#define VT_KB_RULES_H

#include "rules/rules.h"

#include <stddef.h>

extern struct rule kb_rule_data[];
extern struct rule *kb_rules[]; /* &kb_rule_data[i], in rule-file order */
extern const size_t kb_nrules;
/* The crash rules' index of kb_rules (rule_index.h). */
struct rule_index;
extern const struct rule_index kb_crash_index;

#endif
