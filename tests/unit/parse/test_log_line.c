/* test_log_line: the log line prefix reader (src/parse/log/log_line.h) against the
 * verbatim lines of kb/esxi-crash-and-logs.md §2 and of the shared corpus
 * (corpus/esxi, read in place). Every expected value is read off the line
 * text itself: epoch milliseconds come from `date -u -d <time> +%s` (written
 * next to each constant), offsets from counting the bytes of the literal. */
#include "util/diag.h"
#include "parse/log/log_line.h"
#include "t.h"
#include "util/util_mem.h"
#include "source/walk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_TIME INT64_MIN

/* One line and everything log_parse_prefix must say about it ("" = empty span). */
struct row {
    const char *line;
    enum log_format format;
    int64_t ms; /* NO_TIME: has_time false */
    const char *time_text;
    enum log_level level;
    int cpu;
    long long world;
    const char *program, *component, *opid, *host, *uptime;
    bool cont;
    unsigned start;
    const char *body; /* the body starts with this */
};

static const struct row rows[] = {
    /* kb §2.1 5.x-6.x (corpus/esxi/005); 2012-11-01T04:12:00Z = 1351743120 */
    {"2012-11-01T04:12:00.960Z cpu17:4113)NMP: nmp_ThrottleLogForDevice:2318: Cmd 0x28 (...) "
     "to dev \"naa.xxx\" on path \"vmhba2:C0:T0:L6\" Failed: H:0xb D:0x0 P:0x0 Possible sense "
     "data: 0x0 0x0 0x0. Act:NONE",
     LF_VMKERNEL, 1351743120960LL, "2012-11-01T04:12:00.960Z", LL_NONE, 17, 4113, "", "NMP", "", "",
     "", false, 0, "NMP: nmp_ThrottleLogForDevice:2318: Cmd 0x28"},
    /* kb §2.1 warning (corpus/esxi/047); 2012-07-20T04:35:36Z = 1342758936 */
    {"2012-07-20T04:35:36.596Z cpu2:193761)WARNING: Heap: 2525: Heap vmfs3 already at its "
     "maximum size. Cannot expand.",
     LF_VMKERNEL, 1342758936596LL, "2012-07-20T04:35:36.596Z", LL_WARNING, 2, 193761, "", "Heap",
     "", "", "", false, 0, "WARNING: Heap: 2525: "},
    /* kb §2.1 alert (corpus/esxi/049); 2012-11-12T13:23:50Z = 1352726630 */
    {"2012-11-12T13:23:50.765Z cpu2:5000)ALERT: ScsiDeviceIO: 3081: Failed write command to "
     "write-quiesced partition naa.xxx:1",
     LF_VMKERNEL, 1352726630765LL, "2012-11-12T13:23:50.765Z", LL_ALERT, 2, 5000, "",
     "ScsiDeviceIO", "", "", "", false, 0, "ALERT: ScsiDeviceIO: 3081: Failed write"},
    /* kb §2.1 7.0 (corpus/esxi/046); 2022-04-21T20:12:22Z = 1650571942 */
    {"2022-04-21T20:12:22.198Z cpu2:2100850 opID=59976c6a)NvmeDiscover: 670: controller = "
     "nqn.2016-06.io.spdk:cnode1#vmhba65#172.16.1.223:4420",
     LF_VMKERNEL, 1650571942198LL, "2022-04-21T20:12:22.198Z", LL_NONE, 2, 2100850, "",
     "NvmeDiscover", "59976c6a", "", "", false, 0, "NvmeDiscover: 670: controller"},
    /* corpus/esxi/046: `<Subsystem>:<line>` without the blank */
    {"2022-04-21T20:12:22.198Z cpu2:2100850 opID=59976c6a)NVMEPSA:1645 adpater: vmhba65, "
     "action: 0",
     LF_VMKERNEL, 1650571942198LL, "2022-04-21T20:12:22.198Z", LL_NONE, 2, 2100850, "", "NVMEPSA",
     "59976c6a", "", "", false, 0, "NVMEPSA:1645 adpater"},
    /* corpus/esxi/046: no subsystem */
    {"2022-04-21T20:12:22.198Z cpu2:2100850 opID=59976c6a)ns = 1", LF_VMKERNEL, 1650571942198LL,
     "2022-04-21T20:12:22.198Z", LL_NONE, 2, 2100850, "", "", "59976c6a", "", "", false, 0,
     "ns = 1"},
    /* kb §2.1 7.0 (corpus/esxi/014); 2020-10-07T13:07:07Z = 1602076027 */
    {"2020-10-07T13:07:07.014Z cpu10:1001393546 opID=51ed2475)J6: CommitOnDiskTxn:3620: ...",
     LF_VMKERNEL, 1602076027014LL, "2020-10-07T13:07:07.014Z", LL_NONE, 10, 1001393546, "", "J6",
     "51ed2475", "", "", false, 0, "J6: CommitOnDiskTxn:3620: ..."},
    /* kb §2.1 8.0 (lnav sample); 2023-08-08T15:08:36Z = 1691507316 */
    {"2023-08-08T15:08:36.834Z Wa(180) vmkwarning: cpu0:263421 opID=a03fc439)WARNING: Sched: vm "
     "265285: 6404: could not create container group, status: Admission check failed for memory "
     "resource",
     LF_SYSLOG8, 1691507316834LL, "2023-08-08T15:08:36.834Z", LL_WARNING, 0, 263421, "vmkwarning",
     "Sched", "a03fc439", "", "", false, 0, "WARNING: Sched: vm 265285"},
    /* kb §2.1 8.0 without a fraction; 2023-08-08T14:13:55Z = 1691504035 */
    {"2023-08-08T14:13:55Z In(182) vmkernel: VMB: 65: Reserved 4 MPNs starting @ 0x4c1", LF_SYSLOG8,
     1691504035000LL, "2023-08-08T14:13:55Z", LL_INFO, -1, -1, "vmkernel", "VMB", "", "", "", false,
     0, "VMB: 65: Reserved"},
    /* kb §2.1 8.0 as cut in KB 417157 (corpus/esxi/029, indented by 4) */
    {"    In(182) vmkernel: cpu85:19435559)Admission failure in path: "
     "host:system:net:vmxnet3Fastslab-0x430340904fc0",
     LF_SYSLOG8, NO_TIME, "", LL_INFO, 85, 19435559, "vmkernel", "", "", "", "", false, 4,
     "Admission failure in path: host:"},
    /* kb §2.1 3.x/4.x syslog (findbugzero 289902) */
    {"Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)ScsiDeviceIO: 1688: Command 0x28 "
     "to device \"naa.6000...\" failed H:0x1 D:0x0 P:0x3 Possible sense data: 0x0 0x0 0x0.",
     LF_ESX_CLASSIC, NO_TIME, "Mar 9 23:53:24", LL_NONE, 3, 4300, "vmkernel", "ScsiDeviceIO", "",
     "esx405", "2:14:39:54.069", false, 0, "ScsiDeviceIO: 1688: Command 0x28"},
    /* kb §2.1 boot marker (corpus/esxi/006, tab-indented) */
    {"\tTSC: 0 cpu0:0)Boot: 167: Parsing boot option module /useropts.gz", LF_TSC, NO_TIME, "",
     LL_NONE, 0, 0, "", "Boot", "", "", "", false, 1, "Boot: 167: Parsing"},
    /* a 20-digit TSC (no overflow) */
    {"TSC: 12345678901234567890 cpu0:0)Boot: 1: x", LF_TSC, NO_TIME, "", LL_NONE, 0, 0, "", "Boot",
     "", "", "", false, 0, "Boot: 1: x"},
    /* corpus/esxi/052 line 1: bare uptime */
    {"19:26:42.068 cpu0:4103)NMP: nmp_CompleteCommandForPath: Command 0x28 (0x4100070e8e80) to NMP "
     "device \"naa.********************\" failed on physical path \"vmhba2:C0:T1:L27\" H:0x8 "
     "D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0",
     LF_UPTIME, NO_TIME, "", LL_NONE, 0, 4103, "", "NMP", "", "", "19:26:42.068", false, 0,
     "NMP: nmp_CompleteCommandForPath:"},
    /* log_line.h: days in the uptime */
    {"42:14:02:29.347 cpu0:1024)body", LF_UPTIME, NO_TIME, "", LL_NONE, 0, 1024, "", "", "", "",
     "42:14:02:29.347", false, 0, "body"},
    /* kb §2.2 pre-5.0 (SDK guide); 2008-05-07T09:50:04Z = 1210153804, no zone: UTC */
    {"[2008-05-07 09:50:04.857 'SOAP' 2260 trivia] Received soap response from [...]", LF_HOSTD_4,
     1210153804857LL, "2008-05-07 09:50:04.857", LL_TRIVIA, -1, -1, "", "SOAP", "", "", "", false,
     0, "Received soap response"},
    /* kb §2.2 pre-5.0 (lnav); 2011-04-01T15:14:34Z = 1301670874 */
    {"[2011-04-01 15:14:34.203 F5A5AB90 info 'vm:/vmfs/volumes/.../Vmotion-test.vmx' "
     "opID=F6FC49D5-000007E6-d] VMotionPrepare: ...",
     LF_HOSTD_4, 1301670874203LL, "2011-04-01 15:14:34.203", LL_INFO, -1, -1, "",
     "vm:/vmfs/volumes/.../Vmotion-test.vmx", "F6FC49D5-000007E6-d", "", "", false, 0,
     "VMotionPrepare: ..."},
    /* kb §2.2 5.x (corpus/esxi/048, indented); 2013-08-12T13:48:25Z = 1376315305 */
    {"    2013-08-12T13:48:25.650Z [6FE81B90 info 'ha-eventmgr'] Event 8573 : The file table of "
     "the ramdisk 'root' is full.",
     LF_HOSTD_5, 1376315305650LL, "2013-08-12T13:48:25.650Z", LL_INFO, -1, -1, "", "ha-eventmgr",
     "", "", "", false, 4, "Event 8573 : The file"},
    {"    2013-08-12T13:48:25.645Z [6EEC2B90 error 'Cimsvc'] Connect: Failed to get ticket, not "
     "connected to cimom",
     LF_HOSTD_5, 1376315305645LL, "2013-08-12T13:48:25.645Z", LL_ERROR, -1, -1, "", "Cimsvc", "",
     "", "", false, 4, "Connect: Failed"},
    /* kb §2.2 5.x as cut in the kb (no timestamp) */
    {"[6EEC2B90 error 'Cimsvc'] Connect: Failed to get ticket, not connected to cimom", LF_HOSTD_5,
     NO_TIME, "", LL_ERROR, -1, -1, "", "Cimsvc", "", "", "", false, 0, "Connect: Failed"},
    /* kb §2.2 6.0-7.0 (corpus/esxi/038 line 1); 2019-01-13T08:58:25Z = 1547369905 */
    {"2019-01-13T08:58:25.889Z info hostd[2099863] [Originator@6876 "
     "sub=Vmsvc.vm:/vmfs/volumes/5bdb7b78-27334b79-c9e6-2c600c66a3ff/RHEL70_thick13/"
     "RHEL70_thick13.vmx opID=50e9b1cb-01-dc-96e4 user=vpxuser:AUTO01.LOCAL\\Administrator] Send "
     "config update invoked",
     LF_HOSTD_6, 1547369905889LL, "2019-01-13T08:58:25.889Z", LL_INFO, -1, -1, "hostd",
     "Vmsvc.vm:/vmfs/volumes/5bdb7b78-27334b79-c9e6-2c600c66a3ff/RHEL70_thick13/RHEL70_thick13.vmx",
     "50e9b1cb-01-dc-96e4", "", "", false, 0, "Send config update invoked"},
    /* corpus/esxi/039 line 1: hex thread id; 2017-07-27T03:18:58Z = 1501125538 */
    {"2017-07-27T03:18:58.972Z info hostd[29740B70] [Originator@6876 "
     "sub=Hostsvc.VmkVprobSource] VmkVprobSource::Post event: (vim.event.EventEx) {",
     LF_HOSTD_6, 1501125538972LL, "2017-07-27T03:18:58.972Z", LL_INFO, -1, -1, "hostd",
     "Hostsvc.VmkVprobSource", "", "", "", false, 0, "VmkVprobSource::Post event"},
    /* corpus/esxi/041 line 2: verbose; 2016-11-22T21:17:11Z = 1479849431 */
    {"2016-11-22T21:17:11.989Z verbose hostd[E981B70] [Originator@6876 sub=PropertyProvider "
     "opID=11350fbe-01-02-4a-bf1a user=vpxuser:vpxuser] RecordOp ASSIGN: disabledMethod, 4. Sent "
     "notification immediately.",
     LF_HOSTD_6, 1479849431989LL, "2016-11-22T21:17:11.989Z", LL_VERBOSE, -1, -1, "hostd",
     "PropertyProvider", "11350fbe-01-02-4a-bf1a", "", "", false, 0, "RecordOp ASSIGN"},
    /* a VM folder with blanks in sub= (values run to the next ` key=`) */
    {"2019-01-13T08:58:25.889Z warning hostd[2099863] [Originator@6876 sub=Vmsvc.vm:/vmfs/volumes/"
     "ds1/My VM/My VM.vmx opID=x-1 user=root] Done",
     LF_HOSTD_6, 1547369905889LL, "2019-01-13T08:58:25.889Z", LL_WARNING, -1, -1, "hostd",
     "Vmsvc.vm:/vmfs/volumes/ds1/My VM/My VM.vmx", "x-1", "", "", false, 0, "Done"},
    /* vpxd instance marker (lnav vmw_log `6.0+`); every prefix of it is read too */
    {"[#1] 2019-01-13T08:58:25.889Z info vpxd[7F5A] [Originator@6876 sub=vpxLro opID=x-1] "
     "[VpxLRO] -- BEGIN task",
     LF_HOSTD_6, 1547369905889LL, "2019-01-13T08:58:25.889Z", LL_INFO, -1, -1, "vpxd", "vpxLro",
     "x-1", "", "", false, 0, "[VpxLRO] -- BEGIN"},
    /* ESXi 3.5/4.x /var/log/messages: no host; hostd 4.x inside */
    {"Jul 15 11:44:21 vmkernel: 1:02:41:46.232 cpu9:4264)WARNING: NMP: "
     "nmp_DeviceRequestFastDeviceProbe: x",
     LF_ESX_CLASSIC, NO_TIME, "Jul 15 11:44:21", LL_WARNING, 9, 4264, "vmkernel", "NMP", "", "",
     "1:02:41:46.232", false, 0, "WARNING: NMP:"},
    {"Feb 16 11:39:40 Hostd: [2011-02-16 11:39:40.123 F5A5AB90 verbose 'App'] Hello",
     LF_ESX_CLASSIC, NO_TIME, "Feb 16 11:39:40", LL_VERBOSE, -1, -1, "Hostd", "App", "", "", "",
     false, 0, "Hello"},
    /* 4.x vmware.log */
    {"Nov 08 12:21:16.296: vmx| Log for VMware ESX pid=12345", LF_VMX, NO_TIME,
     "Nov 08 12:21:16.296", LL_NONE, -1, -1, "", "vmx", "", "", "", false, 0, "Log for VMware"},
    /* 7.0 vobd without a correlator; 2019-05-20T10:53:27Z = 1558349607 */
    {"2019-05-20T10:53:27.140Z: No correlator for vob.vmfs.nfs.server.disconnect", LF_VOBD_7,
     1558349607140LL, "2019-05-20T10:53:27.140Z", LL_NONE, -1, -1, "", "", "", "", "", false, 0,
     "No correlator"},
    /* kb §2.2 8.0 (lnav samples); 2022-06-02T02:15:22Z = 1654136122 */
    {"2022-06-02T02:15:22.987Z In(166) Hostd[1001392061]: info -[1001392061] [Originator@6876 "
     "sub=Default] Supported VMs 640",
     LF_SYSLOG8, 1654136122987LL, "2022-06-02T02:15:22.987Z", LL_INFO, -1, -1, "Hostd", "Default",
     "", "", "", false, 0, "Supported VMs 640"},
    /* 2022-06-02T03:20:05Z = 1654140005 */
    {"2022-06-02T03:20:05.107Z Db(167) Hostd[1001392035]: [Originator@6876 sub=AdapterServer "
     "opID=531c52d7-9d8a sid=52806149 user=vpxuser:<no user>] New request: "
     "target='vim.HostSystem:ha-host', method='retrieveInternalCapability'",
     LF_SYSLOG8, 1654140005107LL, "2022-06-02T03:20:05.107Z", LL_DEBUG, -1, -1, "Hostd",
     "AdapterServer", "531c52d7-9d8a", "", "", false, 0, "New request: target="},
    /* 8.0 `[+]` and `+` continuation markers (lnav esx_syslog) */
    {"2022-06-02T02:15:22.987Z In(14)[+] vmsyslogd[2099185]: second part", LF_SYSLOG8,
     1654136122987LL, "2022-06-02T02:15:22.987Z", LL_INFO, -1, -1, "vmsyslogd", "", "", "", "",
     true, 0, "second part"},
    {"2022-06-02T02:15:22.987Z Er(11)+ hostd-probe[2099185]: more", LF_SYSLOG8, 1654136122987LL,
     "2022-06-02T02:15:22.987Z", LL_ERROR, -1, -1, "hostd-probe", "", "", "", "", true, 0, "more"},
    /* kb §2.2 start header (corpus/esxi/040 line 1, trailing blanks); 2017-01-22T16:44:58Z =
       1485103498 */
    {"2017-01-22T16:44:58.386Z Section for VMware ESX, pid=34652, version=6.0.0, build=3620759, "
     "option=Release    ",
     LF_ISO, 1485103498386LL, "2017-01-22T16:44:58.386Z", LL_NONE, -1, -1, "", "", "", "", "",
     false, 0, "Section for VMware ESX"},
    /* shell.log (corpus/esxi/048); 2013-08-12T13:55:30Z = 1376315730 */
    {"    2013-08-12T13:55:30Z shell[3389987]: [root]: services.sh restart", LF_ISO,
     1376315730000LL, "2013-08-12T13:55:30Z", LL_NONE, -1, -1, "shell", "", "", "", "", false, 4,
     "[root]: services.sh restart"},
    /* kb §2.2 multi-line (corpus/esxi/039) */
    {"-->    key = 713370816,", LF_CONTINUATION, NO_TIME, "", LL_NONE, -1, -1, "", "", "", "", "",
     true, 0, "key = 713370816,"},
    /* kb §2.3 vobd 7.0 and 8.0 (corpus/esxi/051, masked) */
    {"2025-MM-DDThh:mm:ss.483Z: [UserLevelCorrelator] 1019369886505us: "
     "[vob.user.ssh.session.opened] SSH session was opened for '[email protected]'.",
     LF_VOBD_7, NO_TIME, "2025-MM-DDThh:mm:ss.483Z", LL_NONE, -1, -1, "", "UserLevelCorrelator", "",
     "", "1019369886505us", false, 0, "[vob.user.ssh.session.opened] SSH"},
    {"2025-MM-DDThh:mm:ss.737Z In(14) vobd[2097521]:  [UserLevelCorrelator] 1012726884193us: "
     "[vob.user.ssh.session.closed] SSH session was closed for '[email protected]'.",
     LF_SYSLOG8, NO_TIME, "2025-MM-DDThh:mm:ss.737Z", LL_INFO, -1, -1, "vobd",
     "UserLevelCorrelator", "", "", "1012726884193us", false, 0, "[vob.user.ssh.session.closed]"},
    /* kb §2.4 vmware.log (corpus/esxi/042); 2014-07-14T14:52:13Z = 1405349533 */
    {"2014-07-14T14:52:13.883Z| vmx| I120: E1000: Failed to init MAC backend", LF_VMX,
     1405349533883LL, "2014-07-14T14:52:13.883Z", LL_INFO, -1, -1, "", "vmx", "", "", "", false, 0,
     "E1000: Failed to init MAC backend"},
    {"2014-07-14T14:52:13.883Z| vcpu-0| W115: USBGL: failed to submit urb", LF_VMX, 1405349533883LL,
     "2014-07-14T14:52:13.883Z", LL_WARNING, -1, -1, "", "vcpu-0", "", "", "", false, 0,
     "USBGL: failed"},
    /* offsets: 2020-04-05T09:55:50+03:00 = 1586069750 */
    {"2020-04-05T09:55:50.160+03:00| vmui| I125: started", LF_VMX, 1586069750160LL,
     "2020-04-05T09:55:50.160+03:00", LL_INFO, -1, -1, "", "vmui", "", "", "", false, 0, "started"},
    {"2020-04-05T09:55:50.160+03:00| vmx| I125+ Module DevicePowerOn power on failed.", LF_VMX,
     1586069750160LL, "2020-04-05T09:55:50.160+03:00", LL_INFO, -1, -1, "", "vmx", "", "", "", true,
     0, "Module DevicePowerOn"},
    /* 5.0 vmware.log: no level; `E1000:` is the message, not a level */
    {"2014-07-14T14:52:13.883Z| vmx| E1000: Failed to init MAC backend", LF_VMX, 1405349533883LL,
     "2014-07-14T14:52:13.883Z", LL_NONE, -1, -1, "", "vmx", "", "", "", false, 0, "E1000: Failed"},
    /* 8.0 vmware.log */
    {"2014-07-14T14:52:13.883Z Wa(03) vcpu-1 - Guest: stalled", LF_VMX, 1405349533883LL,
     "2014-07-14T14:52:13.883Z", LL_WARNING, -1, -1, "", "vcpu-1", "", "", "", false, 0,
     "Guest: stalled"},
    /* masked KB timestamps (corpus/esxi/011, indented by 4) */
    {"    YYYY-MM-DDTHH:MM:SS.114Z cpu58:40848027)ALERT: MCA: 200: SRAR Excp G7 B1 XXXXXX Cache "
     "Hierarchy: Level 0 Data Cache DataRead Error.",
     LF_VMKERNEL, NO_TIME, "YYYY-MM-DDTHH:MM:SS.114Z", LL_ALERT, 58, 40848027, "", "MCA", "", "",
     "", false, 4, "ALERT: MCA: 200:"},
    /* corpus/esxi/004: tab, printk priority, no subsystem; 2017-09-30T17:26:50Z = 1506792410 */
    {"\t2017-09-30T17:26:50.881Z cpu1:65936)<3>e1000e 0000:00:1f.6: vmnic0: Reset adapter "
     "unexpectedly",
     LF_VMKERNEL, 1506792410881LL, "2017-09-30T17:26:50.881Z", LL_ERROR, 1, 65936, "", "", "", "",
     "", false, 1, "<3>e1000e 0000:00:1f.6"},
    /* 2017-02-22T16:25:09Z = 1487780709 */
    {"\t2017-02-22T16:25:09.994Z cpu2:65908)INFO (ne1000): false RX hang detected on vmnic0",
     LF_VMKERNEL, 1487780709994LL, "2017-02-22T16:25:09.994Z", LL_NONE, 2, 65908, "", "", "", "",
     "", false, 1, "INFO (ne1000)"},
    {"\t2017-09-30T17:26:50.881Z cpu1:65936)WARNING: at "
     "vmkdrivers/src_92/vmklinux_92/vmware/linux_net.c:3717/netdev_watchdog() (inside vmklinux)",
     LF_VMKERNEL, 1506792410881LL, "2017-09-30T17:26:50.881Z", LL_WARNING, 1, 65936, "", "", "", "",
     "", false, 1, "WARNING: at vmkdrivers"},
    /* an invalid date: still the format, no time */
    {"2019-02-29T08:58:25.889Z cpu1:2)Init: 1: x", LF_VMKERNEL, NO_TIME, "2019-02-29T08:58:25.889Z",
     LL_NONE, 1, 2, "", "Init", "", "", "", false, 0, "Init: 1: x"},
    /* long fractions keep ms; negative offsets: 2019-02-28T23:58:25-05:30 = 1551418105 */
    {"2019-02-28T23:58:25.123456789-05:30 cpu1:2)x", LF_VMKERNEL, 1551418105123LL,
     "2019-02-28T23:58:25.123456789-05:30", LL_NONE, 1, 2, "", "", "", "", "", false, 0, "x"},
    /* negatives: prose, a pasted backtrace, a device id */
    {"Every couple of days we would see one of our ESXi host disconnect", LF_UNKNOWN, NO_TIME, "",
     LL_NONE, -1, -1, "", "", "", "", "", false, 0, "Every couple"},
    {"    ALERT: Heap: 2746: Unable to complete wait for non-empty heap     (worldGroup.2611820): "
     "Timeout",
     LF_UNKNOWN, NO_TIME, "", LL_NONE, -1, -1, "", "", "", "", "", false, 4, "ALERT: Heap"},
    {"0x45390391bc00:[0x420038114d31]PanicvPanicInt@vmkernel#nover+0x1f5 stack: 0x100", LF_UNKNOWN,
     NO_TIME, "", LL_NONE, -1, -1, "", "", "", "", "", false, 0, "0x4539"},
    {"naa.600508e000000000c9f6baa7c19f6900", LF_UNKNOWN, NO_TIME, "", LL_NONE, -1, -1, "", "", "",
     "", "", false, 0, "naa.600508e0"},
    {"In the log: nothing", LF_UNKNOWN, NO_TIME, "", LL_NONE, -1, -1, "", "", "", "", "", false, 0,
     "In the log"},
    {"[LikewiseGetDomainJoinInfo:355] QueryInformation(): ERROR_FILE_NOT_FOUND (2/0):", LF_UNKNOWN,
     NO_TIME, "", LL_NONE, -1, -1, "", "", "", "", "", false, 0, "[Likewise"},
    {"  \t ", LF_UNKNOWN, NO_TIME, "", LL_NONE, -1, -1, "", "", "", "", "", false, 4, ""},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* The text of a span, valid until the 8th next call. */
static const char *
sp(const char *s, struct log_span x)
{
    static char ring[8][512];
    static unsigned next;
    char *b = ring[next++ % 8];
    size_t n = x.len < sizeof(ring[0]) - 1 ? x.len : sizeof(ring[0]) - 1;
    memcpy(b, s + x.off, n);
    b[n] = '\0';
    return b;
}

static bool
span_in(struct log_span x, size_t n)
{
    return x.off <= n && x.len <= n - x.off;
}

/* What holds for any line of any length. */
static bool
sane(const struct log_prefix *p, size_t n)
{
    return p->start <= p->body && p->body <= n && span_in(p->time_text, n) &&
           span_in(p->uptime, n) && span_in(p->program, n) && span_in(p->component, n) &&
           span_in(p->opid, n) && span_in(p->host, n) && (unsigned)p->format < LF__COUNT &&
           (unsigned)p->level < LL__COUNT && (p->has_time || p->time_ms == 0);
}

static void
check_row(const struct row *r)
{
    const char *s = r->line;
    size_t n = strlen(s);
    struct log_prefix p;
    bool ok = log_parse_prefix(s, n, &p);
    const char *d = t_fmt("%.50s", s);
    T_EQ_STR(t_fmt("%s: format", d), log_format_name(p.format), log_format_name(r->format));
    T_EQ_INT(t_fmt("%s: return", d), ok, r->format != LF_UNKNOWN);
    T_CHECK(t_fmt("%s: sane", d), sane(&p, n));
    T_EQ_INT(t_fmt("%s: has_time", d), p.has_time, r->ms != NO_TIME);
    if (r->ms != NO_TIME)
        T_EQ_INT(t_fmt("%s: time_ms", d), p.time_ms, r->ms);
    T_EQ_STR(t_fmt("%s: time_text", d), sp(s, p.time_text), r->time_text);
    T_EQ_STR(t_fmt("%s: level", d), log_level_name(p.level), log_level_name(r->level));
    T_EQ_INT(t_fmt("%s: cpu", d), p.cpu, r->cpu);
    T_EQ_INT(t_fmt("%s: world", d), p.world, r->world);
    T_EQ_STR(t_fmt("%s: program", d), sp(s, p.program), r->program);
    T_EQ_STR(t_fmt("%s: component", d), sp(s, p.component), r->component);
    T_EQ_STR(t_fmt("%s: opid", d), sp(s, p.opid), r->opid);
    T_EQ_STR(t_fmt("%s: host", d), sp(s, p.host), r->host);
    T_EQ_STR(t_fmt("%s: uptime", d), sp(s, p.uptime), r->uptime);
    T_EQ_INT(t_fmt("%s: continuation", d), p.continuation, r->cont);
    T_EQ_INT(t_fmt("%s: start", d), p.start, r->start);
    if (T_CHECK(t_fmt("%s: body in the line", d), p.body <= n))
        T_EQ_STR(t_fmt("%s: body", d), t_fmt("%.*s", (int)strlen(r->body), s + p.body), r->body);
}

/* Every prefix of a line, each in a buffer of exactly its length (ASan sees
 * a read of s[m]): sane, never another format, and once the byte after the
 * timestamp is in, the same time as the whole line. */
static void
check_prefixes(const struct row *r)
{
    size_t n = strlen(r->line);
    struct log_prefix whole;
    log_parse_prefix(r->line, n, &whole);
    size_t time_end = whole.time_text.off + whole.time_text.len;
    int bad = 0;
    for (size_t m = 0; m <= n && bad == 0; m++) {
        char *b = xmalloc(m ? m : 1);
        memcpy(b, r->line, m);
        struct log_prefix p;
        log_parse_prefix(b, m, &p);
        size_t next = log_next_record(b, m, p.start + 1);
        bad += !T_CHECK(t_fmt("%.40s cut at %zu: sane", r->line, m), sane(&p, m));
        bad += !T_CHECK(t_fmt("%.40s cut at %zu: next record in range", r->line, m),
                        next >= (p.start + 1 < m ? p.start + 1 : m) && next <= m);
        bad += !T_CHECK(t_fmt("%.40s cut at %zu: format %s", r->line, m, log_format_name(p.format)),
                        p.format == whole.format || p.format == LF_UNKNOWN || p.format == LF_ISO ||
                            (whole.format == LF_VMX && p.format == LF_SYSLOG8));
        if (whole.has_time && m > time_end && p.format != LF_UNKNOWN)
            bad += !T_EQ_INT(t_fmt("%.40s cut at %zu: time", r->line, m), p.time_ms, whole.time_ms);
        free(b);
    }
}

/* kb §2 / corpus/esxi/049 line 1 and /052 line 5: two records on one line. */
static void
test_next_record(void)
{
    static const char l049[] =
        "    2012-11-12T13:23:50.765Z cpu2:5000)ALERT: ScsiDeviceIO: 3081: Failed write command to "
        "write-quiesced partition naa.xxx:1 2012-11-12T13:23:50.765Z cpu2:5000)ScsiDeviceIO: "
        "2291: Cmd(0x4124011f9b40) 0x28, CmdSN 0x405e from world 5000 to dev \"naa.xxx\" failed "
        "H:0x8 D:0x0 P:0x0";
    static const char l052[] =
        "2011-04-04T21:07:30.257Z cpu2:2050)ScsiDeviceIO: 2315: Cmd(0x4124003edb00) 0x12, CmdSN "
        "0x51 to dev \"naa.600508e000000000c9f6baa7c19f6900\" failed H:0x0 D:0x2 P:0x0 Valid sense "
        "data: 0x5 0x24 0x0.Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)ScsiDeviceIO: "
        "1688: Command 0x28 to device \"naa.60000970000292600219533031453245\" failed H:0x1 D:0x0 "
        "P:0x3 Possible sense data: 0x0 0x0 0x0.";
    size_t n = sizeof(l049) - 1;
    /* 4 blanks + 24 (time) + 1 + 11 (`cpu2:5000)`) + 85 (`ALERT: ... naa.xxx:1 `) = 125 */
    size_t at = log_next_record(l049, n, 5);
    T_EQ_INT("049: second record offset", at, 125);
    T_EQ_STR("049: second record text", t_fmt("%.35s", l049 + at),
             "2012-11-12T13:23:50.765Z cpu2:5000)");
    T_EQ_INT("049: no third record", log_next_record(l049, n, at + 1), n);
    T_EQ_INT("049: the first record is not a second one", log_next_record(l049, n, 0), 125);
    T_EQ_INT("049: nor from its blanks", log_next_record(l049, n, 1), 125);
    struct log_prefix p;
    log_parse_prefix(l049 + at, n - at, &p);
    T_EQ_STR("049: second record format", log_format_name(p.format), "vmkernel");
    T_EQ_STR("049: second record component", sp(l049 + at, p.component), "ScsiDeviceIO");
    log_parse_prefix(l049, at, &p);
    T_EQ_STR("049: first record level", log_level_name(p.level), "alert");

    n = sizeof(l052) - 1;
    /* `0x0.Mar`: after the 194 bytes up to and including the '.' */
    at = log_next_record(l052, n, 1);
    T_EQ_INT("052: second record offset", at, 194);
    T_EQ_STR("052: second record text", t_fmt("%.14s", l052 + at), "Mar 9 23:53:24");
    T_EQ_INT("052: no third record", log_next_record(l052, n, at + 1), n);
    log_parse_prefix(l052 + at, n - at, &p);
    T_EQ_STR("052: second record format", log_format_name(p.format), "esx-classic");
    T_EQ_STR("052: second record host", sp(l052 + at, p.host), "esx405");
    T_EQ_INT("052: second record cpu", p.cpu, 3);

    /* digits inside words and ids never start a record */
    static const char ids[] = "dev naa.600508e000000000c9f6baa7c19f6900 and 5091de63-2683f5a0-1ea1 "
                              "or x2012-11-12T13:23:50.765Z cpu2:5000)y";
    T_EQ_INT("ids: no record", log_next_record(ids, sizeof(ids) - 1, 1), sizeof(ids) - 1);
    /* a second record at every offset from 2 to 100 (the 16-byte steps and
     * the bytes after them), behind prose full of lookalikes: capitals and
     * digits inside words, `Mar` and `2019-` that start no record */
    static const char pad[] = "xMar 9 aBc9 D:0x2 z2011-04-04T21:07:30.257Z cpu2:2050)y Sep iD0 "
                              "k2019-01-13T08:5 ZZZZ-ZZ-Z, Mon Tue OK";
    static const char rec2[] = "2011-04-04T21:07:30.257Z cpu2:2050)ScsiDeviceIO: 2315: failed";
    for (size_t off = 2; off <= 100; off++) { /* at 1 it would follow blanks: the first record */
        char line[256];
        memcpy(line, pad, off); /* pad is longer than any off */
        line[off - 1] = ' ';
        memcpy(line + off, rec2, sizeof(rec2));
        size_t len = off + sizeof(rec2) - 1;
        char desc[64];
        snprintf(desc, sizeof desc, "second record at offset %zu", off);
        T_EQ_INT(desc, log_next_record(line, len, 1), off);
        snprintf(desc, sizeof desc, "no record in the first %zu bytes", off);
        T_EQ_INT(desc, log_next_record(line, off, 1), off);
    }
    /* a quoted timestamp in a hostd dump is no record */
    static const char quoted[] = "-->    createdTime = \"1970-01-01T00:00:00Z\",";
    T_EQ_INT("quoted: no record", log_next_record(quoted, sizeof(quoted) - 1, 1),
             sizeof(quoted) - 1);
    /* a bare ISO time in prose is no record either (LF_ISO is not a start) */
    static const char prose[] = "It failed at 2019-01-13T08:58:25.889Z again";
    T_EQ_INT("prose: no record", log_next_record(prose, sizeof(prose) - 1, 1), sizeof(prose) - 1);
    /* vmx, hostd-6 and 8.0 records are found too */
    static const char mixed[] =
        "x 2014-07-14T14:52:13.883Z| vmx| I120: a; 2019-01-13T08:58:25.889Z "
        "info hostd[1] [Originator@6876 sub=X] b 2023-08-08T14:13:55Z "
        "In(182) vmkernel: c";
    size_t m = sizeof(mixed) - 1, a1 = log_next_record(mixed, m, 1),
           a2 = log_next_record(mixed, m, a1 + 1), a3 = log_next_record(mixed, m, a2 + 1);
    T_EQ_INT("mixed: vmx record", a1, 2);
    T_EQ_INT("mixed: hostd record", a2, 42);
    T_EQ_INT("mixed: syslog8 record", a3, 107);
    T_EQ_INT("mixed: no fourth", log_next_record(mixed, m, a3 + 1), m);
    T_EQ_INT("from past the end", log_next_record(mixed, m, m + 5), m);
}

static void
test_iso(void)
{
    static const struct {
        const char *s;
        int64_t ms; /* NO_TIME: rejected */
    } iso[] = {
        {"2012-11-01T04:12:00.960Z", 1351743120960LL}, /* date: 1351743120 */
        {"2012-11-01T04:12:00.960", 1351743120960LL},  /* no zone: UTC */
        {"2012-11-01 04:12:00.96", 1351743120960LL},   /* a space for T; 2 digits */
        {"2012-11-01T04:12:00.9", 1351743120900LL},
        {"2012-11-01T04:12:00.9609999Z", 1351743120960LL},
        {"2012-11-01T04:12", 1351743120000LL},
        {"2012-11-01", 1351728000000LL},                    /* 2012-11-01T00:00:00Z = 1351728000 */
        {"2020-04-05T09:55:50.160+03:00", 1586069750160LL}, /* 1586069750 */
        {"2020-04-05T09:55:50.160+0300", 1586069750160LL},
        {"2020-04-05T06:55:50.160-00:00", 1586069750160LL},
        {"2000-02-29T12:00:00Z", 951825600000LL}, /* leap day: 951825600 */
        {"1970-01-01T00:00:00Z", 0},
        {"1969-12-31T23:59:59.999Z", -1},                /* -1 s + 999 ms */
        {"9999-12-31T23:59:59.999Z", 253402300799999LL}, /* 253402300799 */
        {"0000-01-01T00:00:00Z", -62167219200000LL},     /* -62167219200 */
        {"2019-02-29", NO_TIME},
        {"1900-02-29", NO_TIME},
        {"2019-13-01", NO_TIME},
        {"2019-00-10", NO_TIME},
        {"2019-01-32", NO_TIME},
        {"2019-01-01T24:00", NO_TIME},
        {"2019-01-01T10:60", NO_TIME},
        {"2019-01-01T10:00:61", NO_TIME},
        {"2019-01-01T10:00:00+24:00", NO_TIME},
        {"2019-01-01T10:00:00.5Zx", NO_TIME},
        {"2019-01-01T", NO_TIME},
        {"YYYY-MM-DDTHH:MM:SS.114Z", NO_TIME},
        {"19-01-01", NO_TIME},
        {"", NO_TIME},
    };
    for (size_t i = 0; i < sizeof(iso) / sizeof(iso[0]); i++) {
        int64_t ms = 12345;
        bool ok = log_parse_iso(iso[i].s, strlen(iso[i].s), &ms);
        T_EQ_INT(t_fmt("parse_iso '%s'", iso[i].s), ok, iso[i].ms != NO_TIME);
        if (ok && iso[i].ms != NO_TIME)
            T_EQ_INT(t_fmt("parse_iso '%s' ms", iso[i].s), ms, iso[i].ms);
    }
    /* reads exactly n bytes */
    int64_t ms;
    T_CHECK("parse_iso: a prefix is a date", log_parse_iso("2019-01-01T10:00:00Z", 10, &ms));
    T_EQ_INT("parse_iso: a prefix is a date, ms", ms, 1546300800000LL); /* 1546300800 */

    char out[25];
    log_format_iso(1351743120960LL, out);
    T_EQ_STR("format_iso", out, "2012-11-01T04:12:00.960Z");
    log_format_iso(0, out);
    T_EQ_STR("format_iso epoch", out, "1970-01-01T00:00:00.000Z");
    log_format_iso(-1, out);
    T_EQ_STR("format_iso -1", out, "1969-12-31T23:59:59.999Z");
    log_format_iso(951825600000LL, out);
    T_EQ_STR("format_iso leap day", out, "2000-02-29T12:00:00.000Z");
    log_format_iso(INT64_MAX, out);
    T_EQ_STR("format_iso clamps high", out, "9999-12-31T23:59:59.999Z");
    log_format_iso(INT64_MIN, out);
    T_EQ_STR("format_iso clamps low", out, "0000-01-01T00:00:00.000Z");

    /* round trip from 1970 to 9999 in uneven steps (crosses leap days and centuries) */
    int bad = 0;
    for (int64_t t = 0; t < 253402300799999LL && bad == 0; t += 7919LL * 86400000 + 3600007) {
        log_format_iso(t, out);
        bad += !T_CHECK(t_fmt("round trip %lld", (long long)t),
                        log_parse_iso(out, 24, &ms) && ms == t);
    }
}

static void
test_names(void)
{
    for (int f = 0; f < LF__COUNT; f++)
        T_CHECK(t_fmt("format %d has a name", f), log_format_name((enum log_format)f) != NULL);
    T_EQ_STR("format name vmkernel", log_format_name(LF_VMKERNEL), "vmkernel");
    T_EQ_STR("format name esx-classic", log_format_name(LF_ESX_CLASSIC), "esx-classic");
    T_EQ_STR("format name continuation", log_format_name(LF_CONTINUATION), "continuation");
    T_EQ_STR("format name unknown", log_format_name(LF_UNKNOWN), "unknown");
    T_EQ_STR("level none", log_level_name(LL_NONE), NULL);
    T_EQ_STR("level trivia", log_level_name(LL_TRIVIA), "trivia");
    T_EQ_STR("level emergency", log_level_name(LL_EMERGENCY), "emergency");
    for (int l = 1; l < LL__COUNT; l++)
        T_CHECK(t_fmt("level %d has a name", l), log_level_name((enum log_level)l) != NULL);
}

/* Expected per-file counts of the first record of each physical line, read
 * off the files with grep (see the comments). */
static const struct {
    const char *file;
    int lines, timed, splits;
    int n[LF__COUNT];
} files[] = {
    /* 004: 17 tab-indented vmkernel lines, the e1000e register dump is prose */
    {"004.txt", 23, 17, 0, {[LF_VMKERNEL] = 17, [LF_UNKNOWN] = 6}},
    {"005.txt", 17, 10, 0, {[LF_VMKERNEL] = 10, [LF_UNKNOWN] = 7}},
    {"006.txt", 18, 14, 0, {[LF_VMKERNEL] = 14, [LF_TSC] = 1, [LF_UNKNOWN] = 3}},
    /* 011: masked `YYYY-MM-DDTHH:MM:SS.114Z` lines keep their format, no time */
    {"011.txt", 13, 0, 0, {[LF_VMKERNEL] = 6, [LF_UNKNOWN] = 7}},
    /* 019: PSOD text and an unprefixed ALERT line */
    {"019.txt", 19, 0, 0, {[LF_UNKNOWN] = 19}},
    {"023.txt", 2, 0, 0, {[LF_UNKNOWN] = 2}},
    /* 029: four `In(182) vmkernel: cpu85:...` lines, timestamp cut by the KB */
    {"029.txt", 12, 0, 0, {[LF_SYSLOG8] = 4, [LF_UNKNOWN] = 8}},
    {"038.txt", 4, 4, 0, {[LF_HOSTD_6] = 4}},
    {"039.txt", 24, 1, 0, {[LF_HOSTD_6] = 1, [LF_CONTINUATION] = 23}},
    {"040.txt", 4, 3, 0, {[LF_ISO] = 1, [LF_HOSTD_6] = 2, [LF_UNKNOWN] = 1}},
    {"041.txt", 6, 6, 0, {[LF_HOSTD_6] = 6}},
    {"042.txt", 4, 4, 0, {[LF_VMX] = 4}},
    {"044.txt", 12, 12, 0, {[LF_VMKERNEL] = 12}},
    {"046.txt", 11, 11, 0, {[LF_VMKERNEL] = 11}},
    {"048.txt",
     21,
     4,
     0,
     {[LF_ISO] = 1, [LF_HOSTD_5] = 3, [LF_CONTINUATION] = 7, [LF_UNKNOWN] = 10}},
    {"049.txt", 15, 15, 1, {[LF_VMKERNEL] = 15}},
    {"050.txt", 3, 3, 0, {[LF_VMKERNEL] = 3}},
    {"051.txt", 7, 0, 0, {[LF_VOBD_7] = 1, [LF_SYSLOG8] = 1, [LF_UNKNOWN] = 5}},
    {"052.txt", 5, 1, 1, {[LF_UPTIME] = 4, [LF_VMKERNEL] = 1}},
};

static void
check_file(const char *dir, size_t fi)
{
    char *path = xasprintf("%s/%s", dir, files[fi].file);
    struct diags d = DIAGS_INIT;
    char *data = NULL;
    size_t len = 0;
    if (T_CHECK(t_fmt("%s readable", path),
                read_small_file(path, 1u << 22, &data, &len, &d) == 0)) {
        int lines = 0, timed = 0, splits = 0, n[LF__COUNT] = {0};
        for (size_t a = 0; a < len;) {
            const char *e = memchr(data + a, '\n', len - a);
            size_t end = e ? (size_t)(e - data) : len;
            const char *s = data + a;
            size_t ln = end - a;
            struct log_prefix p;
            log_parse_prefix(s, ln, &p);
            lines++;
            n[p.format]++;
            timed += p.has_time;
            T_CHECK(t_fmt("%s line %d: sane", files[fi].file, lines), sane(&p, ln));
            for (size_t r = log_next_record(s, ln, p.start + 1); r < ln;
                 r = log_next_record(s, ln, r + 1)) {
                struct log_prefix q;
                log_parse_prefix(s + r, ln - r, &q);
                splits++;
                T_CHECK(t_fmt("%s line %d: record at %zu has a time", files[fi].file, lines, r),
                        q.has_time || q.format == LF_ESX_CLASSIC);
            }
            a = end + 1;
        }
        T_EQ_INT(t_fmt("%s lines", files[fi].file), lines, files[fi].lines);
        T_EQ_INT(t_fmt("%s timed lines", files[fi].file), timed, files[fi].timed);
        T_EQ_INT(t_fmt("%s run-together records", files[fi].file), splits, files[fi].splits);
        for (int f = 0; f < LF__COUNT; f++)
            T_EQ_INT(t_fmt("%s %s lines", files[fi].file, log_format_name((enum log_format)f)),
                     n[f], files[fi].n[f]);
    }
    free(data);
    diags_release(&d);
    free(path);
}

/* corpus/esxi in place: a missing file fails the checks; a missing folder is
 * a counted skip outside CI (t_have_shared). */
static void
test_corpus_lines(void)
{
    char *dir = xasprintf("%s/corpus/esxi", t_shared);
    if (!t_have_shared(dir, "log line formats of corpus/esxi")) {
        free(dir);
        return;
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        check_file(dir, i);
    free(dir);
}

int
test_log_line(void)
{
    int failed = t_failed;
    for (size_t i = 0; i < NROWS; i++) {
        check_row(&rows[i]);
        check_prefixes(&rows[i]);
    }
    test_next_record();
    test_iso();
    test_names();
    test_corpus_lines();
    return t_failed - failed;
}
