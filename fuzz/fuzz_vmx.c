/* fuzz_vmx: arbitrary bytes through the whole .vmx path of `scan`: the pure
 * parser, the VM record and an audit with every rule (the built-in ones plus
 * a fixed set that uses each Sigma modifier), so a .vmx found on a datastore
 * can never crash the tool (DESIGN.md: "never a crash").
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/vmx/codepage.h"
#include "findings/findings.h"
#include "rules/rules.h"
#include "util/util_mem.h"
#include "record/vm.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int fuzz_vmx_one(const uint8_t *data, size_t size);

/* Every modifier, null, not, `1 of`, `all of them`, raw vmx.* keys and
 * {{placeholders}} on all three record kinds. */
static const char fuzz_vmx_extra_rules[] =
    "title: f1\nid: fuzz-vm\ndescription: d\nreferences: [x]\nlogsource: {category: vm}\n"
    "detection:\n"
    "  a:\n    vm.guest_os|re: '(?i)^win.*-64$'\n    vm.memory_mb|lt: 8192\n"
    "  b:\n    - vm.name: null\n    - vm.hw_version|gte: 15\n      vm.firmware|startswith: e\n"
    "  c:\n    vmx.vhc.enable|exists: true\n    vm.guest_family: [windows, linux]\n"
    "  d:\n    vm.boot_controller_type|contains|all: [p, s]\n    vm.nested: true\n"
    "  condition: (a or 1 of c*) and not b or all of them or d\n"
    "level: high\n"
    "remediation:\n  powercli: \"{{vm.name|ps_name}} {{vm.memory_mb|int}} {{vmx.displayName|ps}} # "
    "{{vm.path|text}}\"\n"
    "  vsphere_client: \"{{vm.path|text}} {{vm.boot_controller_bus|text}}\"\n"
    "  guest_windows: \"findstr /c:{{vm.name|cmd}}\"\n"
    "tests: {match: [a], no_match: [b]}\n"
    "---\n"
    "title: f2\nid: fuzz-nic\ndescription: d\nreferences: [x]\nlogsource: {category: nic}\n"
    "detection:\n"
    "  sel:\n    nic.type: [e1000, e1000e]\n    nic.present: true\n"
    "  implicit:\n    nic.type_explicit: false\n    nic.type_default|endswith: '1000'\n"
    "  condition: 1 of them\n"
    "level: critical\n"
    "remediation:\n  govc: \"{{nic.index|int}} {{nic.network|sh}} {{vm.name|sh_name}}\"\n"
    "tests: {match: [a], no_match: [b]}\n"
    "---\n"
    "title: f3\nid: fuzz-ctrl\ndescription: d\nreferences: [x]\nlogsource: {category: controller}\n"
    "detection:\n"
    "  sel:\n    controller.boot: true\n    controller.disks|gt: 0\n"
    "    controller.bus|re: '^(scsi|sata|nvme|ide)$'\n"
    "  condition: sel\n"
    "level: low\n"
    "remediation:\n  esxi_shell: \"{{controller.type|sh}} {{controller.index|int}}\"\n"
    "tests: {match: [a], no_match: [b]}\n";

static struct ruleset fuzz_vmx_rs = RULESET_INIT;
static int fuzz_vmx_ready;

static void
fuzz_vmx_init(void)
{
    struct diags d = DIAGS_INIT;
    rules_load_builtin(&fuzz_vmx_rs, &d);
    rules_load_text(&fuzz_vmx_rs, "fuzz-extra.yml", fuzz_vmx_extra_rules,
                    sizeof(fuzz_vmx_extra_rules) - 1, &d);
    /* A rule that fails to load would silently shrink what is fuzzed. */
    if (diags_count(&d, DIAG_ERROR) != 0)
        VT_BUG("fuzz_vmx: rules do not load: %s:%lu: %s", d.v[0].path, d.v[0].line, d.v[0].message);
    diags_release(&d);
    fuzz_vmx_ready = 1;
}

int
fuzz_vmx_one(const uint8_t *data, size_t size)
{
    if (!fuzz_vmx_ready)
        fuzz_vmx_init();
    const char *path = size > 0 && (data[size - 1] & 1) ? "ds/t/t.vmtx" : "ds/v/v.vmx";
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse((const char *)data, size, path, &d);
    if (doc != NULL) {
        size_t sum = 0;
        for (size_t i = 0; i < vmx_count(doc); i++) {
            const struct vmx_entry *e = vmx_at(doc, i);
            sum += strlen(e->key) + strlen(e->lkey) + strlen(e->value) + strlen(e->raw);
            if (vmx_find(doc, e->key) == NULL)
                VT_BUG("fuzz_vmx: key '%s' of entry %zu not found", e->key, i);
        }
        (void)sum;
        (void)vmx_encoding(doc);
        /* A config read without an error has only UTF-8 values: bytes that
         * are not text in its encoding must have been reported. */
        if (vmx_doc_is_vmware(doc) && diags_count(&d, DIAG_ERROR) == 0) {
            struct buf u = BUF_INIT;
            for (size_t i = 0; i < vmx_count(doc); i++) {
                const char *v = vmx_at(doc, i)->value;
                size_t at = 0;
                buf_reset(&u);
                if (codepage_decode(codepage_find("UTF-8"), v, strlen(v), &u, &at) != 0)
                    VT_BUG("fuzz_vmx: value of line %lu is not UTF-8 and no error says so",
                           vmx_at(doc, i)->line);
            }
            buf_release(&u);
        } else if (!vmx_doc_is_vmware(doc) && vmx_doc_not_vmware_reason(doc) == NULL) {
            VT_BUG("fuzz_vmx: not a VMware config, and no reason");
        }
        struct vm *vm = vm_from_vmx_checked(doc, path, &d);
        for (int nested = 0; nested < 2; nested++) {
            struct record_ctx ctx = {nested != 0};
            struct findings f = FINDINGS_INIT;
            audit_vm(&fuzz_vmx_rs, vm, &ctx, &f);
            (void)findings_max_level(&f);
            findings_release(&f);
        }
        vm_free(vm);
    }
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_vmx_one(data, size);
}
#endif
