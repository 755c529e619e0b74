/* test_vsphere: the streaming reader of vSphere SOAP responses and the
 * mapping of API objects to .vmx documents. Response shapes are those of
 * shared/kb/vcsim-exchange.xml (vcsim writes xsi:type with the prefix
 * `XMLSchema-instance`); device classes and their .vmx values are the list
 * of issue 17 and kb/vmx.md. Without the vSphere client: skipped. */
#include "t.h"

#ifdef VT_VSPHERE
#include "parse/vmx/vmx_parse.h"
#include "record/vm.h"
#include "record/vm_vsphere.h"
#include "source/vsphere_xml.h"

#include <stdlib.h>
#include <string.h>

#define ENV_OPEN                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope "                               \
    "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "                                 \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define ENV_CLOSE "</soapenv:Body></soapenv:Envelope>"
#define XSI "xmlns:XMLSchema-instance=\"http://www.w3.org/2001/XMLSchema-instance\""

static const char vm_object[] =
    "<objects><obj type=\"VirtualMachine\">vm-57</obj>"
    "<propSet><name>name</name><val " XSI " XMLSchema-instance:type=\"xsd:string\">web \"1\"</val></propSet>"
    "<propSet><name>config.guestId</name><val " XSI
    " XMLSchema-instance:type=\"xsd:string\">windows9Server64Guest</val></propSet>"
    "<propSet><name>config.version</name><val " XSI
    " XMLSchema-instance:type=\"xsd:string\">vmx-15</val></propSet>"
    "<propSet><name>config.nestedHVEnabled</name><val " XSI
    " XMLSchema-instance:type=\"xsd:boolean\">false</val></propSet>"
    "<propSet><name>config.hardware.device</name><val " XSI
    " XMLSchema-instance:type=\"ArrayOfVirtualDevice\">"
    "<VirtualDevice XMLSchema-instance:type=\"VirtualLsiLogicController\"><key>1000</key>"
    "<busNumber>1</busNumber></VirtualDevice>"
    "<VirtualDevice XMLSchema-instance:type=\"VirtualDisk\"><key>2000</key>"
    "<controllerKey>1000</controllerKey><unitNumber>3</unitNumber></VirtualDevice>"
    "<VirtualDevice XMLSchema-instance:type=\"VirtualE1000\"><key>4000</key></VirtualDevice>"
    "<VirtualDevice foo:type=\"VirtualVmxnet3\" xmlns:foo=\"urn:other\"><key>4001</key></VirtualDevice>"
    "</val></propSet>"
    "<propSet><name>config.extraConfig</name><val " XSI
    " XMLSchema-instance:type=\"ArrayOfOptionValue\"><OptionValue><key>guestinfo.a</key>"
    "<value>x|y#z</value></OptionValue><OptionValue><key>virtualHW.version</key><value>4</value>"
    "</OptionValue></val></propSet>"
    "<missingSet><path>config.firmware</path><fault><fault xsi:type=\"NoPermission\">"
    "</fault></fault></missingSet></objects>";

struct seen {
    int objects;
    char *vmx;
    char *denied;
    char *xtype4; /* xsi:type of the 4th device */
};

static int
on_object(void *arg, const struct vs_node *obj)
{
    struct seen *s = arg;
    s->objects++;
    struct vsphere_vm vm;
    vsphere_vm_read(obj, &vm);
    free(s->vmx);
    s->vmx = strdup(vm.vmx);
    free(s->denied);
    s->denied = vm.ndenied ? strdup(vm.denied[0]) : NULL;
    vsphere_vm_release(&vm);
    const struct vs_node *dev = NULL;
    for (const struct vs_node *c = obj->child; c; c = c->next)
        if (strcmp(c->name, "propSet") == 0 && strcmp(vs_text(c, "name"), "config.hardware.device") == 0)
            dev = vs_child(c, "val");
    const struct vs_node *d4 = dev && dev->child && dev->child->next && dev->child->next->next
                                   ? dev->child->next->next->next
                                   : NULL;
    free(s->xtype4);
    s->xtype4 = d4 && d4->xtype ? strdup(d4->xtype) : NULL;
    return 0;
}

/* Feeds `text` in pieces of `piece` bytes. */
static int
read_all(const char *text, size_t piece, struct seen *s, struct vs_reader **out)
{
    struct vs_reader *r = vs_reader_new(on_object, s);
    size_t len = strlen(text);
    int rc = 0;
    for (size_t off = 0; off < len && rc == 0; off += piece)
        rc = vs_reader_feed(r, text + off, len - off < piece ? len - off : piece);
    if (rc == 0)
        rc = vs_reader_end(r);
    *out = r;
    return rc;
}

static void
test_reader(void)
{
    char doc[8192];
    snprintf(doc, sizeof(doc),
             ENV_OPEN "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval>"
                      "<token>tok-1</token>%s%s</returnval></RetrievePropertiesExResponse>" ENV_CLOSE,
             vm_object, vm_object);
    size_t pieces[] = {1, 7, 4096};
    for (size_t i = 0; i < 3; i++) {
        struct seen s = {0};
        struct vs_reader *r;
        int rc = read_all(doc, pieces[i], &s, &r);
        T_EQ_INT(t_fmt("pieces of %zu: read", pieces[i]), rc, 0);
        T_EQ_INT(t_fmt("pieces of %zu: both objects handed over", pieces[i]), s.objects, 2);
        T_EQ_STR(t_fmt("pieces of %zu: the token stays in the tree", pieces[i]),
                 vs_text(vs_reader_response(r), "returnval/token"), "tok-1");
        T_CHECK(t_fmt("pieces of %zu: objects are not kept", pieces[i]),
                vs_path(vs_reader_response(r), "returnval/objects") == NULL);
        T_EQ_STR("xsi:type read by namespace URI, not by prefix: a foo:type is no xsi:type",
                 s.xtype4, NULL);
        T_EQ_STR("a refused property named with its fault", s.denied, "config.firmware: NoPermission");
        vs_reader_free(r);
        if (i == 2) {
            T_CHECK("vmx: guestId -> guestOS", strstr(s.vmx, "guestOS = \"windows9srv-64\"\n"));
            T_CHECK("vmx: vmx-15 -> virtualHW.version", strstr(s.vmx, "virtualHW.version = \"15\"\n"));
            T_CHECK("vmx: an explicit nestedHVEnabled false writes vhv.enable FALSE",
                    strstr(s.vmx, "vhv.enable = \"FALSE\"\n"));
            T_CHECK("vmx: LSI Logic on bus 1", strstr(s.vmx, "scsi1.virtualDev = \"lsilogic\"\n"));
            T_CHECK("vmx: the disk on scsi1:3", strstr(s.vmx, "scsi1:3.present = \"TRUE\"\n"));
            T_CHECK("vmx: the e1000 is ethernet0", strstr(s.vmx, "ethernet0.virtualDev = \"e1000\"\n"));
            T_CHECK("vmx: a device of no known class is left out", !strstr(s.vmx, "ethernet1"));
            T_CHECK("vmx: the display name's quotes escaped", strstr(s.vmx, "displayName = \"web |221|22\"\n"));
            T_CHECK("vmx: extraConfig keys, '|' and '#' escaped", strstr(s.vmx, "guestinfo.a = \"x|7Cy|23z\"\n"));
            T_CHECK("vmx: an extraConfig key never overrides a property (virtualHW.version)",
                    !strstr(s.vmx, "virtualHW.version = \"4\""));
            struct diags d = DIAGS_INIT;
            struct vmx_doc *vd = vmx_parse(s.vmx, strlen(s.vmx), "vc", &d);
            T_EQ_INT("vmx: the written document parses without error", diags_count(&d, DIAG_ERROR), 0);
            struct vm *vm = vm_from_vmx_checked(vd, "/DC/vm/web", &d);
            T_EQ_STR("record: the display name unescaped", vm->name, "web \"1\"");
            T_EQ_STR("record: extraConfig value unescaped", vmx_get(vm->doc, "guestinfo.a"), "x|y#z");
            T_EQ_INT("record: one present NIC", vm->nnics, 1);
            T_EQ_INT("record: the disk counted on its controller", vm->nctrls == 1 ? vm->ctrls[0].disks : -1, 1);
            vm_free(vm);
            diags_release(&d);
        }
        free(s.vmx);
        free(s.denied);
        free(s.xtype4);
    }
}

static void
test_fault_and_truncation(void)
{
    const char *fault = ENV_OPEN "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
                                 "<faultstring>Login failure</faultstring><detail><InvalidLoginFault "
                                 "xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\"></InvalidLoginFault>"
                                 "</detail></soapenv:Fault>" ENV_CLOSE;
    struct seen s = {0};
    struct vs_reader *r;
    T_EQ_INT("fault: a whole reply", read_all(fault, 5, &s, &r), 0);
    const char *msg = NULL, *type = NULL;
    T_CHECK("fault: recognised", vs_reader_fault(r, &msg, &type));
    T_EQ_STR("fault: its faultstring", msg, "Login failure");
    T_EQ_STR("fault: its detail's xsi:type", type, "InvalidLogin");
    vs_reader_free(r);

    /* Every proper prefix of a reply is an error: never a reply read in full. */
    size_t len = strlen(fault), truncated = 0, failed = 0;
    char *cut = malloc(len + 1);
    for (size_t n = 0; n < len; n++) {
        memcpy(cut, fault, n);
        cut[n] = '\0';
        int rc = read_all(cut, 3, &s, &r);
        failed += rc != 0 && vs_reader_error(r) != NULL;
        truncated += vs_reader_truncated(r);
        vs_reader_free(r);
    }
    free(cut);
    T_EQ_INT("truncation: every prefix of a reply fails with a message", failed, len);
    T_CHECK("truncation: prefixes that end inside the envelope say 'truncated'", truncated > len / 2);

    const char *notsoap = "<html><body>hello</body></html>";
    T_CHECK("not SOAP: refused", read_all(notsoap, 64, &s, &r) != 0 && strstr(vs_reader_error(r), "SOAP"));
    vs_reader_free(r);

    char deep[4096] = ENV_OPEN "<R>";
    size_t dl = strlen(deep);
    for (int i = 0; i < 60; i++, dl += 3)
        memcpy(deep + dl, "<a>", 4);
    T_CHECK("nesting past the cap: refused", read_all(deep, 64, &s, &r) != 0 &&
                                                 strstr(vs_reader_error(r), "deeper"));
    vs_reader_free(r);
}

static void
test_device_map(void)
{
    static const struct {
        const char *cls, *vmx;
        bool nic;
    } want[] = {
        {"VirtualE1000", "e1000", true},         {"VirtualE1000e", "e1000e", true},
        {"VirtualVmxnet3", "vmxnet3", true},     {"VirtualVmxnet2", "vmxnet", true},
        {"VirtualVmxnet", "vmxnet", true},       {"VirtualPCNet32", "vlance", true},
        {"ParaVirtualSCSIController", "pvscsi", false},
        {"VirtualLsiLogicController", "lsilogic", false},
        {"VirtualLsiLogicSASController", "lsisas1068", false},
        {"VirtualBusLogicController", "buslogic", false},
        {"VirtualNVMEController", "nvme", false}, {"VirtualAHCIController", "sata", false},
        {"VirtualIDEController", "ide", false},   {"VirtualKeyboard", NULL, false},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        bool nic = !want[i].nic;
        T_EQ_STR(t_fmt("device class %s", want[i].cls), vsphere_device_vmx(want[i].cls, &nic), want[i].vmx);
        T_EQ_INT(t_fmt("device class %s: NIC or not", want[i].cls), nic, want[i].nic);
    }
}

/* One ObjectContent (`props`: its propSet/missingSet elements) read with fn. */
static void
read_one(const char *mtype, const char *props, vs_object_fn fn, void *arg)
{
    char *doc = NULL;
    size_t n = strlen(props) + 1024;
    doc = malloc(n);
    snprintf(doc, n,
             ENV_OPEN "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects>"
                      "<obj type=\"%s\">x-1</obj>%s</objects></returnval>"
                      "</RetrievePropertiesExResponse>" ENV_CLOSE,
             mtype, props);
    struct vs_reader *r = vs_reader_new(fn, arg);
    int rc = vs_reader_feed(r, doc, strlen(doc));
    T_EQ_INT(t_fmt("%s object read", mtype), rc == 0 ? vs_reader_end(r) : rc, 0);
    vs_reader_free(r);
    free(doc);
}

static int
keep_vm(void *arg, const struct vs_node *obj)
{
    vsphere_vm_read(obj, arg);
    return 0;
}

static int
keep_entity(void *arg, const struct vs_node *obj)
{
    vsphere_entity_read(obj, arg);
    return 0;
}

#define PROP(name, xtype, val)                                                                     \
    "<propSet><name>" name "</name><val " XSI " XMLSchema-instance:type=\"" xtype "\">" val          \
    "</val></propSet>"
#define MASK(body) "<HostCpuIdInfo XMLSchema-instance:type=\"HostCpuIdInfo\">" body "</HostCpuIdInfo>"

/* config.nestedHVEnabled: absent, false, true (vSphere API ConfigInfo
 * nestedHVEnabled "need not be set"; vcsim leaves an unset one out). */
static void
test_nested_hv(void)
{
    static const struct {
        const char *props, *want;
        int nested;
    } c[] = {
        {PROP("config.guestId", "xsd:string", "otherGuest"), NULL, -1},
        {PROP("config.nestedHVEnabled", "xsd:boolean", "false"), "vhv.enable = \"FALSE\"\n", 0},
        {PROP("config.nestedHVEnabled", "xsd:boolean", "true"), "vhv.enable = \"TRUE\"\n", 1},
    };
    for (size_t i = 0; i < 3; i++) {
        struct vsphere_vm vm = {0};
        read_one("VirtualMachine", c[i].props, keep_vm, &vm);
        if (c[i].want)
            T_CHECK(t_fmt("nestedHVEnabled case %zu: %s", i, c[i].want), vm.vmx && strstr(vm.vmx, c[i].want));
        else
            T_CHECK("nestedHVEnabled absent: no vhv.enable key (unknown, not FALSE)",
                    vm.vmx && !strstr(vm.vmx, "vhv.enable"));
        T_EQ_INT(t_fmt("nestedHVEnabled case %zu: nested_hv", i), vm.nested_hv, c[i].nested);
        vsphere_vm_release(&vm);
    }
}

/* config.cpuFeatureMask: HostCpuIdInfo level is an xsd:int, so leaf
 * 0x80000001 is -2147483647 (2147483649 - 2^32); the .vmx key names the leaf
 * in hex as cpuid_mask.c reads it. */
static void
test_cpuid_masks(void)
{
    struct vsphere_vm vm = {0};
    read_one("VirtualMachine",
             PROP("config.guestId", "xsd:string", "otherGuest")
                 PROP("config.cpuFeatureMask", "ArrayOfHostCpuIdInfo",
                      MASK("<level>1</level><ecx>----:----:0---:----:----:----:----:----</ecx>"
                           "<edx>1---:----:----:----:----:----:----:----</edx>")
                          MASK("<level>-2147483647</level><ecx>----:----:----:----:----:----:----:-0--</ecx>")
                              MASK("<level>7</level><vendor>amd</vendor><ebx>----:----:----:----:----:----:--0-:----</ebx>")
                                  MASK("<level>abc</level><eax>0000:0000:0000:0000:0000:0000:0000:0000</eax>")
                                      MASK("<level>4294967296</level><eax>0000:0000:0000:0000:0000:0000:0000:0000</eax>")
                                          MASK("<ecx>0000:0000:0000:0000:0000:0000:0000:0000</ecx>")),
             keep_vm, &vm);
    T_CHECK("cpuFeatureMask: level 1 ECX is cpuid.1.ecx",
            vm.vmx && strstr(vm.vmx, "cpuid.1.ecx = \"----:----:0---:----:----:----:----:----\"\n"));
    T_CHECK("cpuFeatureMask: each register set is written (EDX too)",
            vm.vmx && strstr(vm.vmx, "cpuid.1.edx = \"1---:"));
    T_CHECK("cpuFeatureMask: an unset register is no key", vm.vmx && !strstr(vm.vmx, "cpuid.1.eax"));
    T_CHECK("cpuFeatureMask: level -2147483647 is cpuid.80000001.ecx",
            vm.vmx && strstr(vm.vmx, "cpuid.80000001.ecx = \"----:----:----:----:----:----:----:-0--\"\n"));
    T_CHECK("cpuFeatureMask: a vendor's mask is not written", vm.vmx && !strstr(vm.vmx, "cpuid.7."));
    T_CHECK("cpuFeatureMask: no level, a level that is no number or past 32 bits: skipped",
            vm.vmx && !strstr(vm.vmx, "eax") && !strstr(vm.vmx, "cpuid.0.") && !strstr(vm.vmx, "cpuid.100000000"));
    struct diags d = DIAGS_INIT;
    struct vmx_doc *doc = vmx_parse(vm.vmx, vm.vmx_len, "api", &d);
    struct vm *rec = vm_from_vmx_checked(doc, "api", &d);
    const char *want[] = {"svm", "popcnt"}; /* cpuid_mask.c's table order: vmx, svm, ..., popcnt */
    T_EQ_INT("record: the masks hide two features", rec->ncpuid_hidden, 2);
    for (size_t i = 0; i < 2 && i < rec->ncpuid_hidden; i++)
        T_EQ_STR(t_fmt("record: hidden feature %zu", i), rec->cpuid_hidden[i], want[i]);
    vm_free(rec);
    diags_release(&d);
    vsphere_vm_release(&vm);
}

/* HostCapabilityFtUnsupportedReason cpuHvDisabled / cpuHvUnsupported as HV
 * Support 2 / 0; no other value says anything about it. */
static void
test_host_hv(void)
{
    static const struct {
        const char *props;
        int hv;
        const char *source;
    } c[] = {
        {PROP("capability.ftCompatibilityIssues", "ArrayOfString",
              "<string>ftNotLicensed</string><string>cpuHvDisabled</string>"),
         2, "capability.ftCompatibilityIssues: cpuHvDisabled"},
        {PROP("capability.smpFtCompatibilityIssues", "ArrayOfString", "<string>cpuHvUnsupported</string>"), 0,
         "capability.smpFtCompatibilityIssues: cpuHvUnsupported"},
        {PROP("capability.ftCompatibilityIssues", "ArrayOfString",
              "<string>missingVMotionNic</string><string>cpuHwmmuUnsupported</string>"),
         -1, NULL},
        {PROP("capability.nestedHVSupported", "xsd:boolean", "true"), -1, NULL},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        struct vsphere_entity e = {0};
        read_one("HostSystem", c[i].props, keep_entity, &e);
        T_EQ_INT(t_fmt("host case %zu: HV Support", i), e.hv_support, c[i].hv);
        T_EQ_STR(t_fmt("host case %zu: its source", i), e.hv_source, c[i].source);
        vsphere_entity_release(&e);
    }
    struct vsphere_entity e = {0};
    read_one("HostSystem",
             PROP("config.product", "AboutInfo",
                  "<name>VMware ESXi</name><version>7.0.3</version><build>21424296</build>"),
             keep_entity, &e);
    T_EQ_STR("host: config.product when summary.config.product is missing", e.build, "21424296");
    vsphere_entity_release(&e);
}

int
test_vsphere(void)
{
    int before = t_failed;
    test_nested_hv();
    test_cpuid_masks();
    test_host_hv();
    test_reader();
    test_fault_and_truncation();
    test_device_map();
    return t_failed - before;
}
#else
int
test_vsphere(void)
{
    t_skip("vsphere: built without the vSphere client (VSPHERE=0)");
    return 0;
}
#endif
