/* fuzz_rules: arbitrary bytes as a rule file (`--rules DIR` reads files the
 * user did not write), through the YAML loader and then, for whatever loads,
 * the matcher, evidence and remediation rendering against a fixed VM that has
 * NICs and controllers of every kind.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "findings/findings.h"
#include "rules/rules.h"
#include "util/util_mem.h"
#include "record/vm.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fuzz_rules_one(const uint8_t *data, size_t size);

static const char fuzz_rules_vmx[] =
    ".encoding = \"UTF-8\"\nconfig.version = \"8\"\nvirtualHW.version = \"14\"\n"
    "displayName = \"it's a |22test|22\"\nguestOS = \"windows9-64\"\nmemsize = \"8192\"\n"
    "sched.mem.min = \"8192\"\nnumvcpus = \"4\"\nfirmware = \"efi\"\nvhv.enable = \"TRUE\"\n"
    "vhc.enable = \"TRUE\"\nsound.present = \"TRUE\"\nusb_xhci.present = \"TRUE\"\n"
    "ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"e1000\"\n"
    "ethernet0.networkName = \"VM Network\"\nethernet1.present = \"TRUE\"\n"
    "ethernet2.present = \"FALSE\"\nethernet2.virtualDev = \"vmxnet\"\nethernet2.features = "
    "\"15\"\n"
    "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\nscsi0:0.present = \"TRUE\"\n"
    "scsi0:0.fileName = \"a.vmdk\"\nsata0.present = \"TRUE\"\nnvme0.present = \"TRUE\"\n"
    "ide0:0.present = \"TRUE\"\nide0:0.deviceType = \"cdrom-raw\"\n";

static struct vm *fuzz_rules_vm;

int
fuzz_rules_one(const uint8_t *data, size_t size)
{
    if (fuzz_rules_vm == NULL) {
        struct diags d = DIAGS_INIT;
        fuzz_rules_vm = vm_from_vmx(
            vmx_parse(fuzz_rules_vmx, sizeof(fuzz_rules_vmx) - 1, "f.vmx", &d), "ds/f/f.vmx");
        diags_release(&d);
    }
    const struct vm *vm = fuzz_rules_vm;
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    size_t errors = rules_load_text(&rs, "fuzz.yml", (const char *)data, size, &d);
    if (errors != diags_count(&d, DIAG_ERROR))
        VT_BUG("fuzz_rules: %zu errors returned, %zu reported", errors,
               diags_count(&d, DIAG_ERROR));
    for (size_t i = 0; i < rs.n; i++) {
        const struct rule *rule = rs.v[i];
        struct record r = {.kind = rule->kind, .vm = vm};
        if (rule->kind == REC_NIC)
            r.nic = &vm->nics[0];
        else if (rule->kind == REC_CONTROLLER)
            r.ctrl = &vm->ctrls[0];
        for (size_t k = 0; k < rule->nremedies; k++)
            free(rule_render(rule, rule->remedies[k].tool, rule->remedies[k].text, &r));
        (void)rules_find(&rs, rule->id);
    }
    struct findings f = FINDINGS_INIT;
    audit_vm(&rs, vm, NULL, &f);
    findings_release(&f);
    ruleset_release(&rs);
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_rules_one(data, size);
}
#endif
