/* fuzz_re_literal: arbitrary bytes as a rule's |re pattern and a value it is
 * tested on, checking what rules_re.h promises of rule_re_literal: whenever
 * PCRE2 (as the matcher calls it: UTF) finds a match of the pattern in the
 * value, the value holds one of the texts read from the pattern, so
 * rule_re_literal_absent is false. A text that a match can lack would turn a
 * match into a silent miss.
 *
 * Input: the pattern, a NUL byte, the value (no NUL: the whole input is the
 * pattern and the value is empty). Built with -fsanitize=fuzzer by `make
 * fuzz`; fuzz/replay.c includes it. */
#include "rules/rules_re.h"
#include "util/util_mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fuzz_re_literal_one(const uint8_t *data, size_t size);

int
fuzz_re_literal_one(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const uint8_t *nul = memchr(data, '\0', size);
    size_t plen = nul ? (size_t)(nul - data) : size;
    char *pattern = xstrndup((const char *)data, plen);
    char *value = nul ? xstrndup((const char *)nul + 1, size - plen - 1) : xstrdup("");
    bool caseless = false;
    char *lit = rule_re_literal(pattern, &caseless);
    if (lit != NULL) {
        if (*lit == '\0' || lit[strlen(lit) - 1] == '\n' || strstr(lit, "\n\n"))
            VT_BUG("fuzz_re_literal: an empty text for an alternative");
        int code;
        PCRE2_SIZE off;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
                                       &code, &off, NULL);
        pcre2_match_data *md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
        pcre2_match_context *mc = pcre2_match_context_create(NULL);
        if (mc)
            pcre2_set_match_limit(mc, 100000);
        if (md && pcre2_match(re, (PCRE2_SPTR)value, strlen(value), 0, 0, md, mc) >= 0 &&
            rule_re_literal_absent(value, lit, caseless))
            VT_BUG("fuzz_re_literal: /%s/ matches a value without its text", pattern);
        pcre2_match_context_free(mc);
        pcre2_match_data_free(md);
        pcre2_code_free(re);
    }
    free(lit);
    free(pattern);
    free(value);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_re_literal_one(data, size);
}
#endif
