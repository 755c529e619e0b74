/* fuzz_hostfacts: arbitrary bytes through the host-fact readers of a
 * support bundle (host_facts_feed), as each command output and as hostd's
 * inventory, so a damaged or hostile bundle member can never crash the
 * tool: facts stay NUL-free strings, HV Support stays -1 or a number of at most nine digits,
 * every NIC has a name and a driver, and a file of the wrong shape is at
 * most a note, never an error.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/host/host_facts.h"
#include "util/util_mem.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int fuzz_hostfacts_one(const uint8_t *data, size_t size);

static const char *const fuzz_hostfacts_files[] = {
    "commands/vmware_-vl.txt",
    "commands/uname_-a.txt",
    "commands/localcli_hardware-cpu-global-get.txt",
    "commands/localcli_hardware-cpu-list.txt",
    "commands/localcli_network-nic-list.txt",
    "commands/esxcfg-nics_-l.txt",
    "etc/vmware/hostd/vmInventory.xml",
};

int
fuzz_hostfacts_one(const uint8_t *data, size_t size)
{
    struct host_facts h = HOST_FACTS_INIT;
    struct diags d = DIAGS_INIT;
    for (size_t i = 0; i < sizeof(fuzz_hostfacts_files) / sizeof(fuzz_hostfacts_files[0]); i++) {
        if (!host_facts_wanted(fuzz_hostfacts_files[i]))
            VT_BUG("fuzz_hostfacts: %s not wanted", fuzz_hostfacts_files[i]);
        host_facts_feed(&h, fuzz_hostfacts_files[i], (const char *)data, size, "fuzz", &d);
    }
    if (diags_count(&d, DIAG_ERROR) != 0)
        VT_BUG("fuzz_hostfacts: an error for a fact file");
    if (h.hv_support < -1 || h.hv_support > 999999999) /* int_of reads at most nine digits */
        VT_BUG("fuzz_hostfacts: HV Support %d", h.hv_support);
    for (size_t i = 0; i < h.nnics; i++)
        if (h.nics[i].name == NULL || h.nics[i].driver == NULL)
            VT_BUG("fuzz_hostfacts: NIC %zu without a name or driver", i);
    host_facts_release(&h);
    diags_release(&d);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_hostfacts_one(data, size);
}
#endif
