/* rules_re_literal: texts one of which every match of a |re pattern must
 * hold (the longest certain one of each top-level alternative), found by
 * reading the pattern, so that a record that lacks it is
 * answered "no match" without compiling or running the regex. With a few
 * hundred crash rules, most of whose patterns name a message or function
 * that one crash does not have, this keeps the regexes a run compiles to
 * those whose text is there (issue 20: start-up must not grow with the rules).
 *
 * Only what is certain is kept: a run of plain characters at the top level
 * of an alternative, none of them made optional or repeatable by what
 * follows. An alternative without one, \Q, extended mode or a flag change
 * after the start gives no text at all. */
#include "rules/rules_re.h"
#include "util/util_mem.h"
#include "util/util_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Leading inline flags "(?i)", "(?is)" ...: returns the length taken, sets
 * *caseless; -1 when they hold one this reading does not model (x, and any
 * unset). 0 when there are none. */
static int
leading_flags(const char *p, bool *caseless)
{
    if (p[0] != '(' || p[1] != '?')
        return 0;
    int i = 2;
    for (; p[i] && p[i] != ')'; i++) {
        if (p[i] == 'i')
            *caseless = true;
        else if (p[i] != 's' && p[i] != 'm' && p[i] != 'U')
            return p[i] == ':' || p[i] == '=' || p[i] == '!' || p[i] == '<' ? 0 : -1;
    }
    return p[i] == ')' ? i + 1 : -1;
}

/* Just past the class "[...]" that starts at p, or NULL when it is unclosed
 * or holds what this reading does not follow (\Q). A ']' first (or after
 * '^') is a member; "[:alpha:]" inside is one member. */
static const char *
class_end(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    for (; *p && *p != ']'; p++) {
        if (*p == '\\') {
            if (p[1] == 'Q' || p[1] == '\0')
                return NULL;
            p++;
        } else if (*p == '[' && p[1] == ':') {
            const char *e = strstr(p + 2, ":]");
            if (e == NULL)
                return NULL;
            p = e + 1;
        }
    }
    return *p ? p + 1 : NULL;
}

/* Just past the group "(...)" that starts at p, or NULL (unclosed, or \Q). */
static const char *
group_end(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '\\') {
            if (p[1] == 'Q' || p[1] == '\0')
                return NULL;
            p++;
        } else if (*p == '[') {
            if ((p = class_end(p)) == NULL)
                return NULL;
            p--;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

/* The length of a counted quantifier "{2}", "{2,}", "{2,5}" at p, or 0 when
 * p does not start one (then PCRE2 reads the '{' as itself). */
static size_t
counted(const char *p)
{
    size_t i = 1;
    while (p[i] >= '0' && p[i] <= '9')
        i++;
    if (i == 1)
        return 0;
    if (p[i] == ',')
        for (i++; p[i] >= '0' && p[i] <= '9'; i++)
            ;
    return p[i] == '}' ? i + 1 : 0;
}

/* Escapes of one fixed width that stand for a class or an assertion: the
 * run ends there. Any other letter or digit escape (\x41, \cA, \0, \1,
 * \p{..}, \g{..}, \k<..>, \N{..} ...) spans more characters, is not read. */
static bool
single_escape(const char *p)
{
    return strchr("dDsSwWbBhHvVRXAzZGKnrtfea", p[1]) != NULL && !(p[1] == 'N' && p[2] == '{');
}

char *
rule_re_literal(const char *pattern, bool *caseless)
{
    *caseless = false;
    /* a verb such as (*ACCEPT) ends a match wherever it stands, even in a
     * group; "(*" anywhere (even where it is not one) gives no text */
    int f = strstr(pattern, "(*") ? -1 : leading_flags(pattern, caseless);
    if (f < 0)
        return NULL;
    size_t n = strlen(pattern);
    char *run = xmalloc(n + 1), *best = xmalloc(n + 1), *out = xmalloc(n + 1);
    size_t rl = 0, bl = 0, ol = 0;
    bool ok = true;
#define END_RUN()                                                                                  \
    do {                                                                                           \
        if (rl > bl) {                                                                             \
            memcpy(best, run, rl);                                                                 \
            bl = rl;                                                                               \
        }                                                                                          \
        rl = 0;                                                                                    \
    } while (0)
    for (const char *p = pattern + f; ok && *p;) {
        unsigned char c = (unsigned char)*p;
        size_t q = 0;
        if (c == '|') { /* this alternative's text, then the next one's */
            END_RUN();
            ok = bl > 0;
            memcpy(out + ol, best, bl);
            ol += bl;
            out[ol++] = '\n';
            bl = 0;
            p++;
        } else if (c == '(') {
            /* a flag change after the start changes how the rest reads */
            if (p[1] == '?' && leading_flags(p, &(bool){false}) != 0)
                ok = false;
            END_RUN();
            ok = ok && (p = group_end(p)) != NULL;
        } else if (c == '[') {
            END_RUN();
            ok = (p = class_end(p)) != NULL;
        } else if (c == '?' || c == '*' || (c == '{' && (q = counted(p)) > 0)) {
            rl -= rl > 0; /* the atom before is optional: not certain */
            END_RUN();
            p += c == '{' ? q : 1;
        } else if (c == '+') {
            END_RUN(); /* the atom before is there at least once */
            p++;
        } else if (c == '\\') {
            unsigned char e = (unsigned char)p[1];
            if (e >= 0x20 && e < 0x7f &&
                !((e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))) {
                run[rl++] = (char)e; /* \. \- \/ ...: the character itself */
            } else if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z')) {
                ok = single_escape(p); /* \d \s \b ...: a class or an assertion */
                END_RUN();
            } else {
                ok = false; /* \1, \0, a control, the end */
            }
            p += 2;
        } else if (c == '.' || c == '^' || c == '$' || c == '{' || c >= 0x80 || c < 0x20 ||
                   c == ')') {
            END_RUN(); /* not one fixed ASCII character */
            p++;
        } else {
            run[rl++] = (char)c;
            p++;
        }
    }
    END_RUN();
#undef END_RUN
    memcpy(out + ol, best, bl);
    ol += bl;
    out[ol] = '\0';
    free(run);
    free(best);
    if (!ok || bl == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* Whether `subject` holds the `len` bytes of `lit`. */
static bool
holds(const char *subject, const char *lit, size_t len, bool caseless)
{
    if (len == 0)
        return true;
    size_t n = strlen(subject);
    return (caseless ? find_ci_n(subject, n, lit, len) : memmem(subject, n, lit, len)) != NULL;
}

bool
rule_re_literal_absent(const char *subject, const char *lit, bool caseless)
{
    for (const char *p = lit;;) {
        size_t len = strcspn(p, "\n");
        if (holds(subject, p, len, caseless))
            return false;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    if (!caseless)
        return true;
    /* PCRE2's Unicode caseless matching lets 'k' match U+212A and 's' U+017F:
     * only an all-ASCII subject is certain */
    for (const unsigned char *s = (const unsigned char *)subject; *s; s++)
        if (*s >= 0x80)
            return false;
    return true;
}
