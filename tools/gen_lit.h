/* gen_lit: how the build-time generators (gen_kb.c, gen_prefilter.c) write
 * a text as a C string literal. */
#ifndef VT_GEN_LIT_H
#define VT_GEN_LIT_H

#include <stdio.h>

/* Writes `s` to stdout as a C string literal cast to char * (NULL stays
 * NULL). Every byte that is not plain printable ASCII is an octal escape,
 * and so is '?' (no trigraph can form); long texts are split into adjacent
 * literals. */
static inline void
gen_lit(const char *s)
{
    if (s == NULL) {
        fputs("NULL", stdout);
        return;
    }
    fputs("(char *)\"", stdout);
    size_t col = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, col++) {
        if (*p == '\\' || *p == '"')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p >= 0x20 && *p < 0x7f && *p != '?')
            putchar(*p);
        else
            printf("\\%03o", *p);
        if (*p == '\n' || col >= 100) {
            fputs("\"\n\"", stdout);
            col = 0;
        }
    }
    putchar('"');
}

#endif
