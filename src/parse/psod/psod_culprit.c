/* psod_culprit: who is to blame for a decoded purple screen, and the report
 * words for types and culprit kinds.
 *
 * The rule (VMware KB 1004250 and the articles behind each step), in order:
 *  1. hardware panics (MCE, LINT1/NMI, PCIe fatal error/EDR, a lost boot
 *     device): the hardware; an IOMMU fault: the driver of the device it
 *     names; CrashMe: nobody; a lost service-console heartbeat: the
 *     console, not a frame (kind NONE);
 *  2. `Module(s) involved in panic` (8.x): its first vendor module, with the
 *     first frame of that module as function; a VMware module there
 *     (data/esxi_modules.tsv) is kept for step 5;
 *  2b. functions only named in prose (psod_named.c): the first module the
 *     text names with them (a driver, or a VMware module), else step 6;
 *  3. a saved backtrace (lock-up, heartbeat NMI, NMI IPI): its frames, by 4;
 *  4. the panicking CPU's frames, past the panic plumbing (psod_is_plumbing)
 *     and, when frames follow it, past the first exception/interrupt entry
 *     (`gate_entry`): above it run the handler (the panic plumbing of a #PF
 *     or ASSERT, or an interrupt that arrived on top of the real work, as
 *     `ehci_filter@(vmkusb)` over `ilo_isr@(ilo)` in KB 429117's saved
 *     backtrace); below it is the code that was interrupted or faulted:
 *     a. the first frame whose module is named and is neither the vmkernel
 *        nor the vmklinux shim `com.vmware.driverAPI`: that driver;
 *     b. the top frame, when its module was written but has no name (`@#`,
 *        5.x modules without symbols): a driver whose name is unknown
 *        (module ""); a module a web copy hid (`[email protected]`) names
 *        nobody: VMware's vSAN frames are hidden so in KB 404789. Such a frame further down
 *        is not enough: in `E1000PollRxRing@vmkernel ... Etherswitch..@#`
 *        the vmkernel faulted (corpus/esxi/027);
 *     c. a vmklinux shim frame: the driver is its neighbour: the frame above
 *        (the shim called into it) when that is not vmkernel, even of unknown
 *        module (`be_char_ioctl@<None>` above `LinuxCharIoctl@com.vmware.
 *        driverAPI`, corpus/esxi/003), else the frame below when its module is
 *        unnamed (`@#`); a `<None>` caller below is not taken (5.x prints the
 *        vmkernel's own NetSched/Team modules as `<None>`, KB 2011474);
 *     d. else VMware's own code (kind VMKERNEL): the first frame in a
 *        VMware module (VMFS, vSAN, tcpip4 ...), else the first frame with a
 *        function (the module is the frame's, `com.vmware.driverAPI` when
 *        the panic is inside the shim with no driver frame next to it);
 *  5. a VMware module of step 2 when the frames name no driver;
 *  6. with no frame to go on, what the text names: the module of an
 *     ASSERT/NOT_REACHED source path, or a vendor driver a world is named
 *     after (psod_modules.c).
 *  VMware's own modules are never "a driver": their kind is VMKERNEL.
 *  Frames with module NULL (`<None>`, 3.x/4.0 frames without modules) count
 *  as unknown, never as a driver by themselves. */
#include "parse/psod/psod_impl.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>

void
psod_crash_init(struct psod_crash *c)
{
    memset(c, 0, sizeof(*c));
    c->type = PSOD_UNKNOWN;
    c->exception = -1;
    c->world_id = -1;
    c->cpu = -1;
    c->saved_pcpu = -1;
    c->culprit_kind = CULPRIT_NONE;
}

void
psod_crash_release(struct psod_crash *c)
{
    free(c->message);
    free(c->world_name);
    free(c->uptime);
    free(c->timestamp);
    free(c->product);
    free(c->build);
    psod_frames_release(&c->frames);
    psod_frames_release(&c->saved);
    free(c->saved_reason);
    for (size_t i = 0; i < c->nmodules_involved; i++) {
        free(c->modules_involved[i]);
        free(c->modules_involved_detail[i]);
    }
    free(c->modules_involved);
    free(c->modules_involved_detail);
    for (size_t i = 0; i < c->nnotes; i++)
        free(c->notes[i]);
    free(c->notes);
    free(c->culprit_module);
    free(c->culprit_function);
    psod_crash_init(c);
}

bool
psod_is_plumbing(const char *fn)
{
    static const char *const exact[] = {
        "IDTReturnPrepare",
        "Int6_UD2Assert",
        "NMI_Interrupt",
        "IDTNMIWork",
        "Int2_NMI",
        "SP_WaitLock",
        "SP_WaitReadLock",
        "SPAcqWriteLockWork",
        "Util_Udelay",
        "vmk_LogBacktraceMessage",
        "vmk_PanicWithModuleID",
    };
    static const char *const prefix[] = {"Panic", "gate_entry", "SP_Wait"};
    if (fn == NULL)
        return false;
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strcmp(fn, exact[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
        if (strncmp(fn, prefix[i], strlen(prefix[i])) == 0)
            return true;
    return false;
}

const char *
psod_type_name(enum psod_type t, int exception)
{
    /* psod.h: the vectors with a mnemonic; 4 (#OF), 5 (#BR) and others are "exception" */
    static const char *const vectors[20] = {
        [0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",  [6] = "#UD",  [7] = "#NM",
        [8] = "#DF",  [10] = "#TS", [11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF",
        [16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
    };
    static const char *const names[PSOD__COUNT] = {
        [PSOD_UNKNOWN] = "unknown",
        [PSOD_EXCEPTION] = "exception",
        [PSOD_ASSERT] = "ASSERT",
        [PSOD_NOT_IMPLEMENTED] = "NOT_IMPLEMENTED",
        [PSOD_SPIN_DEADLOCK] = "spin-deadlock",
        [PSOD_LOCKUP] = "lockup",
        [PSOD_HEARTBEAT] = "heartbeat",
        [PSOD_NMI_IPI] = "NMI",
        [PSOD_LINT1_NMI] = "LINT1",
        [PSOD_MCE] = "MCE",
        [PSOD_PCIE_ERROR] = "PCIe",
        [PSOD_VMKLINUX_BUG] = "BUG",
        [PSOD_LOST_HEARTBEAT] = "lost-heartbeat",
        [PSOD_OOPS] = "Oops",
        [PSOD_MANUAL] = "CrashMe",
        [PSOD_NOT_REACHED] = "NOT_REACHED",
        [PSOD_BOOT_DEVICE] = "boot-device",
        [PSOD_SECURE_BOOT] = "secure-boot",
        [PSOD_IOMMU] = "IOMMU",
    };
    if (t == PSOD_EXCEPTION && exception >= 0 && exception < 20 && vectors[exception])
        return vectors[exception];
    if ((unsigned)t < PSOD__COUNT)
        return names[t];
    return "unknown";
}

const char *
psod_culprit_kind_name(enum psod_culprit_kind k)
{
    switch (k) {
    case CULPRIT_DRIVER:
        return "driver";
    case CULPRIT_VMKERNEL:
        return "vmkernel";
    case CULPRIT_HARDWARE:
        return "hardware";
    case CULPRIT_NONE:
        break;
    }
    return "none";
}

enum modkind { MK_UNKNOWN, MK_UNNAMED, MK_CORE, MK_SHIM, MK_DRIVER };

static enum modkind
modkind(const struct psod_frame *f)
{
    if (f->module == NULL)
        return f->module_hidden ? MK_UNNAMED : MK_UNKNOWN;
    if (f->module[0] == '\0')
        return MK_UNNAMED;
    if (strncmp(f->module, "com.vmware.driverAPI", 20) == 0 ||
        strncmp(f->module, "vmklinux", 8) == 0)
        return MK_SHIM;
    if (strcmp(f->module, "vmkernel") == 0 || psod_module_is_vmware(f->module))
        return MK_CORE;
    return MK_DRIVER;
}

struct pick {
    enum psod_culprit_kind kind;
    const struct psod_frame *f;
    const char *module; /* borrowed, may differ from f's (never, today) */
    const char *why;
};

static bool
informative(const struct psod_frame *f)
{
    return f->function != NULL || f->module != NULL || f->module_hidden;
}

static struct pick
pick_frames(const struct psod_frames *fs)
{
    struct pick p = {CULPRIT_NONE, NULL, NULL, NULL};
    size_t start = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const char *fn = fs->v[i].function;
        if (fn == NULL || strncmp(fn, "gate_entry", 10) != 0)
            continue;
        for (size_t k = i + 1; k < fs->n; k++)
            if (informative(&fs->v[k]) && !psod_is_plumbing(fs->v[k].function))
                start = i + 1;
        break;
    }
    size_t first = fs->n;
    for (size_t i = start; i < fs->n; i++) {
        if (informative(&fs->v[i]) && !psod_is_plumbing(fs->v[i].function)) {
            first = i;
            break;
        }
    }
    if (first == fs->n)
        return p;
    for (size_t i = first; i < fs->n; i++) {
        const struct psod_frame *f = &fs->v[i];
        if (modkind(f) == MK_DRIVER && !psod_is_plumbing(f->function)) {
            p = (struct pick){CULPRIT_DRIVER, f, f->module, "first driver frame"};
            return p;
        }
    }
    if (fs->v[first].module_hidden)
        return p; /* the faulting frame's module was hidden by a web copy: nobody to name */
    if (modkind(&fs->v[first]) == MK_UNNAMED) {
        const struct psod_frame *f = &fs->v[first];
        p = (struct pick){CULPRIT_DRIVER, f, f->module, "top frame in a module without a name"};
        return p;
    }
    for (size_t i = first; i < fs->n; i++) {
        if (modkind(&fs->v[i]) != MK_SHIM)
            continue;
        size_t cand[2];
        size_t nc = 0;
        if (i > first)
            cand[nc++] = i - 1;
        if (i + 1 < fs->n)
            cand[nc++] = i + 1;
        for (size_t k = 0; k < nc; k++) {
            const struct psod_frame *f = &fs->v[cand[k]];
            enum modkind mk = modkind(f);
            bool above = cand[k] < i;
            if ((mk == MK_UNNAMED || (above && mk == MK_UNKNOWN)) && f->function != NULL &&
                !psod_is_plumbing(f->function)) {
                p = (struct pick){CULPRIT_DRIVER, f, f->module, "frame next to the vmklinux shim"};
                return p;
            }
        }
    }
    for (size_t i = first; i < fs->n; i++) {
        /* VMware's code only: its first frame in a VMware module (VMFS,
         * vSAN, tcpip4) tells more than a vmkernel helper above it */
        const struct psod_frame *f = &fs->v[i];
        if (f->function != NULL && modkind(f) == MK_CORE && strcmp(f->module, "vmkernel") != 0) {
            p = (struct pick){CULPRIT_VMKERNEL, f, f->module,
                              "first frame past the panic plumbing in a VMware module"};
            return p;
        }
    }
    for (size_t i = first; i < fs->n; i++) {
        const struct psod_frame *f = &fs->v[i];
        if (f->function != NULL && !psod_is_plumbing(f->function)) {
            p = (struct pick){CULPRIT_VMKERNEL, f, f->module,
                              modkind(f) == MK_SHIM
                                  ? "inside the vmklinux shim, no driver frame next to it"
                                  : "first vmkernel frame past the panic plumbing"};
            return p;
        }
    }
    return p;
}

static void
set_culprit(struct psod_crash *c, enum psod_culprit_kind k, const char *module,
            const char *function, const char *why)
{
    c->culprit_kind = k;
    c->culprit_module = module ? xstrdup(module) : NULL;
    c->culprit_function = function ? xstrdup(function) : NULL;
    c->culprit_why = why;
}

static const struct psod_frame *
frame_of_module(const struct psod_frames *fs, const char *module)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].module && strcmp(fs->v[i].module, module) == 0 && fs->v[i].function &&
            !psod_is_plumbing(fs->v[i].function))
            return &fs->v[i];
    return NULL;
}

/* The driver an IOMMU fault names: `IOMMU Fault detected for 0000:3b:00.0
 * (vmgp0/nvidia)` gives nvidia. */
static char *
iommu_driver(const char *msg)
{
    const char *p = msg ? strstr(msg, "IOMMU Fault detected for ") : NULL;
    if (p == NULL || (p = strchr(p, '(')) == NULL)
        return NULL;
    const char *close = strchr(p, ')');
    const char *slash = memchr(p, '/', close ? (size_t)(close - p) : 0);
    if (slash == NULL || close - slash < 2)
        return NULL;
    return xstrndup(slash + 1, (size_t)(close - slash - 1));
}

/* No frame names anyone: what the text names. An assertion's source path,
 * or a world named after a driver's thread. */
static void
culprit_from_text(struct psod_crash *c)
{
    bool vmware = false;
    char *m = psod_module_of_path(c->message, &vmware);
    const char *why = "the source file the panic message names";
    if (m == NULL) {
        m = psod_vendor_module_of_world(c->world_name);
        why = "the world the crash ran in is named after this driver";
    }
    if (m != NULL) {
        set_culprit(c, vmware ? CULPRIT_VMKERNEL : CULPRIT_DRIVER, m, NULL, why);
        free(m);
        return;
    }
    bool hidden = false;
    for (size_t i = 0; i < c->frames.n; i++)
        hidden |= c->frames.v[i].module_hidden;
    set_culprit(c, CULPRIT_NONE, NULL, NULL,
                hidden ? "a web page hid the frames' functions and modules (e-mail protection): "
                         "read the screen or the core dump itself"
                : c->frames.n + c->saved.n > 0 ? "only panic plumbing frames"
                                               : "no backtrace");
}

void
psod_culprit(struct psod_crash *c)
{
    free(c->culprit_module);
    free(c->culprit_function);
    c->culprit_module = c->culprit_function = NULL;
    c->culprit_kind = CULPRIT_NONE;
    c->culprit_why = NULL;
    switch (c->type) {
    case PSOD_MCE:
        set_culprit(c, CULPRIT_HARDWARE, NULL, NULL, "machine check: the hardware");
        return;
    case PSOD_LINT1_NMI:
        set_culprit(c, CULPRIT_HARDWARE, NULL, NULL, "LINT1/NMI: a hardware interrupt");
        return;
    case PSOD_PCIE_ERROR:
        set_culprit(c, CULPRIT_HARDWARE, NULL, NULL, "PCIe fatal error");
        return;
    case PSOD_MANUAL:
        set_culprit(c, CULPRIT_NONE, NULL, NULL, "crash requested by an admin (CrashMe)");
        return;
    case PSOD_LOST_HEARTBEAT:
    case PSOD_OOPS:
        set_culprit(c, CULPRIT_NONE, NULL, NULL, "the service console failed, not a frame");
        return;
    default:
        break;
    }
    if (c->type == PSOD_IOMMU) { /* the device's driver, over the IOMMU handler's frames */
        char *d = iommu_driver(c->message);
        if (d != NULL) {
            set_culprit(c, psod_module_is_vmware(d) ? CULPRIT_VMKERNEL : CULPRIT_DRIVER, d, NULL,
                        "the driver of the device the IOMMU fault names");
            free(d);
            return;
        }
    }
    if (c->type == PSOD_BOOT_DEVICE) {
        set_culprit(c, CULPRIT_HARDWARE, NULL, NULL,
                    "the host lost its boot device (boot media, its controller or path)");
        return;
    }
    const char *own = NULL; /* the first VMware module involved, past the vmkernel */
    for (size_t i = 0; i < c->nmodules_involved; i++) {
        const char *m = c->modules_involved[i];
        if (m == NULL || strcmp(m, "vmkernel") == 0)
            continue;
        if (psod_module_is_vmware(m)) {
            if (own == NULL)
                own = m;
            continue;
        }
        const struct psod_frame *f = frame_of_module(&c->frames, m);
        if (f == NULL)
            f = frame_of_module(&c->saved, m);
        set_culprit(c, CULPRIT_DRIVER, m, f ? f->function : NULL, "Module(s) involved in panic");
        return;
    }
    bool names_only = c->frames.n > 0 && c->saved.n == 0;
    for (size_t i = 0; names_only && i < c->frames.n; i++) {
        const struct psod_frame *f = &c->frames.v[i];
        names_only = f->named;
    }
    if (names_only) { /* functions named in prose: whose they are is not written */
        for (size_t i = 0; i < c->frames.n; i++) {
            /* unless the text names the driver (`tg3 driver`, module-only frames) or
             * writes the function with its module (`Fn@vmkernel#nover+0x36`) */
            const struct psod_frame *f = &c->frames.v[i];
            if (f->module == NULL || *f->module == '\0')
                continue;
            bool vmw = psod_module_is_vmware(f->module);
            set_culprit(c, vmw ? CULPRIT_VMKERNEL : CULPRIT_DRIVER, f->module, f->function,
                        vmw ? "the module the text names with the function"
                            : "the driver the text names");
            return;
        }
        culprit_from_text(c);
        if (c->culprit_kind == CULPRIT_NONE)
            c->culprit_why = "functions named in text, without their modules";
        return;
    }
    if (c->saved.n > 0) {
        struct pick p = pick_frames(&c->saved);
        if (p.kind != CULPRIT_NONE) {
            set_culprit(c, p.kind, p.module, p.f->function,
                        p.kind == CULPRIT_DRIVER ? "saved backtrace of another PCPU: a driver"
                                                 : "saved backtrace of another PCPU: the vmkernel");
            return;
        }
    }
    struct pick p = pick_frames(&c->frames);
    if (p.kind == CULPRIT_DRIVER || (p.kind == CULPRIT_VMKERNEL && own == NULL)) {
        set_culprit(c, p.kind, p.module, p.f->function, p.why);
        return;
    }
    if (own != NULL) {
        const struct psod_frame *f = frame_of_module(&c->frames, own);
        if (f == NULL)
            f = frame_of_module(&c->saved, own);
        set_culprit(c, CULPRIT_VMKERNEL, own, f ? f->function : NULL,
                    "Module(s) involved in panic: a VMware module");
        return;
    }
    culprit_from_text(c);
}
