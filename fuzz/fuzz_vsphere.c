/* fuzz_vsphere: arbitrary bytes through the streaming reader of vSphere
 * SOAP responses (source/vsphere_xml.c), fed in pieces whose sizes the
 * first byte picks (the network splits a body anywhere), each object through
 * the VM and host mapping (record/vm_vsphere.c), and the .vmx document a VM
 * becomes through the .vmx reader and the VM builder. Invariants: no crash;
 * an error always has a message; the document written for a VM is always a
 * well-formed .vmx (no malformed line, no duplicate key), whatever the
 * server sent.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`.
 * Without the vSphere client (VSPHERE=0) it is an empty target. */
#include <stddef.h>
#include <stdint.h>

int fuzz_vsphere_one(const uint8_t *data, size_t size);

#ifdef VT_VSPHERE
#include "parse/vmx/vmx_parse.h"
#include "record/vm.h"
#include "record/vm_vsphere.h"
#include "source/vsphere_xml.h"
#include "util/util_mem.h"

static int
fuzz_vsphere_object(void *arg, const struct vs_node *obj)
{
    (void)arg;
    struct vsphere_vm vm;
    vsphere_vm_read(obj, &vm);
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse(vm.vmx, vm.vmx_len, "fuzz", &d);
    if (doc == NULL || diags_count(&d, DIAG_ERROR) != 0)
        VT_BUG("fuzz_vsphere: the .vmx written for a VM does not parse cleanly: %s",
               d.n ? d.v[0].message : "(no document)");
    struct vm *v = vm_from_vmx_checked(doc, "fuzz", &d);
    vm_free(v);
    diags_release(&d);
    vsphere_vm_release(&vm);
    struct vsphere_entity e;
    vsphere_entity_read(obj, &e);
    vsphere_entity_release(&e);
    return 0;
}

int
fuzz_vsphere_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t piece = 1 + data[0] % 64;
    data++;
    size--;
    struct vs_reader *r = vs_reader_new(fuzz_vsphere_object, NULL);
    int rc = 0;
    for (size_t off = 0; off < size && rc == 0; off += piece)
        rc = vs_reader_feed(r, (const char *)data + off, size - off < piece ? size - off : piece);
    if (rc == 0)
        rc = vs_reader_end(r);
    if (rc != 0 && vs_reader_error(r) == NULL)
        VT_BUG("fuzz_vsphere: an error without a message");
    const char *msg, *type;
    if (rc == 0 && vs_reader_fault(r, &msg, &type) && msg == NULL)
        VT_BUG("fuzz_vsphere: a fault without a message");
    vs_reader_free(r);
    return 0;
}
#else
int
fuzz_vsphere_one(const uint8_t *data, size_t size)
{
    (void)data, (void)size;
    return 0;
}
#endif

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_vsphere_one(data, size);
}
#endif
