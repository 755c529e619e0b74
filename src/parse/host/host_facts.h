/* host_facts: what a support bundle says about its ESXi host, read from the
 * command outputs vm-support saves under commands/ and from hostd's VM
 * inventory (shared kb/esxi-crash-and-logs.md §5):
 *   vmware -vl                        product, version, build, update level
 *   uname -a                          host name, build
 *   esxcli hardware cpu global get    CPU packages/cores/threads, HV Support
 *   esxcli hardware cpu list          CPU model (Brand)
 *   esxcli network nic list,
 *   esxcfg-nics -l                    NICs: name, driver, link, speed
 *   etc/vmware/hostd/vmInventory.xml  registered VMs (vmxCfgPath)
 * File names vary with the release (`localcli_*` vs `esxcli_*`, `.txt`), so a
 * file is recognised by a fragment of its name.
 *
 * Pure: texts in, facts out; never prints. A file of a known name whose text
 * is not in the expected shape adds a note (facts are optional). */
#ifndef VT_HOST_FACTS_H
#define VT_HOST_FACTS_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct host_nic {
    char *name;   /* vmnic0 */
    char *driver; /* ntg3, e1000, ... */
    char *link;   /* Up / Down */
    char *speed;  /* as written: "1000", "10000Mbps" */
};

/* Strings owned; NULL when no file gave them. */
struct host_facts {
    char *name;    /* host name (uname -a), else NULL */
    char *product; /* "VMware ESXi" */
    char *version; /* "5.5.0" */
    char *build;   /* "1331820" (digits) */
    char *update;  /* "GA", "Update 3" */
    char *cpu_model;
    int cpu_packages, cpu_cores, cpu_threads; /* 0 when unknown */
    int hv_support;                           /* esxcli HV Support 0-3, -1 when unknown */
    struct host_nic *nics;
    size_t nnics;
    char **vms; /* registered .vmx paths, as hostd lists them */
    size_t nvms;
};

#define HOST_FACTS_INIT                                                                            \
    {                                                                                              \
        .hv_support = -1                                                                           \
    }

/* True when `path` (inside the bundle, e.g. "commands/vmware_-vl.txt") is
 * a file host_facts_feed reads. */
bool host_facts_wanted(const char *path);
/* Reads one such file's text. `display` names it in notes. */
void host_facts_feed(struct host_facts *h, const char *path, const char *text, size_t len,
                     const char *display, struct diags *d);
void host_facts_release(struct host_facts *h);

#endif
