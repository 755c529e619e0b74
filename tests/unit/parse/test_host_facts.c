/* test_host_facts: the command outputs of a support bundle read into host
 * facts. The texts are written here in the shapes the commands print (vmware
 * -vl and uname -a of ESXi 5.5 build 1331820; esxcli key: value pages; the
 * column tables of `esxcli network nic list` (6.x+, with Admin Status) and
 * `esxcfg-nics -l` (5.x)); the expected values are read off those texts. */
#include "parse/host/host_facts.h"
#include "t.h"

#include <string.h>

static void
feed(struct host_facts *h, const char *path, const char *text, struct diags *d)
{
    host_facts_feed(h, path, text, strlen(text), path, d);
}

int
test_host_facts(void)
{
    int before = t_failed;
    struct diags d = DIAGS_INIT;
    struct host_facts h = HOST_FACTS_INIT;

    T_CHECK("wanted: vmware -vl", host_facts_wanted("commands/vmware_-vl.txt"));
    T_CHECK("wanted: localcli nic list",
            host_facts_wanted("commands/localcli_network-nic-list.txt"));
    T_CHECK("wanted: inventory", host_facts_wanted("etc/vmware/hostd/vmInventory.xml"));
    T_CHECK("not wanted: a log", !host_facts_wanted("var/run/log/vmkernel.log"));
    T_CHECK("not wanted: a command name outside commands/",
            !host_facts_wanted("var/vmware_-vl.txt"));

    feed(&h, "commands/vmware_-vl.txt", "VMware ESXi 5.5.0 build-1331820\nVMware ESXi 5.5.0 GA\n",
         &d);
    T_EQ_STR("product", h.product, "VMware ESXi");
    T_EQ_STR("version", h.version, "5.5.0");
    T_EQ_STR("build", h.build, "1331820");
    T_EQ_STR("update", h.update, "GA");

    feed(&h, "commands/uname_-a.txt",
         "VMkernel esx01.lab.local 5.5.0 #1 SMP Release build-1331820 Sep 18 2013 23:08:31 x86_64 "
         "x86_64 x86_64 ESXi\n",
         &d);
    T_EQ_STR("host name", h.name, "esx01.lab.local");

    feed(
        &h, "commands/localcli_hardware-cpu-global-get.txt",
        "   CPU Packages: 2\n   CPU Cores: 16\n   CPU Threads: 32\n   Hyperthreading Active: true\n"
        "   HV Support: 3\n   HV Replay Capable: true\n",
        &d);
    T_EQ_INT("packages", h.cpu_packages, 2);
    T_EQ_INT("cores", h.cpu_cores, 16);
    T_EQ_INT("threads", h.cpu_threads, 32);
    T_EQ_INT("HV Support", h.hv_support, 3);

    feed(&h, "commands/localcli_hardware-cpu-list.txt",
         "CPU:0\n   Id: 0\n   Brand: Intel(R) Xeon(R) CPU E5-2650 0 @ 2.00GHz\n", &d);
    T_EQ_STR("cpu model", h.cpu_model, "Intel(R) Xeon(R) CPU E5-2650 0 @ 2.00GHz");

    feed(&h, "commands/esxcfg-nics_-l.txt",
         "Name    PCI           Driver      Link Speed     Duplex MAC Address       MTU    "
         "Description\n"
         "vmnic0  0000:02:00.00 bnx2        Up   1000Mbps  Full   00:10:18:aa:bb:cc 1500   "
         "Broadcom Corporation NetXtreme II BCM5709\n"
         "vmnic1  0000:02:00.01 bnx2        Down 0Mbps     Half   00:10:18:aa:bb:cd 1500   "
         "Broadcom Corporation NetXtreme II BCM5709\n",
         &d);
    T_EQ_INT("nics (esxcfg-nics)", h.nnics, 2);
    if (h.nnics == 2) {
        T_EQ_STR("nic 0 name", h.nics[0].name, "vmnic0");
        T_EQ_STR("nic 0 driver", h.nics[0].driver, "bnx2");
        T_EQ_STR("nic 1 link", h.nics[1].link, "Down");
    }
    host_facts_release(&h);

    feed(&h, "commands/esxcli_network_nic_list.txt",
         "Name    PCI Device    Driver  Admin Status  Link Status  Speed  Duplex  MAC Address      "
         "   MTU  Description\n"
         "------  ------------  ------  ------------  -----------  -----  ------  "
         "-----------------  ----  -----------\n"
         "vmnic0  0000:02:00.0  ntg3    Up            Up            1000  Full    "
         "00:50:56:01:02:03  1500  Broadcom Corporation NetXtreme BCM5720\n",
         &d);
    T_EQ_INT("nics (esxcli)", h.nnics, 1);
    if (h.nnics == 1) {
        T_EQ_STR("esxcli nic driver", h.nics[0].driver, "ntg3");
        T_EQ_STR("esxcli nic link", h.nics[0].link, "Up");
        T_EQ_STR("esxcli nic speed", h.nics[0].speed, "1000");
    }

    feed(&h, "etc/vmware/hostd/vmInventory.xml",
         "<ConfigRoot>\n  <ConfigEntry id=\"0000\">\n    <objID>1</objID>\n"
         "    <vmxCfgPath>/vmfs/volumes/5f1a2b3c-8d4e6f70/web01/web01.vmx</vmxCfgPath>\n  "
         "</ConfigEntry>\n"
         "  <ConfigEntry id=\"0001\">\n    <objID>2</objID>\n"
         "    <vmxCfgPath>/vmfs/volumes/datastore1/db01/db01.vmx</vmxCfgPath>\n  "
         "</ConfigEntry>\n</ConfigRoot>\n",
         &d);
    T_EQ_INT("registered VMs", h.nvms, 2);
    if (h.nvms == 2)
        T_EQ_STR("second VM", h.vms[1], "/vmfs/volumes/datastore1/db01/db01.vmx");
    T_EQ_INT("no notes so far", d.n, 0);

    feed(&h, "commands/vmware_-vl.txt", "command not found\n", &d);
    T_EQ_INT("a file in another shape: a note", d.n, 1);
    host_facts_release(&h);
    diags_release(&d);
    return t_failed - before;
}
