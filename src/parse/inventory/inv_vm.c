/* inv_vm: the inventory VM's helpers (see inv.h). */
#include "parse/inventory/inv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const unknown_words[] = {
    "vhv.enable",
    "tools.syncTime",
    "sound/USB/floppy/serial/parallel devices",
    "storage controllers",
    "NIC adapter types",
    "NICs",
    "CPUID masks",
    "secure boot",
    "sched.mem.pin",
    "memory reservation",
    "guest OS",
    "hardware version",
    "firmware",
    "memory size",
    "vCPUs",
    "other .vmx keys",
    "cores per socket",
};

void
inv_unknown_words(unsigned unknown, struct buf *out)
{
    bool first = true;
    for (size_t i = 0; i < sizeof(unknown_words) / sizeof(unknown_words[0]); i++)
        if (unknown & (1u << i)) {
            if (!first)
                buf_adds(out, ", ");
            buf_adds(out, unknown_words[i]);
            first = false;
        }
}

static const char *const unknown_tokens[INV_U_NBITS] = {
    "vhv_enable", "tools_sync_time", "devices",  "controllers", "nic_types",  "nics",
    "cpuid",      "secure_boot",     "mem_pin",  "mem_reservation", "guest_os", "hw_version",
    "firmware",   "memory",          "vcpus",    "vmx_keys",    "cores_per_socket",
};

const char *
inv_unknown_token(unsigned i)
{
    return i < INV_U_NBITS ? unknown_tokens[i] : NULL;
}

unsigned
inv_unknown_from_token(const char *token)
{
    for (unsigned i = 0; i < INV_U_NBITS; i++)
        if (strcmp(token, unknown_tokens[i]) == 0)
            return 1u << i;
    return 0;
}

void
inv_vm_release(struct inv_vm *vm)
{
    vmx_writer_release(&vm->w);
    free(vm->subject);
    free(vm->guest_id);
    free(vm->guest_text);
    free(vm->power_state);
    free(vm->host);
    free(vm->cluster);
    free(vm->datastore_path);
    *vm = (struct inv_vm){.w = VMX_WRITER_INIT};
}

const char *
inv_adapter_vmx(const char *s, bool *vmxnet2)
{
    static const struct {
        const char *name, *vmx;
    } map[] = {
        {"e1000", "e1000"},     {"e1000e", "e1000e"},      {"vmxnet3", "vmxnet3"},
        {"vmxnet2", "vmxnet"},  {"vmxnet", "vmxnet"},      {"pcnet32", "vlance"},
        {"flexible", "vlance"}, {"vlance", "vlance"},      {"vmxnet3vrdma", "vrdma"},
        {"vrdma", "vrdma"},
    };
    *vmxnet2 = false;
    if (s == NULL)
        return NULL;
    while (*s == ' ')
        s++;
    if (strncasecmp(s, "virtual", 7) == 0) /* govc's class names: VirtualE1000 */
        s += 7;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strlen(map[i].name) == n && strncasecmp(s, map[i].name, n) == 0) {
            *vmxnet2 = strcmp(map[i].name, "vmxnet2") == 0;
            return map[i].vmx;
        }
    return NULL;
}
