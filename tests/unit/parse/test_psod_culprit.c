/* test_psod_culprit: the culprit rules of issue 14 §2, one input each,
 * written here. Expected modules are read off the text each case writes
 * (the frame's module, the path in the message, the world name) and the
 * module's maker off data/esxi_modules.tsv, never off decoder output:
 *  - a lock-up names the first driver frame of the saved/locked CPU's
 *    backtrace, not the lock primitive the panicking CPU spins in;
 *  - VMware's own modules (VMFS, vSAN, the TCP/IP stack, NSX) are VMware's
 *    code (kind vmkernel), never "a driver";
 *  - with no frames: the module of the source path an ASSERT/NOT_REACHED
 *    names, the driver an IOMMU fault names, or the driver a world is
 *    named after; a placeholder world names nothing. */
#include "parse/psod/psod.h"
#include "parse/psod/psod_impl.h"
#include "t.h"

#include <string.h>

struct want {
    const char *name;
    const char *text;
    const char *type;
    enum psod_culprit_kind kind;
    const char *module, *function;
};

static const struct want cases[] = {
    {"lock-up: saved backtrace's driver frame",
     "@BlueScreen: Spin count exceeded - possible deadlock with PCPU 12\n"
     "Code start: 0x420021000000 VMK uptime: 12:01:02:03.456\n"
     "0x4539c0e1bd10:[0x4200211c2a1]SP_WaitLock@vmkernel#nover+0x1f5 stack: 0x0\n"
     "0x4539c0e1bd30:[0x4200211c2a9]Net_PortWork@vmkernel#nover+0x1f5 stack: 0x0\n"
     "Saved backtrace from: pcpu 12 SpinLock spin out NMI\n"
     "0x4539c0e1be10:[0x420021c4a3f0]SP_WaitLock@vmkernel#nover+0x1c4 stack: 0x0\n"
     "0x4539c0e1be20:[0x420021c4a3f8]qla24xxProcessResponseQueue@(qlnativefc)#<None>+0x1c4 "
     "stack: 0x0\n"
     "0x4539c0e1be30:[0x420021c4a400]IntrCookieBH@vmkernel#nover+0x1c4 stack: 0x0\n",
     "spin-deadlock", CULPRIT_DRIVER, "qlnativefc", "qla24xxProcessResponseQueue"},
    {"heartbeat lock-up: a driver frame below vmkernel frames",
     "@BlueScreen: PCPU 7: no heartbeat (2/2 IPIs received)\n"
     "Saved backtrace from: pcpu 7 Heartbeat NMI\n"
     "0x4539c0e1be10:[0x420021c4a3f0]SP_WaitLockIRQ@vmkernel#nover+0x1c4 stack: 0x0\n"
     "0x4539c0e1be18:[0x420021c4a3f4]Timer_BHHandler@vmkernel#nover+0x14 stack: 0x0\n"
     "0x4539c0e1be20:[0x420021c4a3f8]i40en_poll_rx@(i40en)#<None>+0x1c4 stack: 0x0\n",
     "heartbeat", CULPRIT_DRIVER, "i40en", "i40en_poll_rx"},
    {"VMFS frames: VMware's own code",
     "@BlueScreen: #PF Exception 14 in world 2098009:OCFlush IP 0x4200389489c4 addr 0x350\n"
     "0x4539c0e1bd10:[0x4200389489c4]Fil3_FileIO@vmfs3#nover+0x12 stack: 0x0\n"
     "0x4539c0e1bd20:[0x4200389489d0]FS3_Flush@vmfs3#nover+0x12 stack: 0x0\n",
     "#PF", CULPRIT_VMKERNEL, "vmfs3", "Fil3_FileIO"},
    {"vSAN frames over a vendor driver lower down: the driver",
     "@BlueScreen: #PF Exception 14 in world 2098009:LSOM IP 0x4200389489c4 addr 0x350\n"
     "0x4539c0e1bd10:[0x4200389489c4]LSOMDoIO@com.vmware.lsom#0.0.0.1+0x12 stack: 0x0\n"
     "0x4539c0e1bd20:[0x4200389489d0]nvme_SubmitIO@(intel-nvme)#<None>+0x12 stack: 0x0\n",
     "#PF", CULPRIT_DRIVER, "intel-nvme", "nvme_SubmitIO"},
    {"vSAN frames only: VMware's own code",
     "@BlueScreen: #PF Exception 14 in world 2098009:LSOM IP 0x4200389489c4 addr 0x350\n"
     "0x4539c0e1bd10:[0x4200389489c4]LSOMDoIO@com.vmware.lsom#0.0.0.1+0x12 stack: 0x0\n"
     "0x4539c0e1bd20:[0x4200389489d0]DOMOwnerDo@com.vmware.dom#0.0.0.1+0x12 stack: 0x0\n",
     "#PF", CULPRIT_VMKERNEL, "com.vmware.lsom", "LSOMDoIO"},
    {"Module(s) involved: the TCP/IP stack is VMware's",
     "@BlueScreen: #PF Exception 14 in world 2097700:tq:tcpip4 IP 0x42002a1b2c3d addr 0x10\n"
     "Module(s) involved in panic: [tcpip4 Built on: Jun 11 2024]\n",
     "#PF", CULPRIT_VMKERNEL, "tcpip4", NULL},
    {"Module(s) involved: a vendor's driver",
     "@BlueScreen: #PF Exception 14 in world 2099001:nmlx5 IP 0x420001234567 addr 0x8\n"
     "Module(s) involved in panic: [nmlx5_core 4.23.0.66-1OEM.703.0.0.18434556 (External)]\n",
     "#PF", CULPRIT_DRIVER, "nmlx5_core", NULL},
    {"ASSERT in a VMware module's source",
     "@BlueScreen: ASSERT bora/modules/vmkernel/cmmds/cmmds_audit.c:478\n",
     "ASSERT", CULPRIT_VMKERNEL, "cmmds", NULL},
    {"NOT_REACHED in a vmkdrivers driver's source",
     "@BlueScreen: NOT_REACHED vmkdrivers/src_9/drivers/net/e1000e/netdev.c:1234\n",
     "NOT_REACHED", CULPRIT_DRIVER, "e1000e", NULL},
    {"NOT_IMPLEMENTED in the vmkernel's own source names nobody (KB 316522: a driver trips it)",
     "@BlueScreen: NOT_IMPLEMENTED bora/vmkernel/main/world.c:2307\n",
     "NOT_IMPLEMENTED", CULPRIT_NONE, NULL, NULL},
    {"a world named after a driver's thread",
     "#PF Exception 14 in world 2099001:lpfc_path_cl IP 0x420001234567 addr 0x8\n",
     "#PF", CULPRIT_DRIVER, "lpfc", NULL},
    {"a world that only starts like a driver's name",
     "#PF Exception 14 in world 2099001:lpfcx IP 0x420001234567 addr 0x8\n",
     "#PF", CULPRIT_NONE, NULL, NULL},
    {"a placeholder world names nothing",
     "#PF Exception 14 in world <World_ID>:<World_Name> IP 0x#### addr 0x####\n",
     "#PF", CULPRIT_NONE, NULL, NULL},
    {"IOMMU fault: the device's driver",
     "@BlueScreen: IOMMU Fault detected for 0000:3b:00.0 (vmgp0/nvidia) Reason: 0x6 "
     "(PTE not set to allow Read.)\n",
     "IOMMU", CULPRIT_DRIVER, "nvidia", NULL},
    {"lost boot device: the boot media, not a module",
     "@BlueScreen: **CRITICAL**: Lost access to boot device 'eui.0025385a91b0c6a2' - All "
     "paths are down.\n"
     "Module(s) involved in panic: [bootdevmon Built on: Jun 10 2025]\n",
     "boot-device", CULPRIT_HARDWARE, NULL, NULL},
    {"NSX's assert form is an ASSERT",
     "@BlueScreen: line 25418 assert \"(s->state_flags & PFSTATE_TCP_HALF_OPEN) == 0\" failed\n",
     "ASSERT", CULPRIT_NONE, NULL, NULL},
    {"a faulting frame a web copy hid names nobody (not a driver, not the frames below)",
     "@BlueScreen: #PF Exception 14 in world 2133898:vsanfoo IP 0x42000f0fdbaf addr 0x0\n"
     "0x453a6b89bd50:[0x42000f0fdbaf][email protected]#0.0.0.1+0x33 stack: 0x1\n"
     "0x453a6b89bd70:[0x42000f0ee5e1]IOChain_Resume@vmkernel#nover+0x18a stack: 0x0\n",
     "#PF", CULPRIT_NONE, NULL, NULL},
    {"Secure Boot failure has its own kind",
     "@BlueScreen: UEFI Secure Boot failed:\n"
     "Failed to verify signatures of the following vibs (1): [old-raid-driver]\n",
     "secure-boot", CULPRIT_NONE, NULL, NULL},
};

int
test_psod_culprit(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct want *w = &cases[i];
        struct psod_result r;
        psod_decode(w->text, strlen(w->text), "culprit", &r, NULL);
        if (T_EQ_INT(t_fmt("%s: one crash", w->name), r.ncrashes, 1)) {
            const struct psod_crash *c = &r.crashes[0];
            T_EQ_STR(t_fmt("%s: type", w->name), psod_type_name(c->type, c->exception), w->type);
            T_EQ_STR(t_fmt("%s: kind", w->name), psod_culprit_kind_name(c->culprit_kind),
                     psod_culprit_kind_name(w->kind));
            T_EQ_STR(t_fmt("%s: module", w->name), c->culprit_module, w->module);
            T_EQ_STR(t_fmt("%s: function", w->name), c->culprit_function, w->function);
        }
        psod_result_release(&r);
    }
    /* the maker of a module, from data/esxi_modules.tsv */
    T_CHECK("vmfs3 is VMware's", psod_module_is_vmware("vmfs3"));
    T_CHECK("com.vmware.* is VMware's", psod_module_is_vmware("com.vmware.vsan"));
    T_CHECK("nsxt-vsip is VMware's", psod_module_is_vmware("nsxt-vsip"));
    T_CHECK("dvfilter-switch-security is VMware's (dvfilter*)",
            psod_module_is_vmware("dvfilter-switch-security"));
    T_CHECK("dvfilter-dsa is Trend Micro's: its own row beats the prefix row",
            !psod_module_is_vmware("dvfilter-dsa"));
    T_CHECK("lpfc is a vendor's", !psod_module_is_vmware("lpfc"));
    T_CHECK("an unlisted module is a vendor's", !psod_module_is_vmware("acme_raid"));
    T_CHECK("no module is nobody's", !psod_module_is_vmware(NULL) && !psod_module_is_vmware(""));
    return 0;
}
