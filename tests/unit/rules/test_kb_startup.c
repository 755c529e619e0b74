/* test_kb_startup: the built-in knowledge base costs no work per rule at
 * start-up, and a crash does not compile more regexes when rules that do
 * not concern it are added (issue 20: start-up must stay where it is as the
 * knowledge base grows; counted as work, not time).
 *
 * Also the reading of |re patterns that makes the second true
 * (rule_re_literal): the texts it keeps follow from PCRE2's syntax, worked
 * out by hand below, and every one of them is in every sample line that its
 * pattern matches, for every built-in rule (a text that a match can lack
 * would turn a match into a miss). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "findings/findings.h"
#include "parse/psod/psod.h"
#include "rules/kb_rules.h"
#include "rules/rule_index.h"
#include "rules/rules.h"
#include "rules/rules_impl.h"
#include "rules/rules_re.h"
#include "t.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/work_count.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

static void
literal_cases(void)
{
    static const struct {
        const char *re, *want;
        bool caseless;
    } cases[] = {
        {"abc", "abc", false},
        {"(?i)Spin count exceeded.*deadlock", "Spin count exceeded", true},
        /* a quantifier makes the atom before it uncertain */
        {"colou?r", "colo", false},
        {"ab*cdef", "cdef", false},
        {"ab{2,3}cd", "cd", false},
        {"xyz+w", "xyz", false},
        /* escaped punctuation is the character; \d \s \b end the run */
        {"dlmalloc\\.c:4923\\b", "dlmalloc.c:4923", false},
        {"PCPU\\s*\\d+:\\s*no heartbeat", "no heartbeat", false},
        /* groups and classes are not read into: they end the run */
        {"(?i)PF Exception 14 in world \\d+:\\s*localcli IP 0(x|\xc3\x97)0\\b",
         "PF Exception 14 in world ", true},
        {"[a]bcd[e]", "bcd", false},
        {"a[]x]bc", "bc", false},
        /* one text per top-level alternative, or none when one lacks it */
        {"(?i)FW went bad|Timeout waiting", "FW went bad\nTimeout waiting", true},
        {"abc|\\d+", NULL, false},
        {"abc|", NULL, false},
        {"(Failed|Unable) to", " to", false},
        /* what this reading does not model gives nothing */
        {"(?x)a b c", NULL, false},
        {"abc(?-i)def", NULL, false},
        {"\\Qa.b\\E", NULL, false},
        {"^$", NULL, false},
        {"caf\xc3\xa9s", "caf", false},
        /* found by fuzz/fuzz_re_literal.c: a '{' that is no counted
         * quantifier is itself, and the '|' after it still divides */
        {"ab{x|cd}", "ab\ncd}", false},
        {"ab{2}c", "a", false}, /* "a" and "c" both certain: the first of the longest */
        {"[[:alpha:]]xyz", "xyz", false},
        /* escapes wider than two characters, and verbs, give nothing */
        {"\\x41BC", NULL, false},
        {"a\\cAbc", NULL, false},
        {"ab(*ACCEPT)cdef", NULL, false},
        {"abcd(x(*ACCEPT))efgh", NULL, false},
        {"\\1abc", NULL, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool ci = !cases[i].caseless;
        char *got = rule_re_literal(cases[i].re, &ci);
        T_EQ_STR(t_fmt("literal of /%s/", cases[i].re), got, cases[i].want);
        if (cases[i].want)
            T_EQ_INT(t_fmt("/%s/ caseless", cases[i].re), ci, cases[i].caseless);
        free(got);
    }
    T_CHECK("absent: not there", rule_re_literal_absent("a b c", "xyz", false));
    T_CHECK("absent: another alternative is there",
            !rule_re_literal_absent("timeout waiting", "FW went bad\nTimeout waiting", true));
    T_CHECK("absent: case counts without (?i)", rule_re_literal_absent("ABC", "abc", false));
    /* U+212A KELVIN SIGN matches (?i)k in PCRE2's UTF mode */
    T_CHECK("absent: not certain with a non-ASCII subject",
            !rule_re_literal_absent("\xe2\x84\xaa" "ernel", "kernel", true));
}

/* The samples of one rule, and the tally of literal_sound_on_samples. */
struct sound {
    const struct rule *rule;
    size_t checked, bad;
};

/* Every |re value of the test that has a text, against every sample of
 * the rule it matches: the text is there. */
static bool
check_texts(struct ftest *ft, void *arg)
{
    struct sound *s = arg;
    const struct rule *r = s->rule;
    for (size_t v = 0; ft->mod == M_RE && v < ft->nvals; v++) {
        const struct fvalue *fv = &ft->vals[v];
        if (fv->lit == NULL)
            continue;
        int code;
        PCRE2_SIZE off;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)fv->s, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code,
                                       &off, NULL);
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        for (size_t k = 0; re && k < r->nmatch + r->nno_match; k++) {
            const char *text = k < r->nmatch ? r->match[k].text : r->no_match[k - r->nmatch].text;
            if (pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL) < 0)
                continue;
            s->checked++;
            if (rule_re_literal_absent(text, fv->lit, fv->lit_caseless) && s->bad++ == 0)
                T_CHECK(t_fmt("%s: /%s/ matches a sample that lacks its text", r->id, fv->s), 0);
        }
        pcre2_match_data_free(md);
        pcre2_code_free(re);
    }
    return false;
}

/* Every built-in |re pattern with a text, against every sample line of
 * its rule that it matches: the text is there. */
static void
literal_sound_on_samples(void)
{
    struct sound s = {NULL, 0, 0};
    for (size_t i = 0; i < kb_nrules; i++) {
        s.rule = kb_rules[i];
        rule_each_test(s.rule, check_texts, &s);
    }
    T_CHECK(t_fmt("built-in patterns checked on their samples (%zu)", s.checked), s.checked > 50);
    T_EQ_INT("samples a pattern matches without its text", s.bad, 0);
}

/* A purple screen of the e1000 family (kb/psod: KB 2059053), written here. */
static const char e1000_screen[] =
    "#PF Exception 14 in world 34119:vmast.34118 IP 0x41800d8f3a2e addr 0x0\n"
    "0x41220a0dbc80:[0x41800d8f3a2e]E1000PollRxRing@vmkernel#nover+0xb72 stack: 0x1\n"
    "0x41220a0dbd00:[0x41800d8f6a1d]E1000DevRx@vmkernel#nover+0x3a9 stack: 0x1\n";

/* The built-in rules come as they are: no copy, nothing parsed or compiled. */
static void
load_is_free(void)
{
    unsigned long yaml = vt_work.yaml_documents, re = vt_work.regexes;
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    T_EQ_INT("built-in rules load without error", rules_load_builtin(&rs, &d), 0);
    T_CHECK("the program's own array, borrowed", rs.v == kb_rules && rs.cap == 0);
    T_CHECK("every built-in rule", rs.n == kb_nrules && kb_nrules > 100);
    T_CHECK("recognised as the built-in set", ruleset_is_builtin(&rs));
    T_EQ_INT("no YAML parsed", vt_work.yaml_documents - yaml, 0);
    T_EQ_INT("no regex compiled", vt_work.regexes - re, 0);
    ruleset_release(&rs);
    diags_release(&d);
}

/* A rule file of `n` crash rules, each testing the message with a pattern
 * of its own text, which e1000_screen does not hold. */
static char *
unrelated_crash_rules(size_t n)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_addf(&b,
                   "---\ntitle: unrelated %zu\nid: t-unrelated-%zu\nstatus: test\nlevel: low\n"
                   "description: a crash this test never shows\n"
                   "references: [https://example.org/]\n"
                   "logsource: {product: vmware, category: crash}\n"
                   "remediation: {vsphere_client: nothing}\n"
                   "detection:\n  s:\n    crash.message|re: '(?i)Unrelated failure number %zu\\b'\n"
                   "  condition: s\n"
                   "tests:\n  match: ['#PF Exception 14 Unrelated failure number %zu here']\n"
                   "  no_match: ['#PF Exception 14 elsewhere']\n",
                   i, i, i, i);
    return buf_detach(&b);
}

/* How many regexes matching every crash rule of `rs` on `screen` compiles. */
static unsigned long
regexes_for(const struct ruleset *rs, const char *screen, size_t *hits)
{
    struct diags d = DIAGS_INIT;
    unsigned long before = vt_work.regexes;
    *hits = 0;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i]->kind == REC_CRASH)
            *hits += rule_sample_hits(rs->v[i], screen, &d);
    diags_release(&d);
    return vt_work.regexes - before;
}

static bool
drop_regexes(struct ftest *ft, void *arg)
{
    (void)arg;
    for (size_t v = 0; v < ft->nvals; v++) {
        pcre2_code_free(ft->vals[v].re);
        ft->vals[v].re = NULL;
    }
    return false;
}

/* The regexes of rules loaded from a file are compiled at load; here they
 * are dropped again, so that they compile on first use like built-in ones. */
static void
uncompile(struct ruleset *rs, size_t from)
{
    for (size_t i = from; i < rs->n; i++)
        rule_each_test(rs->v[i], drop_regexes, NULL);
}

static void
work_does_not_grow(void)
{
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    rules_load_builtin(&rs, &d);
    uncompile(&rs, 0); /* as at start-up, whatever ran before */
    size_t hits_builtin;
    unsigned long base = regexes_for(&rs, e1000_screen, &hits_builtin);
    T_CHECK(t_fmt("the screen is a crash some built-in rule names (%zu)", hits_builtin),
            hits_builtin > 0);
    T_CHECK(t_fmt("regexes compiled for it (%lu) are a few of the crash rules'", base),
            base < 40);

    /* the knowledge base three times larger in crash rules */
    size_t n0 = rs.n;
    char *more = unrelated_crash_rules(600);
    T_EQ_INT("600 more crash rules load", rules_load_text(&rs, "more.yml", more, strlen(more), &d),
             0);
    free(more);
    T_EQ_INT("all of them", rs.n - n0, 600);
    uncompile(&rs, 0);
    size_t hits_more;
    T_EQ_INT("with 600 unrelated crash rules, the same crash compiles as many regexes",
             regexes_for(&rs, e1000_screen, &hits_more), base);
    T_EQ_INT("and finds the same", hits_more, hits_builtin);
    ruleset_release(&rs);
    diags_release(&d);
}

/* The crash rules' findings for every crash of every crash rule's samples,
 * by rule id in order: with the index (the built-in set) and by trying every
 * rule (the same rules as a set of their own, whose index is built here,
 * and with the built-in one dropped). They must be the same. */
static void
index_finds_the_same(void)
{
    struct ruleset rs = RULESET_INIT, copy = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    rules_load_builtin(&rs, &d);
    copy.v = xcalloc(rs.n + 1, sizeof(*copy.v));
    memcpy(copy.v, rs.v, rs.n * sizeof(*copy.v));
    copy.n = copy.cap = rs.n;
    T_CHECK("the copy is not taken for the built-in set", !ruleset_is_builtin(&copy));
    const struct rule_index *ix = ruleset_crash_index(&rs);
    T_CHECK(t_fmt("the built-in index keys rules by function (%zu keys, %zu always tried)",
                  ix->nkeys, ix->nalways),
            ix->nkeys > 20 && ix->nalways > 0);
    size_t crashes = 0, differ = 0, found = 0;
    for (size_t i = 0; i < rs.n; i++) {
        const struct rule *r = rs.v[i];
        for (size_t k = 0; r->kind == REC_CRASH && k < r->nmatch + r->nno_match; k++) {
            const char *text = k < r->nmatch ? r->match[k].text : r->no_match[k - r->nmatch].text;
            struct psod_result res = {0};
            psod_decode(text, strlen(text), r->file, &res, &d);
            for (size_t c = 0; c < res.ncrashes; c++) {
                struct crash_view v;
                crash_view_init(&v, &res.crashes[c], "sample");
                struct findings a = {0}, b = {0};
                audit_crash(&rs, &v, &a);
                audit_crash(&copy, &v, &b);
                crashes++;
                found += a.n;
                bool same = a.n == b.n;
                for (size_t f = 0; same && f < a.n; f++)
                    same = a.v[f].rule == b.v[f].rule;
                if (!same && differ++ == 0)
                    T_CHECK(t_fmt("%s: a sample finds the same with and without the index", r->id),
                            0);
                findings_release(&a);
                findings_release(&b);
                crash_view_release(&v);
            }
            psod_result_release(&res);
        }
    }
    T_CHECK(t_fmt("crashes of the samples audited (%zu, %zu findings)", crashes, found),
            crashes > 100 && found > 100);
    T_EQ_INT("crashes whose findings differ with the index", differ, 0);
    free(copy.v);
    copy.v = NULL;
    copy.n = copy.cap = 0;
    ruleset_release(&copy);
    ruleset_release(&rs);
    diags_release(&d);
}

/* Crash rules that name functions a crash does not have are not tried: 600
 * more of them leave the rules tried for the e1000 screen as they were. */
static void
index_does_not_grow(void)
{
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    rules_load_builtin(&rs, &d);
    struct psod_result res = {0};
    psod_decode(e1000_screen, strlen(e1000_screen), "screen", &res, &d);
    if (!T_CHECK("the screen decodes to a crash", res.ncrashes == 1))
        return;
    struct crash_view v;
    crash_view_init(&v, &res.crashes[0], "screen");
    struct findings a = {0}, b = {0};
    unsigned long before = vt_work.crash_rules_tried;
    audit_crash(&rs, &v, &a);
    unsigned long tried = vt_work.crash_rules_tried - before;
    size_t ncrash = 0;
    for (size_t i = 0; i < rs.n; i++)
        ncrash += rs.v[i]->kind == REC_CRASH;
    T_CHECK(t_fmt("built-in rules: %lu of the %zu crash rules tried", tried, ncrash),
            tried > 0 && tried < ncrash);
    struct buf y = BUF_INIT;
    for (size_t i = 0; i < 600; i++)
        buf_addf(&y,
                 "---\ntitle: unrelated function %zu\nid: t-fn-%zu\nstatus: test\nlevel: low\n"
                 "description: a crash this test never shows\n"
                 "references: [https://example.org/]\n"
                 "logsource: {product: vmware, category: crash}\n"
                 "remediation: {vsphere_client: nothing}\n"
                 "detection:\n  s:\n    crash.functions: UnrelatedFunction%zu\n"
                 "  condition: s\n"
                 "tests:\n  match: ['0x1:[0x2]UnrelatedFunction%zu@vmkernel#nover+0x1 stack: 0x1']\n"
                 "  no_match: ['0x1:[0x2]OtherFunction@vmkernel#nover+0x1 stack: 0x1']\n",
                 i, i, i, i);
    T_EQ_INT("600 crash rules keyed by function load",
             rules_load_text(&rs, "more.yml", buf_str(&y), y.len, &d), 0);
    buf_release(&y);
    before = vt_work.crash_rules_tried;
    audit_crash(&rs, &v, &b);
    T_EQ_INT("with them, the same crash tries as many rules", vt_work.crash_rules_tried - before,
             tried);
    bool same = a.n == b.n;
    for (size_t f = 0; same && f < a.n; f++)
        same = a.v[f].rule == b.v[f].rule;
    T_CHECK("and finds the same", same);
    findings_release(&a);
    findings_release(&b);
    crash_view_release(&v);
    psod_result_release(&res);
    ruleset_release(&rs);
    diags_release(&d);
}

int
test_kb_startup(void)
{
    int failed = t_failed;
    literal_cases();
    literal_sound_on_samples();
    load_is_free();
    work_does_not_grow();
    index_finds_the_same();
    index_does_not_grow();
    return t_failed - failed;
}
