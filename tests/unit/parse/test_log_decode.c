/* test_log_decode: the two pure log decoders, log_scsi (status triplets,
 * sense data, CDB opcodes and their names) and log_entity (devices, paths,
 * NICs, datastores, VMs named by a line).
 *
 * Every sample line is copied verbatim from a public source named next to it
 * (shared kb/esxi-crash-and-logs.md §4, the shared corpus/esxi files, the KB
 * and blog pages found by search); the expected numbers are read off the
 * text, the expected words come from the tables cited in src/parse/log/log_scsi.c.
 * Lines marked "synthetic" are made up to hit one edge. Each line is also fed
 * at every prefix length from an exact-size heap copy, so ASan catches any
 * read past n. The corpus files are read in place from the shared folder. */
#include "parse/log/log_entity.h"
#include "parse/log/log_scsi.h"
#include "t.h"
#include "util/util_mem.h"
#include "source/walk.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- log_scsi ---- */

/* One line and what scsi_parse must read from it (-1: absent). */
struct scsi_case {
    const char *src;
    const char *line;
    bool present;
    int host, device, plugin;
    bool has_sense, valid;
    int key, asc, ascq;
    int opcode;
};

static const struct scsi_case scsi_cases[] = {
    /* kb §4.1 verbatim (corpus/esxi/043 in the kb's numbering) */
    {"kb 4.1 ScsiDeviceIO 0x1a",
     "ScsiDeviceIO: 2962: Cmd(0x439500b02d00) 0x1a, CmdSN 0x12ad from world 0 to dev "
     "\"naa.6001405fc65b3e55557495ba9c92bda3\" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x2 "
     "0x8 0x0.",
     true, 0x0, 0x2, 0x0, true, true, 0x2, 0x8, 0x0, 0x1a},
    /* kb §4.1 4.x form, corpus/esxi/052 line 4 has it with a time prefix */
    {"052 line 4",
     "23:45:36.239 cpu11:22687)NMP: nmp_CompleteCommandForPath: Command 0x28 (0x41000b10f000) to "
     "NMP device \"naa.********************\" failed on physical path \"vmhba3:C0:T2:L10\" H:0x0 "
     "D:0x2 P:0x0 Valid sense data: 0x2 0x4 0x3",
     true, 0x0, 0x2, 0x0, true, true, 0x2, 0x4, 0x3, 0x28},
    /* corpus/esxi/005 line 4 (leading tab as in the file) */
    {"005 line 4",
     "\t2012-11-01T04:12:00.960Z cpu17:4113)NMP: nmp_ThrottleLogForDevice:2318: Cmd 0x28 "
     "(0x41244109c100, 12535) to dev \"naa.xxx\" on path \"vmhba2:C0:T0:L6\" Failed: H:0xb D:0x0 "
     "P:0x0 Possible sense data: 0x0 0x0 0x0. Act:NONE",
     true, 0xb, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x28},
    /* corpus/esxi/005 line 7 */
    {"005 line 7",
     "\t2012-11-01T04:12:00.960Z cpu17:4113)ScsiDeviceIO: 2309: Cmd(0x4124403c11c0) 0x2a, CmdSN "
     "0x80000025 from world 12535 to dev \"naa.xxx\" failed H:0xb D:0x0 P:0x0 Possible sense "
     "data: 0x0 0x0 0x0.",
     true, 0xb, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x2a},
    /* corpus/esxi/005 line 11: RESERVE(6) aborted */
    {"005 line 11",
     "\t2012-11-01T04:12:16.969Z cpu12:4108)ScsiDeviceIO: 2322: Cmd(0x4124403ab000) 0x16, CmdSN "
     "0x2646 from world 0 to dev \"naa.xxx\" failed H:0x5 D:0x0 P:0x0 Possible sense data: 0x0 "
     "0x0 0x0.",
     true, 0x5, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x16},
    /* corpus/esxi/049 line 1: two records in one line, no sense data */
    {"049 line 1",
     "    2012-11-12T13:23:50.765Z cpu2:5000)ALERT: ScsiDeviceIO: 3081: Failed write command to "
     "write-quiesced partition naa.xxx:1 2012-11-12T13:23:50.765Z cpu2:5000)ScsiDeviceIO: 2291: "
     "Cmd(0x4124011f9b40) 0x28, CmdSN 0x405e from world 5000 to dev \"naa.xxx\" failed H:0x8 "
     "D:0x0 P:0x0",
     true, 0x8, 0x0, 0x0, false, false, -1, -1, -1, 0x28},
    /* corpus/esxi/052 lines 1-3 (KB 337796) */
    {"052 line 1",
     "19:26:42.068 cpu0:4103)NMP: nmp_CompleteCommandForPath: Command 0x28 (0x4100070e8e80) to "
     "NMP device \"naa.********************\" failed on physical path \"vmhba2:C0:T1:L27\" H:0x8 "
     "D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0",
     true, 0x8, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x28},
    {"052 line 2",
     "00:13:23.910 cpu20:4251)NMP: nmp_CompleteCommandForPath: Command 0x2a (0x4100010bf9c0) to "
     "NMP device \"naa.********************\" failed on physical path \"vmhba3:C0:T0:L4\" H:0x5 "
     "D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0",
     true, 0x5, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x2a},
    {"052 line 3",
     "03:44:19.039 cpu4:4100)NMP: nmp_CompleteCommandForPath: Command 0x2a (0x4100020e0b00) to "
     "NMP device \"naa.********************\"failed on physical path \"vmhba2:C0:T0:L152\" H:0x2 "
     "D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0",
     true, 0x2, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x2a},
    /* corpus/esxi/052 line 5 (KB 289902 mirror): two records run together; the
     * first triplet and the opcode of its record (INQUIRY) win */
    {"052 line 5",
     "2011-04-04T21:07:30.257Z cpu2:2050)ScsiDeviceIO: 2315: Cmd(0x4124003edb00) 0x12, CmdSN 0x51 "
     "to dev \"naa.600508e000000000c9f6baa7c19f6900\" failed H:0x0 D:0x2 P:0x0 Valid sense data: "
     "0x5 0x24 0x0.Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)ScsiDeviceIO: 1688: "
     "Command 0x28 to device \"naa.60000970000292600219533031453245\" failed H:0x1 D:0x0 P:0x3 "
     "Possible sense data: 0x0 0x0 0x0.",
     true, 0x0, 0x2, 0x0, true, true, 0x5, 0x24, 0x0, 0x12},
    /* the second record of that line alone: `Command 0x28 to device` */
    {"052 line 5, 2nd record",
     "Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)ScsiDeviceIO: 1688: Command 0x28 "
     "to device \"naa.60000970000292600219533031453245\" failed H:0x1 D:0x0 P:0x3 Possible sense "
     "data: 0x0 0x0 0x0.",
     true, 0x1, 0x0, 0x3, true, false, 0x0, 0x0, 0x0, 0x28},
    /* KB 309543 H:0x1 example */
    {"KB 309543 NO_CONNECT",
     "vmkernel: 27:10:19:24.190 cpu1:4552)NMP: nmp_CompleteCommandForPath: Command 0x2a "
     "(0x41000504e500) to NMP device \"naa.********************\" failed on physical path "
     "\"vmhba1:C0:T1:L0\" H:0x1 D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0.",
     true, 0x1, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x2a},
    /* KB 338435 CONDITION MET example: no sense data */
    {"KB 338435 CONDITION MET",
     "vmkernel: 0:00:42:28.062 cpu5:4112)ScsiDeviceIO: SCSIAsyncDeviceCommand:2077: Error Inject: "
     "Command 0x2a to device \"naa.600601600f6021002cfb75ea2bc6de11\" failed H:0x0 D:0x4 P:0x0",
     true, 0x0, 0x4, 0x0, false, false, -1, -1, -1, 0x2a},
    /* zhengwu.org 2014-02 "How to decode ESXi 5.x SCSI error code" (kb §4.1 0x4 0x44 0x0) */
    {"zhengwu 0x4 0x44",
     "2014-02-11T07:18:20.541Z cpu8:425351)ScsiDeviceIO: 2331: Cmd(0x4124425bc700) 0x2a, CmdSN "
     "0xd5 from world 602789 to dev \"naa.514f0c5c11a00025\" failed H:0x0 D:0x2 P:0x0 Valid "
     "sense data: 0x4 0x44 0x0",
     true, 0x0, 0x2, 0x0, true, true, 0x4, 0x44, 0x0, 0x2a},
    /* blog.csdn.net 93068850 copy of the same line: `0×0` (U+00D7) is not a number */
    {"csdn multiplication signs",
     "2014-02-11T07:18:20.541Z cpu8:425351)ScsiDeviceIO: 2331: Cmd(0x4124425bc700) 0x2a, CmdSN "
     "0xd5 from world 602789 to dev \xe2\x80\x9cnaa.514f0c5c11a00025\xe2\x80\xb3 failed "
     "H:0\xc3\x97"
     "0 D:0\xc3\x97"
     "2 P:0\xc3\x97"
     "0 Valid sense data: 0\xc3\x97"
     "4 0\xc3\x97"
     "44 0\xc3\x97"
     "0",
     false, -1, -1, -1, false, false, -1, -1, -1, 0x2a},
    /* abtis.de "SCSI Sense Codes erklaert": ATS (COMPARE AND WRITE) miscompare; German quotes */
    {"abtis ATS miscompare",
     "2016-06-28T13:15:56.432Z cpu31:33451)ScsiDeviceIO: 2651: Cmd(0x43a617083a00) 0x89, CmdSN "
     "0x1a236 from world 34269 to dev \xe2\x80\x9enaa.6000d31000bd23000000000000000007\xe2\x80\x9c "
     "failed H:0x0 D:0x2 P:0x0 Valid sense data: 0xe 0x1d 0x0.",
     true, 0x0, 0x2, 0x0, true, true, 0xe, 0x1d, 0x0, 0x89},
    /* kb.pocnet.net "SCSI-Fehler auf Vmware ESXi mit HP Smart Array Controllern" */
    {"pocnet Cmd 0x85",
     "2015-01-06T13:33:12.828Z cpu1:16590)NMP: nmp_ThrottleLogForDevice:2346: Cmd 0x85 "
     "(0x4124008154c0, 3268) to dev \"naa.600508b1001c872c079296d6e2be22e4\" on path "
     "\"vmhba2:C0:T0:L1\" Failed: H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x20 0x0. Act:NONE",
     true, 0x0, 0x2, 0x0, true, true, 0x5, 0x20, 0x0, 0x85},
    {"pocnet Cmd() 0x4d",
     "2015-01-06T13:33:12.839Z cpu0:62543)ScsiDeviceIO: 2358: Cmd(0x4124008154c0) 0x4d, CmdSN "
     "0x76 from world 3268 to dev \"naa.600508b1001c872c079296d6e2be22e4\" failed H:0x0 D:0x2 "
     "P:0x0 Valid sense data: 0x5 0x20 0x0.",
     true, 0x0, 0x2, 0x0, true, true, 0x5, 0x20, 0x0, 0x4d},
    /* elatov 2012-08 "quick troubleshooting step for pathing issues": `0x0.Act:EVAL` */
    {"elatov Act:EVAL",
     "2010-10-30T02:20:55.013Z cpu14:4110)NMP: nmp_ThrottleLogForDevice:2318: Cmd 0x28 "
     "(0x412441199080) to dev \"naa.60a9800064655a77524a6c4938685950\" on path "
     "\"vmhba2:C0:T1:L1\" Failed: H:0x8 D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0.Act:EVAL",
     true, 0x8, 0x0, 0x0, true, false, 0x0, 0x0, 0x0, 0x28},
    /* github daattali/beautiful-jekyll _drafts/2018-06-07-faulty-hba-troubleshooting.md:
     * markdown bold around the triplet */
    {"daattali H:0x7 bold",
     "2018-06-07T08:02:43.154Z cpu44:32881)ScsiDeviceIO: 2369: Cmd(0x412e80405cc0) 0x28, CmdSN "
     "0xbf from world 34443 to dev \"naa.60000970000XXXXXXXXXXXXXX0363941\" failed **H:0x7 D:0x0 "
     "P:0x0** Possible sense data: 0x0 0x0 0x0.",
     true, 0x7, 0x0, 0x0, false, false, -1, -1, -1, 0x28},
    /* virten.net decoder example, `[...]` elision after the opcode */
    {"virten example",
     "ScsiDeviceIO: [...] Cmd(0x439500ac0f80) 0x1a [...] to dev \"naa.x\" failed H:0x0 D:0x2 "
     "P:0x0 Valid sense data: 0x5 0x24 0x0.",
     true, 0x0, 0x2, 0x0, true, true, 0x5, 0x24, 0x0, 0x1a},
    /* KB 289902: ESX 3.5 `status = 0/8 0x0 0x0 0x0` has no documented mapping here */
    {"ESX 3.5 status =", "WARNING: SCSI: 5663: vmhba0:0:1:1 status = 0/8 0x0 0x0 0x0", false, -1,
     -1, -1, false, false, -1, -1, -1, -1},
    /* kb §4.2 PDL fragment */
    {"kb 4.2 PDL", "H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x25 0x0", true, 0x0, 0x2, 0x0, true,
     true, 0x5, 0x25, 0x0, -1},
    /* synthetic edges */
    {"synthetic upper-case hex, several blanks",
     "failed H:0xB  D:0X0\tP:0x0   Possible sense data:  0x0 0x0 0x0", true, 0xb, 0x0, 0x0, true,
     false, 0x0, 0x0, 0x0, -1},
    {"synthetic H inside a word", "PATH:0x1 D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0", false,
     -1, -1, -1, false, false, -1, -1, -1, -1},
    {"synthetic no P", "failed H:0x0 D:0x2 Valid sense data: 0x5 0x24 0x0", false, -1, -1, -1,
     false, false, -1, -1, -1, -1},
    {"synthetic no blank", "failed H:0x0D:0x2 P:0x0", false, -1, -1, -1, false, false, -1, -1, -1,
     -1},
    {"synthetic 5 hex digits", "failed H:0x12345 D:0x0 P:0x0", false, -1, -1, -1, false, false, -1,
     -1, -1, -1},
    {"synthetic second triplet after a bad one",
     "H:0xzz D:0x0 P:0x0 then H:0x3 D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0", true, 0x3, 0x0,
     0x0, true, false, 0x0, 0x0, 0x0, -1},
    {"synthetic two sense numbers", "failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x2 0x4.", true,
     0x0, 0x2, 0x0, false, false, -1, -1, -1, -1},
    {"synthetic sense byte of 3 digits", "failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x2 0x104 0x0",
     true, 0x0, 0x2, 0x0, false, false, -1, -1, -1, -1},
    {"synthetic CmdSN is no opcode", "ScsiDeviceIO: CmdSN 0x12ad from world 0", false, -1, -1, -1,
     false, false, -1, -1, -1, -1},
    {"synthetic 3-digit opcode", "NMP: Cmd 0x128 (0x41) failed", false, -1, -1, -1, false, false,
     -1, -1, -1, -1},
    {"synthetic Cmd inside a word", "XCmd 0x28 (0x41) failed", false, -1, -1, -1, false, false, -1,
     -1, -1, -1},
    {"synthetic opcode only", "NMP: Cmd 0x28 (0x41244109c100, 12535) to dev", false, -1, -1, -1,
     false, false, -1, -1, -1, 0x28},
    {"synthetic empty", "", false, -1, -1, -1, false, false, -1, -1, -1, -1},
};

#define NSCSI (sizeof(scsi_cases) / sizeof(scsi_cases[0]))

static void
check_scsi_case(const struct scsi_case *c)
{
    struct scsi_status st;
    bool r = scsi_parse(c->line, strlen(c->line), &st);
    const char *d = c->src;
    T_EQ_INT(t_fmt("%s: return", d), r, c->present);
    T_EQ_INT(t_fmt("%s: present", d), st.present, c->present);
    T_EQ_INT(t_fmt("%s: H", d), st.host, c->host);
    T_EQ_INT(t_fmt("%s: D", d), st.device, c->device);
    T_EQ_INT(t_fmt("%s: P", d), st.plugin, c->plugin);
    T_EQ_INT(t_fmt("%s: has_sense", d), st.has_sense, c->has_sense);
    T_EQ_INT(t_fmt("%s: sense_valid", d), st.sense_valid, c->valid);
    T_EQ_INT(t_fmt("%s: key", d), st.key, c->key);
    T_EQ_INT(t_fmt("%s: asc", d), st.asc, c->asc);
    T_EQ_INT(t_fmt("%s: ascq", d), st.ascq, c->ascq);
    T_EQ_INT(t_fmt("%s: opcode", d), st.opcode, c->opcode);
}

/* The words of the sample lines, from the tables cited in log_scsi.c. */
static void
test_scsi_words(void)
{
    struct scsi_status st;
    const char *line = scsi_cases[0].line; /* kb §4.1: 0x1a / 0x2 0x8 0x0 */
    scsi_parse(line, strlen(line), &st);
    T_EQ_STR("kb 4.1 host", scsi_host_status_name(st.host), "OK");
    T_EQ_STR("kb 4.1 device", scsi_device_status_name(st.device), "CHECK CONDITION");
    T_EQ_STR("kb 4.1 key", scsi_sense_key_name(st.key), "NOT READY");
    T_EQ_STR("kb 4.1 asc", scsi_asc_name(st.asc, st.ascq), "LOGICAL UNIT COMMUNICATION FAILURE");
    T_EQ_STR("kb 4.1 opcode", scsi_opcode_name(st.opcode), "MODE SENSE(6)");
    T_CHECK("kb 4.1 not benign", !scsi_sense_benign(st.key, st.asc, st.ascq));
    T_CHECK("kb 4.1 not PDL", !scsi_sense_pdl(st.key, st.asc, st.ascq));

    /* KB 338435 breakdown: 0x2 0x4 0x3 NOT READY / MANUAL INTERVENTION REQUIRED */
    T_EQ_STR("0x4/0x3", scsi_asc_name(0x4, 0x3),
             "LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED");
    /* KB 318712: 0x5 0x25 0x0 is PDL */
    T_EQ_STR("0x5 key", scsi_sense_key_name(0x5), "ILLEGAL REQUEST");
    T_EQ_STR("0x25/0x0", scsi_asc_name(0x25, 0x0), "LOGICAL UNIT NOT SUPPORTED");
    T_CHECK("0x5 0x25 0x0 PDL", scsi_sense_pdl(0x5, 0x25, 0x0));
    T_CHECK("0x5 0x25 0x0 not benign", !scsi_sense_benign(0x5, 0x25, 0x0));
    T_CHECK("0x5 0x25 0x1 not PDL", !scsi_sense_pdl(0x5, 0x25, 0x1));
    T_CHECK("0x2 0x3a 0x0 PDL (medium not present)", scsi_sense_pdl(0x2, 0x3a, 0x0));
    T_EQ_STR("0x3a/0x0", scsi_asc_name(0x3a, 0x0), "MEDIUM NOT PRESENT");
    T_CHECK("0x6 0x3a 0x0 not PDL", !scsi_sense_pdl(0x6, 0x3a, 0x0));
    /* KB 289902 / sexilog #20: 0x5 0x24 0x0 and 0x5 0x20 0x0 benign */
    T_CHECK("0x5 0x24 0x0 benign", scsi_sense_benign(0x5, 0x24, 0x0));
    T_CHECK("0x5 0x20 0x0 benign", scsi_sense_benign(0x5, 0x20, 0x0));
    T_CHECK("0x5 0x24 0x1 not benign", !scsi_sense_benign(0x5, 0x24, 0x1));
    T_CHECK("0x2 0x24 0x0 not benign", !scsi_sense_benign(0x2, 0x24, 0x0));
    T_CHECK("0x5 0x24 0x0 not PDL", !scsi_sense_pdl(0x5, 0x24, 0x0));
    T_EQ_STR("0x24/0x0", scsi_asc_name(0x24, 0x0), "INVALID FIELD IN CDB");
    T_EQ_STR("0x20/0x0", scsi_asc_name(0x20, 0x0), "INVALID COMMAND OPERATION CODE");
    /* kb §4.1 0x4 0x44 0x0 hardware error / internal target failure */
    T_EQ_STR("0x4 key", scsi_sense_key_name(0x4), "HARDWARE ERROR");
    T_EQ_STR("0x44/0x0", scsi_asc_name(0x44, 0x0), "INTERNAL TARGET FAILURE");
    /* abtis ATS miscompare: 0xe 0x1d 0x0 on COMPARE AND WRITE */
    T_EQ_STR("0xe key", scsi_sense_key_name(0xe), "MISCOMPARE");
    T_EQ_STR("0x1d/0x0", scsi_asc_name(0x1d, 0x0), "MISCOMPARE DURING VERIFY OPERATION");
    T_EQ_STR("0x89", scsi_opcode_name(0x89), "COMPARE AND WRITE");
    /* the asks of the brief: 0x27 write protected, 0x29 power on/reset, ... */
    T_EQ_STR("0x27/0x0", scsi_asc_name(0x27, 0x0), "WRITE PROTECTED");
    T_EQ_STR("0x29/0x0", scsi_asc_name(0x29, 0x0), "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED");
    T_EQ_STR("0x2a/0x9", scsi_asc_name(0x2a, 0x9), "CAPACITY DATA HAS CHANGED");
    T_EQ_STR("0x3f/0xe", scsi_asc_name(0x3f, 0xe), "REPORTED LUNS DATA HAS CHANGED");
    T_EQ_STR("0x5d/0x0", scsi_asc_name(0x5d, 0x0), "FAILURE PREDICTION THRESHOLD EXCEEDED");
    T_EQ_STR("0x4/0xa", scsi_asc_name(0x4, 0xa),
             "LOGICAL UNIT NOT ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION");
    T_EQ_STR("unknown asc", scsi_asc_name(0x7f, 0x0), NULL);

    /* kb §4.1 CDB opcodes seen */
    T_EQ_STR("0x28", scsi_opcode_name(0x28), "READ(10)");
    T_EQ_STR("0x2a", scsi_opcode_name(0x2a), "WRITE(10)");
    T_EQ_STR("0x1a", scsi_opcode_name(0x1a), "MODE SENSE(6)");
    T_EQ_STR("0x12", scsi_opcode_name(0x12), "INQUIRY");
    T_EQ_STR("0x16", scsi_opcode_name(0x16), "RESERVE(6)");
    T_EQ_STR("0x85", scsi_opcode_name(0x85), "ATA PASS THROUGH(16)");
    T_EQ_STR("0x4d", scsi_opcode_name(0x4d), "LOG SENSE");
    T_EQ_STR("0xff", scsi_opcode_name(0xff), NULL);

    /* host status: vmkapi names, KB 309543 texts for 0x1 0x2 0x3 0x5 0x8 0xb */
    static const struct {
        int code;
        const char *name;
        bool text;
    } hosts[] = {
        {0x0, "OK", false},       {0x1, "NO_CONNECT", true},   {0x2, "BUS_BUSY", true},
        {0x3, "TIMEOUT", true},   {0x4, "BAD_TARGET", false},  {0x5, "ABORT", true},
        {0x6, "PARITY", false},   {0x7, "ERROR", false},       {0x8, "RESET", true},
        {0x9, "BAD_INTR", false}, {0xa, "PASSTHROUGH", false}, {0xb, "SOFT_ERROR", true},
        {0xc, "RETRY", false},    {0xd, "REQUEUE", false},
    };
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        T_EQ_STR(t_fmt("host 0x%x name", hosts[i].code), scsi_host_status_name(hosts[i].code),
                 hosts[i].name);
        T_EQ_INT(t_fmt("host 0x%x has a text", hosts[i].code),
                 scsi_host_status_text(hosts[i].code) != NULL, hosts[i].text);
    }
    const char *t1 = scsi_host_status_text(0x1);
    T_CHECK("0x1 text begins as the header says",
            t1 && strncmp(t1, "no connection: the LUN is no longer visible", 43) == 0);
    const char *tb = scsi_host_status_text(0xb);
    T_CHECK("0xb text names DID_REQUEUE", tb && strstr(tb, "DID_REQUEUE") != NULL);
    T_EQ_STR("host 0xe", scsi_host_status_name(0xe), NULL);

    /* device status */
    T_EQ_STR("D 0x0", scsi_device_status_name(0x0), "GOOD");
    T_EQ_STR("D 0x4", scsi_device_status_name(0x4), "CONDITION MET");
    T_EQ_STR("D 0x8", scsi_device_status_name(0x8), "BUSY");
    T_EQ_STR("D 0x18", scsi_device_status_name(0x18), "RESERVATION CONFLICT");
    T_EQ_STR("D 0x28", scsi_device_status_name(0x28), "TASK SET FULL");
    T_EQ_STR("D 0x1", scsi_device_status_name(0x1), NULL);

    /* sense keys: all 16 named */
    for (int k = 0; k <= 0xf; k++)
        T_CHECK(t_fmt("sense key 0x%x named", k), scsi_sense_key_name(k) != NULL);
    T_EQ_STR("0x6 key", scsi_sense_key_name(0x6), "UNIT ATTENTION");
    T_EQ_STR("0xb key", scsi_sense_key_name(0xb), "ABORTED COMMAND");

    /* out of range: NULL, never a crash */
    static const int odd[] = {-1, 16, 0x100, INT_MIN, INT_MAX, -0x100};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        int v = odd[i];
        T_EQ_STR(t_fmt("host name %d", v), scsi_host_status_name(v), NULL);
        T_EQ_STR(t_fmt("host text %d", v), scsi_host_status_text(v), NULL);
        T_EQ_STR(t_fmt("key %d", v), scsi_sense_key_name(v), NULL);
        T_EQ_STR(t_fmt("asc %d", v), scsi_asc_name(v, v), NULL);
        T_EQ_STR(t_fmt("opcode %d", v), scsi_opcode_name(v), NULL);
        if (v != 16) /* 0x10 is INTERMEDIATE */
            T_EQ_STR(t_fmt("device %d", v), scsi_device_status_name(v), NULL);
    }
}

/* ---- log_entity ---- */

struct entity_case {
    const char *src;
    const char *line;
    const char *device, *path, *adapter, *nic, *datastore, *vm;
};

static const struct entity_case entity_cases[] = {
    {"005 line 4",
     "\t2012-11-01T04:12:00.960Z cpu17:4113)NMP: nmp_ThrottleLogForDevice:2318: Cmd 0x28 "
     "(0x41244109c100, 12535) to dev \"naa.xxx\" on path \"vmhba2:C0:T0:L6\" Failed: H:0xb D:0x0 "
     "P:0x0 Possible sense data: 0x0 0x0 0x0. Act:NONE",
     "naa.xxx", "vmhba2:C0:T0:L6", NULL, NULL, NULL, NULL},
    {"005 line 10 HBX",
     "\t2012-11-01T04:12:01.299Z cpu2:12086)HBX: 2313: Waiting for timed out [HB state abcdef02 "
     "offset 3964928 gen 59 stampUS 6780917733 uuid 5091de63-2683f5a0-1ea1-e4115baf243b jrnl <FB "
     "60558> drv 14.54] on vol 'Datastore'",
     NULL, NULL, NULL, NULL, "Datastore", NULL},
    {"005 FS3Misc",
     "\t2012-11-01T04:12:47.511Z cpu8:4132)FS3Misc: 1440: Long VMFS3 rsv time on 'Datastore' "
     "(held for 6441 msecs). # R: 1, # W: 1 bytesXfer: 2 sectors",
     NULL, NULL, NULL, NULL, "Datastore", NULL},
    /* 049 line 1: the first device is the partition's, without `:1` */
    {"049 line 1",
     "    2012-11-12T13:23:50.765Z cpu2:5000)ALERT: ScsiDeviceIO: 3081: Failed write command to "
     "write-quiesced partition naa.xxx:1 2012-11-12T13:23:50.765Z cpu2:5000)ScsiDeviceIO: 2291: "
     "Cmd(0x4124011f9b40) 0x28, CmdSN 0x405e from world 5000 to dev \"naa.xxx\" failed H:0x8 "
     "D:0x0 P:0x0",
     "naa.xxx", NULL, NULL, NULL, NULL, NULL},
    /* 049: an unquoted volume is not a datastore name */
    {"049 HBX 231",
     "    2012-11-12T13:23:57.368Z cpu11:4132)HBX: 231: Reclaimed heartbeat for volume "
     "503f6831-a50ea3f0-bc4c-5ef3fcc3abc7 (LUN301): [Timeout] [HB state abcdef02 offset 4063232 "
     "gen 43 stampUS 358012043 uuid 50a0d5d0-96130a3c-4332-e61f131d9a43 jrnl <FB 65400> drv",
     NULL, NULL, NULL, NULL, NULL, NULL},
    {"052 line 1 masked",
     "19:26:42.068 cpu0:4103)NMP: nmp_CompleteCommandForPath: Command 0x28 (0x4100070e8e80) to "
     "NMP device \"naa.********************\" failed on physical path \"vmhba2:C0:T1:L27\" H:0x8 "
     "D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0",
     "naa.********************", "vmhba2:C0:T1:L27", NULL, NULL, NULL, NULL},
    {"052 line 3 quote glued",
     "03:44:19.039 cpu4:4100)NMP: nmp_CompleteCommandForPath: Command 0x2a (0x4100020e0b00) to "
     "NMP device \"naa.********************\"failed on physical path \"vmhba2:C0:T0:L152\" H:0x2 "
     "D:0x0 P:0x0 Possible sense data: 0x0 0x0 0x0",
     "naa.********************", "vmhba2:C0:T0:L152", NULL, NULL, NULL, NULL},
    {"052 line 5",
     "2011-04-04T21:07:30.257Z cpu2:2050)ScsiDeviceIO: 2315: Cmd(0x4124003edb00) 0x12, CmdSN 0x51 "
     "to dev \"naa.600508e000000000c9f6baa7c19f6900\" failed H:0x0 D:0x2 P:0x0 Valid sense data: "
     "0x5 0x24 0x0.Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069 cpu3:4300)ScsiDeviceIO: 1688: "
     "Command 0x28 to device \"naa.60000970000292600219533031453245\" failed H:0x1 D:0x0 P:0x3 "
     "Possible sense data: 0x0 0x0 0x0.",
     "naa.600508e000000000c9f6baa7c19f6900", NULL, NULL, NULL, NULL, NULL},
    /* kb §4.1 masked `naa....` (dots) kept as written */
    {"kb 4.1 naa....",
     "NMP: nmp_ThrottleLogForDevice:3546: last error status from device naa.... repeated 20 times",
     "naa....", NULL, NULL, NULL, NULL, NULL},
    {"044 line 3 adapter=",
     "2017-04-25T07:58:32.242Z cpu2:65970)ScsiPath: 7058: DeletePath : adapter=vmhba64, "
     "channel=7, target=0, lun=0",
     NULL, NULL, "vmhba64", NULL, NULL, NULL},
    {"044 line 7 path",
     "2017-04-25T07:58:32.242Z cpu2:65970)WARNING: ScsiPath: 5165: Path vmhba64:C4:T0:L0 is being "
     "removed",
     NULL, "vmhba64:C4:T0:L0", NULL, NULL, NULL, NULL},
    {"044 line 11 eui",
     "2017-04-25T07:58:32.242Z cpu12:65969)NMP: nmp_UnregisterDeviceEvents:2240: Failed to "
     "unregister events 0x180 from device \"eui.3862626636386531\". Not found",
     "eui.3862626636386531", NULL, NULL, NULL, NULL, NULL},
    {"046 line 1 nvme adapter",
     "2022-04-21T20:12:22.198Z cpu2:2100850 opID=59976c6a)NvmeDiscover: 670: controller = "
     "nqn.2016-06.io.spdk:cnode1#vmhba65#172.16.1.223:4420",
     NULL, NULL, "vmhba65", NULL, NULL, NULL},
    {"046 line 11 eui + path",
     "2022-04-21T20:12:22.198Z cpu4:2097507)HPP: HppClaimPath:3946: Added path "
     "'vmhba65:C0:T0:L0' to logical device 'eui.5372cc0ac8344c669ad91ba7ac111aee'. Total Path "
     "Count 1",
     "eui.5372cc0ac8344c669ad91ba7ac111aee", "vmhba65:C0:T0:L0", NULL, NULL, NULL, NULL},
    {"004 line 1 nic",
     "\t2017-02-22T16:25:09.994Z cpu2:65908)INFO (ne1000): false RX hang detected on vmnic0", NULL,
     NULL, NULL, "vmnic0", NULL, NULL},
    {"004 line 11 <6>vmnic0",
     "\t2017-09-30T17:27:29.238Z cpu4:65938)<6>vmnic0 NIC Link is Up 1000 Mbps Full Duplex, Flow "
     "Control: Rx/Tx",
     NULL, NULL, NULL, "vmnic0", NULL, NULL},
    {"004 line 13 vmnic0-0-tx",
     "\t2017-09-30T17:27:30.509Z cpu6:817863)NetSched: 628: vmnic0-0-tx: worldID = 817863 exits",
     NULL, NULL, NULL, "vmnic0", NULL, NULL},
    {"015 vmnic#",
     "The PSOD error message typically includes: #PF Exception 14 in world "
     "<ID>:vmnic#-pollW IP 0x4200055dde0c addr 0x432acd353000",
     NULL, NULL, NULL, NULL, NULL, NULL},
    {"038 hostd vm",
     "2019-01-13T08:58:25.889Z info hostd[2099863] [Originator@6876 "
     "sub=Vmsvc.vm:/vmfs/volumes/5bdb7b78-27334b79-c9e6-2c600c66a3ff/RHEL70_thick13/"
     "RHEL70_thick13.vmx opID=50e9b1cb-01-dc-96e4 user=vpxuser:AUTO01.LOCAL\\Administrator] Send "
     "config update invoked",
     NULL, NULL, NULL, NULL, NULL,
     "/vmfs/volumes/5bdb7b78-27334b79-c9e6-2c600c66a3ff/RHEL70_thick13/RHEL70_thick13.vmx"},
    /* 041 line 1 is cut before `.vmx`: no VM */
    {"041 cut vm",
     "2016-11-22T21:17:11.989Z info hostd[E981B70] [Originator@6876 "
     "sub=Vmsvc.vm:/vmfs/volumes/5834a33f-379a2af0-dbb1-020006c9cf7b/"
     "wcBusybox1-21f6414ab91eea2f0c18e7a4fd065806b1d95e6e4dff003e1e4d86206337922e/wcBusybox1-",
     NULL, NULL, NULL, NULL, NULL, NULL},
    /* abtis: German quotes around the device (UTF-8 bytes end the id) */
    {"abtis quotes",
     "to dev \xe2\x80\x9enaa.6000d31000bd23000000000000000007\xe2\x80\x9c failed H:0x0 D:0x2",
     "naa.6000d31000bd23000000000000000007", NULL, NULL, NULL, NULL, NULL},
    /* KB 289902 ESX 3.5: `vmhba0:0:1:1` is no C/T/L path, the adapter is named */
    {"ESX 3.5 vmhba0:0:1:1", "WARNING: SCSI: 5663: vmhba0:0:1:1 status = 0/8 0x0 0x0 0x0", NULL,
     NULL, "vmhba0", NULL, NULL, NULL},
    /* synthetic edges */
    {"synthetic inside words", "xnaa.123 banaa.1 myvmnic0 avmhba1 vmhba1x vmnic2b", NULL, NULL,
     NULL, NULL, NULL, NULL},
    {"synthetic mpx partition + sentence dot",
     "device mpx.vmhba32:C0:T0:L0:3. and t10.ATA_____ST3500418AS", "mpx.vmhba32:C0:T0:L0",
     "vmhba32:C0:T0:L0", NULL, NULL, NULL, NULL},
    {"synthetic vml, Volume, 4.x vm",
     "[2011-04-01 15:14:34.203 F5A5AB90 info 'vm:/vmfs/volumes/ds 1/my vm/my vm.vmx'] "
     "vml.0200000000600508b1 Volume 'ds 1' ok",
     "vml.0200000000600508b1", NULL, NULL, NULL, "ds 1", "/vmfs/volumes/ds 1/my vm/my vm.vmx"},
    {"synthetic unclosed quote", "on vol 'Datastore", NULL, NULL, NULL, NULL, NULL, NULL},
    {"synthetic empty", "", NULL, NULL, NULL, NULL, NULL, NULL},
};

#define NENTITY (sizeof(entity_cases) / sizeof(entity_cases[0]))

/* The text of a span, "" for an absent one; NULL when it leaves the line. */
static const char *
span_text(const char *line, size_t n, struct log_span sp, char *buf, size_t cap)
{
    if (sp.len == 0)
        return NULL;
    if ((size_t)sp.off > n || (size_t)sp.len > n - sp.off || sp.len >= cap)
        return "<out of the line>";
    memcpy(buf, line + sp.off, sp.len);
    buf[sp.len] = '\0';
    return buf;
}

static void
check_entity_case(const struct entity_case *c)
{
    struct log_entities e;
    size_t n = strlen(c->line);
    char buf[200]; /* t_eq_str prints into 512 bytes */
    log_entities_find(c->line, n, &e);
    const char *d = c->src;
    T_EQ_STR(t_fmt("%s: device", d), span_text(c->line, n, e.device, buf, sizeof(buf)), c->device);
    T_EQ_STR(t_fmt("%s: path", d), span_text(c->line, n, e.path, buf, sizeof(buf)), c->path);
    T_EQ_STR(t_fmt("%s: adapter", d), span_text(c->line, n, e.adapter, buf, sizeof(buf)),
             c->adapter);
    T_EQ_STR(t_fmt("%s: nic", d), span_text(c->line, n, e.nic, buf, sizeof(buf)), c->nic);
    T_EQ_STR(t_fmt("%s: datastore", d), span_text(c->line, n, e.datastore, buf, sizeof(buf)),
             c->datastore);
    T_EQ_STR(t_fmt("%s: vm", d), span_text(c->line, n, e.vm, buf, sizeof(buf)), c->vm);
}

/* ---- bounds: every prefix of every sample, from an exact-size copy ---- */

static bool
span_inside(struct log_span sp, size_t n)
{
    return sp.len == 0 || ((size_t)sp.off <= n && (size_t)sp.len <= n - sp.off);
}

static bool
status_sane(const struct scsi_status *st)
{
    if (!st->present && (st->host != -1 || st->device != -1 || st->plugin != -1 || st->has_sense))
        return false;
    if (st->present && (st->host < 0 || st->host > 0xffff || st->device < 0 ||
                        st->device > 0xffff || st->plugin < 0 || st->plugin > 0xffff))
        return false;
    if (!st->has_sense && (st->key != -1 || st->asc != -1 || st->ascq != -1 || st->sense_valid))
        return false;
    if (st->has_sense && (st->key < 0 || st->key > 0xff || st->asc < 0 || st->asc > 0xff ||
                          st->ascq < 0 || st->ascq > 0xff))
        return false;
    return st->opcode >= -1 && st->opcode <= 0xff;
}

/* Returns the number of prefixes that broke an invariant (0 expected). */
static int
prefixes_of(const char *line)
{
    size_t n = strlen(line);
    int bad = 0;
    for (size_t k = 0; k <= n; k++) {
        char *copy = xmalloc(k ? k : 1);
        memcpy(copy, line, k);
        struct scsi_status st;
        bool r = scsi_parse(copy, k, &st);
        if (r != st.present || !status_sane(&st))
            bad++;
        struct log_entities e;
        log_entities_find(copy, k, &e);
        if (!span_inside(e.device, k) || !span_inside(e.path, k) || !span_inside(e.adapter, k) ||
            !span_inside(e.nic, k) || !span_inside(e.datastore, k) || !span_inside(e.vm, k) ||
            (e.path.len != 0 && e.adapter.len != 0))
            bad++;
        free(copy);
    }
    return bad;
}

static void
test_prefixes(void)
{
    for (size_t i = 0; i < NSCSI; i++)
        T_EQ_INT(t_fmt("prefixes of scsi '%s'", scsi_cases[i].src), prefixes_of(scsi_cases[i].line),
                 0);
    for (size_t i = 0; i < NENTITY; i++)
        T_EQ_INT(t_fmt("prefixes of entity '%s'", entity_cases[i].src),
                 prefixes_of(entity_cases[i].line), 0);
    /* a prefix that cuts the sense data has none; one that keeps it, all of it */
    const char *l = scsi_cases[0].line;
    size_t cut = strstr(l, "0x8 0x0.") - l + 6; /* the prefix ends "...0x2 0x8 0x" */
    struct scsi_status st;
    scsi_parse(l, cut, &st);
    T_CHECK("cut inside the ASCQ: triplet kept", st.present);
    T_CHECK("cut inside the ASCQ: no sense", !st.has_sense);
    scsi_parse(l, cut + 1, &st);
    T_CHECK("ASCQ complete at the line end", st.has_sense && st.ascq == 0);
    /* NULL line */
    T_CHECK("NULL line", !scsi_parse(NULL, 0, &st) && st.opcode == -1);
    struct log_entities e;
    log_entities_find(NULL, 0, &e);
    T_CHECK("NULL line: no entity", e.device.len == 0 && e.vm.len == 0);
}

/* ---- the shared corpus, read in place ---- */

struct corpus_count {
    size_t lines, triplets, sense, devices, paths, adapters, nics, datastores, vms;
};

static bool
count_file(const char *name, struct corpus_count *c)
{
    memset(c, 0, sizeof(*c));
    char *path = xasprintf("%s/corpus/esxi/%s", t_shared, name);
    char *data = NULL;
    size_t len = 0;
    struct diags d = DIAGS_INIT;
    int rc = read_small_file(path, 1u << 20, &data, &len, &d);
    T_CHECK(t_fmt("%s readable", path), rc == 0);
    diags_release(&d);
    free(path);
    if (rc != 0)
        return false;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        size_t n = e - i;
        if (n > 0 && data[i + n - 1] == '\r')
            n--;
        if (i < len) {
            struct scsi_status st;
            struct log_entities en;
            c->lines++;
            c->triplets += scsi_parse(data + i, n, &st);
            c->sense += st.has_sense;
            log_entities_find(data + i, n, &en);
            c->devices += en.device.len != 0;
            c->paths += en.path.len != 0;
            c->adapters += en.adapter.len != 0;
            c->nics += en.nic.len != 0;
            c->datastores += en.datastore.len != 0;
            c->vms += en.vm.len != 0;
        }
        i = e + 1;
    }
    free(data);
    return true;
}

static void
test_corpus_counts(void)
{
    struct corpus_count c;
    /* Counts made from the text with grep:
     *   triplets: grep -c 'H:0x[0-9a-fA-F]* D:0x[0-9a-fA-F]* P:0x' FILE
     *   sense:    grep -c 'sense data: 0x' FILE
     *   devices:  grep -c 'naa\.\|eui\.\|t10\.\|mpx\.\|vml\.' FILE
     *   paths:    grep -c 'vmhba[0-9]*:C[0-9]*:T[0-9]*:L[0-9]' FILE
     *   nics:     grep -c 'vmnic[0-9]' FILE
     *   datastores: grep -c "on vol '\|rsv time on '" FILE
     *   vms:      grep -c 'vm:/vmfs/.*\.vmx' FILE */
    char *dir = xasprintf("%s/corpus/esxi", t_shared);
    int have = t_have_shared(dir, "SCSI and entity counts of corpus/esxi");
    free(dir);
    if (!have)
        return;
    if (count_file("005.txt", &c)) {
        T_EQ_INT("005 triplets", c.triplets, 7); /* lines 4-9 and 11 */
        T_EQ_INT("005 sense", c.sense, 7);
        T_EQ_INT("005 devices", c.devices, 7);
        T_EQ_INT("005 paths", c.paths, 2); /* the two NMP lines */
        T_EQ_INT("005 adapters", c.adapters, 0);
        T_EQ_INT("005 datastores", c.datastores, 3); /* two HBX + one FS3Misc */
    }
    if (count_file("052.txt", &c)) {
        T_EQ_INT("052 lines", c.lines, 5);
        T_EQ_INT("052 triplets", c.triplets, 5);
        T_EQ_INT("052 sense", c.sense, 5);
        T_EQ_INT("052 devices", c.devices, 5);
        T_EQ_INT("052 paths", c.paths, 4); /* line 5 names devices only */
    }
    if (count_file("049.txt", &c)) {
        T_EQ_INT("049 triplets", c.triplets, 1); /* line 1, H:0x8 without sense */
        T_EQ_INT("049 sense", c.sense, 0);
        T_EQ_INT("049 devices", c.devices, 11); /* naa.xxx:1 on lines 1-11 */
    }
    if (count_file("044.txt", &c)) {
        T_EQ_INT("044 devices", c.devices, 1);
        T_EQ_INT("044 paths", c.paths, 4);
        T_EQ_INT("044 triplets", c.triplets, 0);
    }
    if (count_file("046.txt", &c)) {
        T_EQ_INT("046 devices", c.devices, 2);
        T_EQ_INT("046 paths", c.paths, 3);
    }
    if (count_file("004.txt", &c)) {
        T_EQ_INT("004 nics", c.nics, 8);
        T_EQ_INT("004 triplets", c.triplets, 0);
    }
    if (count_file("038.txt", &c))
        T_EQ_INT("038 vms", c.vms, 1);
    if (count_file("041.txt", &c))
        T_EQ_INT("041 vms (line 1 cut before .vmx)", c.vms, 0);
}

int
test_log_decode(void)
{
    int before = t_failed;
    for (size_t i = 0; i < NSCSI; i++)
        check_scsi_case(&scsi_cases[i]);
    test_scsi_words();
    for (size_t i = 0; i < NENTITY; i++)
        check_entity_case(&entity_cases[i]);
    test_prefixes();
    test_corpus_counts();
    return t_failed - before;
}
