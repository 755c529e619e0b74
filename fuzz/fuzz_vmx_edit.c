/* fuzz_vmx_edit: arbitrary .vmx bytes through the writer of `fix --apply`
 * (src/parse/vmx/vmx_edit.c), then read back with vmx_parse: an edit that is
 * accepted must parse, the keys set must read back with their new values,
 * the keys removed must be gone, and every other entry must be the same
 * (key, value and raw line), in the same order. The diff is made too.
 *
 * Input: byte 0 picks two changes (keys and values from the tables below:
 * the .vmx keys the rules change, values with quotes, bars and UTF-8); the
 * rest is the file. Built with -fsanitize=fuzzer by `make fuzz`;
 * fuzz/replay.c includes this file to replay fuzz/corpus/vmxedit. */
#include "parse/vmx/vmx_edit.h"
#include "parse/vmx/vmx_parse.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

int fuzz_vmx_edit_one(const uint8_t *data, size_t size);

static const char *const fuzz_edit_keys[] = {
    "ethernet0.virtualDev", "vhv.enable", "vhc.enable", "displayName",
    "memSize",              "guestOS",    "tools.syncTime", "config.version",
};
static const char *const fuzz_edit_values[] = {
    "vmxnet3", "TRUE", "a \"q\" |41 #", "caf\xc3\xa9", "", NULL, "x\ny", NULL,
};

/* Whether the entry's key is one of the changes. */
static int
fuzz_edit_touched(const struct vmx_entry *e, const struct vmx_set *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(e->key, s[i].key) == 0)
            return 1;
    return 0;
}

int
fuzz_vmx_edit_one(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    struct vmx_set s[2] = {
        {fuzz_edit_keys[sel & 7], fuzz_edit_values[(sel >> 3) & 7]},
        {fuzz_edit_keys[((sel >> 6) + 3) & 7], fuzz_edit_values[((sel >> 4) + 1) & 7]},
    };
    size_t n = strcasecmp(s[0].key, s[1].key) == 0 ? 1 : 2;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct vmx_edit e = VMX_EDIT_INIT;
    if (vmx_edit_apply(text, len, s, n, &e) == 0) {
        struct diags d0 = DIAGS_INIT, d1 = DIAGS_INIT;
        struct vmx_doc *a = vmx_parse(text, len, "in.vmx", &d0);
        struct vmx_doc *b = vmx_parse(e.out.p ? e.out.p : "", e.out.len, "out.vmx", &d1);
        if (a && b) {
            for (size_t i = 0; i < n; i++) {
                const char *got = vmx_get(b, s[i].key);
                /* A non-ASCII value reads back only where .encoding is UTF-8
                 * (the writer refuses it elsewhere); a known encoding converts. */
                if (s[i].value == NULL && got != NULL)
                    VT_BUG("fuzz_vmx_edit: '%s' removed but still there", s[i].key);
                if (s[i].value != NULL && (got == NULL || strcmp(got, s[i].value) != 0))
                    VT_BUG("fuzz_vmx_edit: '%s' reads back as '%s', not '%s'", s[i].key,
                           got ? got : "(absent)", s[i].value);
            }
            size_t j = 0;
            for (size_t i = 0; i < vmx_count(a); i++) {
                const struct vmx_entry *x = vmx_at(a, i);
                if (fuzz_edit_touched(x, s, n))
                    continue;
                while (j < vmx_count(b) && fuzz_edit_touched(vmx_at(b, j), s, n))
                    j++;
                const struct vmx_entry *y = vmx_at(b, j++);
                if (y == NULL || strcmp(x->key, y->key) != 0 || strcmp(x->value, y->value) != 0 ||
                    strcmp(x->raw, y->raw) != 0)
                    VT_BUG("fuzz_vmx_edit: entry %zu ('%s', line %lu) changed", i, x->key,
                           x->line);
            }
            while (j < vmx_count(b) && fuzz_edit_touched(vmx_at(b, j), s, n))
                j++;
            if (j != vmx_count(b))
                VT_BUG("fuzz_vmx_edit: %zu entries more after the edit", vmx_count(b) - j);
            if (e.changed == 0 && (e.out.len != len || memcmp(e.out.p ? e.out.p : "", text, len)))
                VT_BUG("fuzz_vmx_edit: no change reported but the bytes differ");
        }
        struct buf diff = BUF_INIT;
        vmx_edit_diff(&e, text, "a", "b", &diff);
        buf_release(&diff);
        vmx_doc_free(a);
        vmx_doc_free(b);
        diags_release(&d0);
        diags_release(&d1);
    }
    vmx_edit_release(&e);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_vmx_edit_one(data, size);
}
#endif
