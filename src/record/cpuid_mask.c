/* cpuid_mask: the .vmx CPUID masks read for the features they hide (see
 * cpuid_mask.h for the format and its sources). */
#include "record/cpuid_mask.h"

#include <string.h>

/* Where each feature sits: CPUID leaf, register, bit (Intel SDM Vol. 2A,
 * CPUID: leaf 1 ECX bit 5 VMX, 19 SSE4.1, 20 SSE4.2, 23 POPCNT; leaf 7 EBX
 * bit 5 AVX2; AMD APM Vol. 3, CPUID Fn8000_0001 ECX bit 2 SVM). */
static const struct {
    const char *name, *key;
    int bit;
} features[] = {
    {"vmx", "cpuid.1.ecx", 5},         {"svm", "cpuid.80000001.ecx", 2},
    {"sse4_1", "cpuid.1.ecx", 19},     {"sse4_2", "cpuid.1.ecx", 20},
    {"popcnt", "cpuid.1.ecx", 23},     {"avx2", "cpuid.7.ebx", 5},
};

char
cpuid_mask_at(const char *value, int bit)
{
    if (value == NULL || bit < 0 || bit > 31)
        return 0;
    char pos[32];
    size_t n = 0;
    for (const char *p = value; *p; p++) {
        if (*p == ':')
            continue;
        if (n == 32 || strchr("01-xXTFRHhr", *p) == NULL)
            return 0;
        pos[n++] = *p;
    }
    return n == 32 ? pos[31 - bit] : 0;
}

size_t
cpuid_mask_hidden(const struct vmx_doc *doc, const char **names, const struct vmx_entry **first)
{
    size_t n = 0;
    *first = NULL;
    for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
        const struct vmx_entry *e = vmx_find(doc, features[i].key);
        char c = e ? cpuid_mask_at(e->value, features[i].bit) : 0;
        if (c != '0' && c != 'R')
            continue;
        if (*first == NULL)
            *first = e;
        if (n < CPUID_MASK_FEATURES)
            names[n++] = features[i].name;
    }
    return n;
}
