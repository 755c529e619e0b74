/* test_psod_forms: the purple-screen decoder on crash text as people share
 * it (issue 14 §1): in tickets, wikis, chat and knowledge-base articles, with
 * prose around the message, markdown and HTML residue, masked values,
 * address-less backtraces and screens run together. Every input is written
 * here in that form; expected values are read off the text each test
 * builds (the world id and name, addresses and frames it writes), never
 * off what the decoder printed. Article prose with no crash in it must
 * decode to no crash. */
#include "parse/psod/psod.h"
#include "parse/psod/psod_impl.h"
#include "t.h"
#include "util/util_buf.h"

#include <stdlib.h>
#include <string.h>

static struct psod_result
dec(const char *text)
{
    struct psod_result r;
    psod_decode(text, strlen(text), "forms", &r, NULL);
    return r;
}

static const char *
hx(bool has, uint64_t v)
{
    return has ? t_fmt("0x%llx", (unsigned long long)v) : NULL;
}

/* One crash expected: its type, vector, world id/name, ip and message. */
struct want {
    enum psod_type type;
    int exc;
    long long world;
    const char *wname, *ip, *msg;
};

static void
one_crash(const char *what, const char *text, const struct want *w)
{
    struct psod_result r = dec(text);
    if (T_EQ_INT(t_fmt("%s: crashes", what), r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_INT(t_fmt("%s: type", what), c->type, w->type);
        T_EQ_INT(t_fmt("%s: exception", what), c->exception, w->exc);
        T_EQ_INT(t_fmt("%s: world id", what), c->world_id, w->world);
        T_EQ_STR(t_fmt("%s: world name", what), c->world_name, w->wname);
        T_EQ_STR(t_fmt("%s: ip", what), hx(c->has_ip, c->ip), w->ip);
        if (w->msg != NULL)
            T_EQ_STR(t_fmt("%s: message", what), c->message, w->msg);
    }
    psod_result_release(&r);
}

static void
no_crash(const char *what, const char *text)
{
    struct psod_result r = dec(text);
    T_EQ_INT(t_fmt("%s: no crash", what), r.ncrashes, 0);
    psod_result_release(&r);
}

/* ---- 1. prose around the message ---- */

static void
test_prose(void)
{
    const char *nmi = "NMI IPI: Panic requested by another PCPU. PC 0x420012345678, SP "
                      "0x453a1b2c3d40 (Src 0x4, CPU0)";
    struct want w = {PSOD_NMI_IPI, -1, -1, NULL, "0x420012345678", nmi};
    one_crash("Error message:", t_fmt("Error message: %s", nmi), &w);
    one_crash("bullet U+2022", t_fmt("\xe2\x80\xa2 %s", nmi), &w);
    one_crash("bullet -", t_fmt("  - %s", nmi), &w);
    one_crash("bullet *", t_fmt("* %s", nmi), &w);
    one_crash("blockquote", t_fmt("> %s", nmi), &w);
    one_crash("nested blockquote", t_fmt("> > %s", nmi), &w);
    one_crash("tab indent", t_fmt("\t\t%s", nmi), &w);
    one_crash("space indent", t_fmt("        %s", nmi), &w);
    one_crash("PSOD - ", t_fmt("PSOD - %s", nmi), &w);
    one_crash("PSOD with", t_fmt("Host esx07 hit a PSOD with %s", nmi), &w);
    /* in quotes: the message ends at the closing quote, the prose after it is not kept */
    one_crash("quoted", t_fmt("The host showed \"%s\" and rebooted.", nmi), &w);
    one_crash("curly quoted", t_fmt("The screen said \xe2\x80\x9c%s\xe2\x80\x9d twice.", nmi), &w);

    const char *pf = "#PF Exception 14 in world 2099461:vmm0:SQL01 IP 0x42001f2d3c4b addr 0x18";
    w = (struct want){PSOD_EXCEPTION, 14, 2099461, "vmm0:SQL01", "0x42001f2d3c4b", pf};
    one_crash("quoted @BlueScreen", t_fmt("We got \"@BlueScreen: %s\" this morning", pf), &w);
    one_crash("PSOD with #PF", t_fmt("ESXi 7.0 U3 PSOD with %s", pf), &w);

    const char *lock = "PCPU 3 locked up. Failed to ack TLB invalidate (total of 1 locked up).";
    w = (struct want){PSOD_LOCKUP, -1, -1, NULL, NULL, lock};
    one_crash("ticket field", t_fmt("Symptom: %s", lock), &w);
    const char *as = "ASSERT bora/vmkernel/main/pframe_int.h:527";
    w = (struct want){PSOD_ASSERT, -1, -1, NULL, NULL, as};
    one_crash("chat", t_fmt("[10:42] admin: box died with %s", as), &w);
}

/* ---- 2. exceptions written without `#` ---- */

static void
test_no_hash(void)
{
    struct want w = {PSOD_EXCEPTION, 14, 2098002, "vmast.2098001", "0x41800a1b2c3d", NULL};
    one_crash("PF title",
              "ESXi host fails with PSOD: PF Exception 14 in world 2098002:vmast.2098001 IP "
              "0x41800a1b2c3d addr 0x0",
              &w);
    w = (struct want){PSOD_EXCEPTION, 13, 4376, "usb", "0x418029c15c43", NULL};
    one_crash("GP title", "GP Exception 13 in world 4376:usb @ 0x418029c15c43", &w);
    w = (struct want){PSOD_EXCEPTION, 8, -1, NULL, "0x41802be4a1f0", NULL};
    one_crash("DF title", "Purple screen: DF Exception 8 IP 0x41802be4a1f0 SP 0x4391c1f1bd10", &w);

    /* prose naming an exception is no crash */
    no_crash("page fault prose",
             "A page fault (PF Exception) happens when the CPU touches an unmapped page; the "
             "vmkernel panics on a page fault in its own code.");
    no_crash("GP prose", "General protection faults (GP Exception 13) are explained in KB 1234.");
    no_crash("wrong vector", "PF Exception 13 in world 1:x IP 0x1 is not a real form.");
}

/* ---- 3. markdown and HTML residue ---- */

static void
clean_row(const char *in, const char *want)
{
    struct buf b = BUF_INIT;
    psod_clean(&b, in, strlen(in), 4096);
    T_EQ_STR(t_fmt("clean %.60s", in), buf_str(&b), want);
    buf_release(&b);
}

static void
test_residue(void)
{
    clean_row("0x4539:\\[0x4200\\]vmk\\_Panic@vmkernel\\#nover+0x1a",
              "0x4539:[0x4200]vmk_Panic@vmkernel#nover+0x1a");
    clean_row("**@BlueScreen: #PF Exception 14** in `world`",
              "@BlueScreen: #PF Exception 14 in world");
    clean_row("**Error message:** PCPU 3 locked up", "Error message: PCPU 3 locked up");
    clean_row("**CRITICAL**: Lost access", "CRITICAL: Lost access");
    clean_row("in world &lt;ID&gt;:x &amp; ip&#64;y &#x40; &#10; &bogus;",
              "in world <ID>:x & ip@y @ &#10; &bogus;");
    clean_row("a\xc2\xa0"
              "b\xe2\x80\x8b"
              "c\xe2\x80\x8c\xe2\x80\x8d"
              "d\xef\xbb\xbf"
              "e",
              "a bcde");
    /* masks and real stars stay */
    clean_row("- **:**:**:**.*** cpu*:****)MC:PCPU**** B:4",
              "- **:**:**:**.*** cpu*:****)MC:PCPU**** B:4");
    clean_row("*PCPU14:2098398/tq:tcpip4 a*b 2**3", "*PCPU14:2098398/tq:tcpip4 a*b 2**3");
    clean_row("C:\\path\\file", "C:\\path\\file");
    clean_row("\xe2\x80\xa2 bullet", "\xe2\x80\xa2 bullet");

    /* a whole screen as a markdown article renders it */
    const char *md = "**Purple diagnostic screen**\n"
                     "\n"
                     "`@BlueScreen: \\#PF Exception 14 in world 2097460:HELPER\\_UPLIN IP "
                     "0x42002b65ad3b addr 0x8`\n"
                     "`0x4539a429bde0:\\[0x42002b65ad3b\\]Uplink\\_Check@vmkernel\\#nover+0x1f "
                     "stack: 0x0`\n"
                     "`0x4539a429be30:\\[0x42002b700001\\]ixgben\\_Tx@(ixgben)\\#&lt;None&gt;+0x5a "
                     "stack: 0x0`\n";
    struct psod_result r = dec(md);
    if (T_EQ_INT("markdown screen: crashes", r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_STR("markdown screen: world name", c->world_name, "HELPER_UPLIN");
        T_EQ_STR("markdown screen: address", hx(c->has_address, c->address), "0x8");
        if (T_EQ_INT("markdown screen: frames", c->frames.n, 2)) {
            T_EQ_STR("markdown screen: frame 1", c->frames.v[0].function, "Uplink_Check");
            T_EQ_STR("markdown screen: frame 2 module", c->frames.v[1].module, "ixgben");
            T_EQ_STR("markdown screen: frame 2 version", c->frames.v[1].version, NULL);
        }
        T_EQ_STR("markdown screen: culprit", c->culprit_module, "ixgben");
    }
    psod_result_release(&r);

    /* an HTML page pasted as text: entities, no-break spaces, a zero-width space */
    const char *html = "Panic&nbsp;Message: @BlueScreen:\xc2\xa0#GP Exception 13 in world "
                       "4376:usb\xe2\x80\x8b @ 0x418029c15c43\n"
                       "0x41000:[0x418029c15c43]hid\\_free@esx:nover+0x20 stack: 0x0\n";
    struct want w = {PSOD_EXCEPTION, 13, 4376, "usb", "0x418029c15c43", NULL};
    one_crash("html page", html, &w);

    /* a markdown table: the message is one cell, the cells after it are not in it */
    const char *tbl = "| Host | Message | Date |\n"
                      "|---|---|---|\n"
                      "| esx01 | PCPU 7 locked up. Failed to ack TLB invalidate. | 2024-03-01 |\n";
    w = (struct want){PSOD_LOCKUP, -1,   -1,
                      NULL,        NULL, "PCPU 7 locked up. Failed to ack TLB invalidate."};
    one_crash("table row", tbl, &w);
}

/* ---- 4. placeholders and masking ---- */

static void
test_placeholders(void)
{
    struct want w = {PSOD_EXCEPTION, 14, -1, NULL, NULL, NULL};
    one_crash("<ID>:<VM_Name>",
              "@BlueScreen: #PF Exception 14 in world <ID>:<VM_Name> IP 0x#### addr 0x####\n"
              "0x####:[0x####]Func_A@vmkernel#nover+0x## stack: 0x####\n",
              &w);
    one_crash("vmm0:<VM_Name>",
              "@BlueScreen: #PF Exception 14 in world <ID>:vmm0:<VM_Name> IP 0x#### addr 0x0\n",
              &w);
    one_crash("###:[Device]", "#PF Exception 14 in world #:[Device] IP 0x#### addr 0x####\n", &w);
    one_crash("########:XXXX", "#PF Exception 14 in world ########:XXXX IP 0x####\n", &w);
    w = (struct want){PSOD_EXCEPTION, 14, 2098398, "tq:tcpip4", NULL, NULL};
    one_crash("a masked ip, a real name",
              "#PF Exception 14 in world 2098398:tq:tcpip4 IP 0x## addr 0x##\n", &w);

    const char *kb =
        "YYYY-MM-DDTHH:MM:SS.###Z cpu##:#####)@BlueScreen: #GP Exception 13 in world "
        "#####:<VM_Name> @ 0x########\n"
        "YYYY-MM-DDTHH:MM:SS.###Z cpu##:#####)Code start: 0x#### VMK uptime: "
        "##:##:##:##.###\n"
        "YYYY-MM-DDTHH:MM:SS.###Z cpu##:#####)*PCPU##:#####/<VM_Name>\n"
        "YYYY-MM-DDTHH:MM:SS.###Z cpu##:#####)0x####:[0x####]Func_A@vmkernel#nover+0x## "
        "stack: 0x####\n"
        "YYYY-MM-DDTHH:MM:SS.###Z cpu##:#####)0x####:[0x####]drv_Tx@(<Driver>)#<None>+0x## "
        "stack: 0x####\n"
        "YYYY-MM-DDTHH:MM:SS.###Z cpu##:#####)0x####:[0x####]nic_Poll@(nicdrv)#<None>+0x## "
        "stack: 0x####\n"
        "Module(s) involved in panic: [<Module_Name> Built on: <Date>]\n";
    struct psod_result r = dec(kb);
    if (T_EQ_INT("masked KB: crashes", r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_INT("masked KB: world", c->world_id, -1);
        T_EQ_STR("masked KB: world name", c->world_name, NULL);
        T_EQ_INT("masked KB: cpu", c->cpu, -1);
        T_EQ_STR("masked KB: timestamp", c->timestamp, NULL);
        T_EQ_STR("masked KB: uptime", c->uptime, NULL);
        T_CHECK("masked KB: no ip", !c->has_ip);
        T_EQ_INT("masked KB: no module named", c->nmodules_involved, 0);
        if (T_EQ_INT("masked KB: frames", c->frames.n, 3)) {
            T_EQ_STR("masked KB: frame 2 function", c->frames.v[1].function, "drv_Tx");
            T_EQ_STR("masked KB: frame 2 module", c->frames.v[1].module, NULL);
            T_CHECK("masked KB: frame 2 no offset", !c->frames.v[1].has_offset);
        }
        T_EQ_STR("masked KB: culprit", c->culprit_module, "nicdrv");
    }
    psod_result_release(&r);
    T_CHECK("placeholder <VM_Name>", pt_placeholder("<VM_Name>", 9));
    T_CHECK("placeholder vmm0:<VM_Name>", pt_placeholder("vmm0:<VM_Name>", 14));
    T_CHECK("placeholder (<Driver>)", pt_placeholder("(<Driver>)", 10));
    T_CHECK("no placeholder tq:tcpip4", !pt_placeholder("tq:tcpip4", 9));
    T_CHECK("no placeholder NetWorld-VM-", !pt_placeholder("NetWorld-VM-", 12));
    T_CHECK("no placeholder HELPER_UPLIN", !pt_placeholder("HELPER_UPLIN", 12));
}

/* ---- 5. world names ---- */

static void
test_world_names(void)
{
    struct want w = {PSOD_EXCEPTION, 14, 2098002, "CAM taskq", "0x42000b1c2d3e", NULL};
    one_crash("two-word name",
              "@BlueScreen: #PF Exception 14 in world 2098002:CAM taskq IP 0x42000b1c2d3e addr 0x0",
              &w);
    w = (struct want){PSOD_EXCEPTION, 13, -1, "usbus1", "0x41802d1e2f30", NULL};
    one_crash("space before the colon", "#GP Exception 13 in world ##### :usbus1 @ 0x41802d1e2f30",
              &w);
    w = (struct want){PSOD_EXCEPTION, 14, 1056477182, "sh", "0x41803645e7fc", NULL};
    one_crash("one word then prose",
              "#PF Exception(14) in world 1056477182:sh ip 0x41803645e7fc addr 0x417ff5d1e50c", &w);
    w = (struct want){PSOD_EXCEPTION, 14, 63406, "vmast.63405", NULL, NULL};
    one_crash("one word at the end, prose after",
              "PSOD: #PF Exception 14 in world 63406:vmast.63405 and then the host rebooted", &w);

    const char *det = "Panic Details: Crash at 2024-05-01T10:11:12.825Z on CPU 3 running world "
                      "2102090 - vmm0:WEB01. VMK Uptime:72:07:15:03.736\n"
                      "Panic Message: @BlueScreen: NMI IPI: Panic requested by another PCPU. PC "
                      "0x41800a0b0c0d, SP 0x4391c1f1bd10 (Src 0x4, CPU3)\n";
    struct psod_result r = dec(det);
    if (T_EQ_INT("details: crashes", r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_INT("details: world", c->world_id, 2102090);
        T_EQ_STR("details: world name", c->world_name, "vmm0:WEB01");
        T_EQ_INT("details: cpu", c->cpu, 3);
        T_EQ_INT("details: type", c->type, PSOD_NMI_IPI);
    }
    psod_result_release(&r);
    r = dec("Panic Details: Crash at YYYY-MM-DDTHH:MM:SS.825Z on CPU # running world ####### - "
            "<VM_Name>. VMK Uptime:##:##:##:##.###\n");
    if (T_EQ_INT("masked details: crashes", r.ncrashes, 1)) {
        T_EQ_INT("masked details: world", r.crashes[0].world_id, -1);
        T_EQ_STR("masked details: world name", r.crashes[0].world_name, NULL);
        T_EQ_STR("masked details: timestamp", r.crashes[0].timestamp, NULL);
    }
    psod_result_release(&r);
}

/* ---- 6. backtraces without addresses ---- */

static void
frames_are(const char *what, const struct psod_frames *fs, const char *const *fn,
           const char *const *mod, size_t n)
{
    if (!T_EQ_INT(t_fmt("%s: frames", what), fs->n, n))
        return;
    for (size_t i = 0; i < n; i++) {
        T_EQ_STR(t_fmt("%s: frame %zu function", what, i), fs->v[i].function, fn[i]);
        T_EQ_STR(t_fmt("%s: frame %zu module", what, i), fs->v[i].module, mod[i]);
        T_CHECK(t_fmt("%s: frame %zu has no ip", what, i), !fs->v[i].has_ip);
    }
}

static void
test_symbol_frames(void)
{
    static const char *const fn[] = {"PanicvPanicInt", "lpfc_sli4_io_xri_aborted",
                                     "lpfc_sli4_sp_handle_abort_xri_wcqe",
                                     "BH_DrainAndDisableInterrupts"};
    static const char *const mod[] = {"vmkernel", "lpfc", NULL, "vmkernel"};
    const char *ticket = "Customer reports PSOD: #PF Exception 14 in world 2097829:lpfc IP "
                         "0x42003a1b2c3d addr 0x48\n"
                         "Backtrace:\n"
                         "PanicvPanicInt@vmkernel#nover+0x439\n"
                         "lpfc_sli4_io_xri_aborted@(lpfc)#<None>+0x5a\n"
                         "lpfc_sli4_sp_handle_abort_xri_wcqe@<None>#<None>+0x1a\n"
                         "BH_DrainAndDisableInterrupts@vmkernel\n";
    struct psod_result r = dec(ticket);
    if (T_EQ_INT("ticket frames: crashes", r.ncrashes, 1)) {
        frames_are("ticket frames", &r.crashes[0].frames, fn, mod, 4);
        T_EQ_STR("ticket frames: culprit", r.crashes[0].culprit_module, "lpfc");
        T_EQ_STR("ticket frames: culprit function", r.crashes[0].culprit_function,
                 "lpfc_sli4_io_xri_aborted");
    }
    psod_result_release(&r);

    /* bulleted and numbered lists of frames under a quoted message */
    const char *bullets = "> \"NMI IPI: Panic requested by another PCPU. PC 0x4200aabbccdd\"\n"
                          "* PanicvPanicInt@vmkernel#nover+0x439\n"
                          "* lpfc_sli4_io_xri_aborted@(lpfc)#<None>+0x5a stack: 0x0\n"
                          "1. lpfc_sli4_sp_handle_abort_xri_wcqe@<None>#<None>+0x1a\n"
                          "2) BH_DrainAndDisableInterrupts@vmkernel\n";
    r = dec(bullets);
    if (T_EQ_INT("bulleted frames: crashes", r.ncrashes, 1)) {
        T_EQ_INT("bulleted frames: type", r.crashes[0].type, PSOD_NMI_IPI);
        frames_are("bulleted frames", &r.crashes[0].frames, fn, mod, 4);
    }
    psod_result_release(&r);

    /* gdb lists under a message */
    static const char *const gfn[] = {"DLM_free", "Heap_Free", "vmk_SlabFree"};
    static const char *const gmod[] = {NULL, NULL, NULL};
    r = dec("The host crashed with ASSERT bora/vmkernel/main/heap.c:3411\n"
            "#0  DLM_free (msp=..., mem=..., allowTrim=...)\n"
            "#1  Heap_Free (heap=0x430000000000, mem=...) at bora/vmkernel/main/heap.c:3411\n"
            "#2  0x0000418000aabbcc in vmk_SlabFree (slab=...)\n");
    if (T_EQ_INT("gdb list: crashes", r.ncrashes, 1)) {
        const struct psod_frames *fs = &r.crashes[0].frames;
        if (T_EQ_INT("gdb list: frames", fs->n, 3))
            for (size_t i = 0; i < 3; i++) {
                T_EQ_STR(t_fmt("gdb list: frame %zu", i), fs->v[i].function, gfn[i]);
                T_EQ_STR(t_fmt("gdb list: frame %zu module", i), fs->v[i].module, gmod[i]);
            }
    }
    psod_result_release(&r);

    /* without a message before them, symbol lines and e-mail addresses are nothing */
    r = dec("Contact:\nsupport@vmware.com\nPanicvPanicInt@vmkernel#nover+0x439\n");
    T_EQ_INT("symbols alone: crashes", r.ncrashes, 0);
    T_EQ_INT("symbols alone: backtraces", r.nbacktraces, 0);
    psod_result_release(&r);
    struct psod_frame f;
    T_CHECK("sentence with @ is no frame",
            !psod_parse_symbol_frame("mail admin@corp.example now", 27, &f));
    T_CHECK("word@word then prose is no frame",
            !psod_parse_symbol_frame("Func@vmkernel is the core", 25, &f));
    if (T_CHECK("Func@mod#ver+0x1a is a frame",
                psod_parse_symbol_frame("Func@vmkernel#nover+0x1a", 24, &f))) {
        T_EQ_STR("symbol frame version", f.version, "nover");
        T_EQ_INT("symbol frame offset", f.offset, 0x1a);
        psod_frame_release(&f);
    }
}

/* ---- 7. screens run together, elisions ---- */

static void
test_run_together(void)
{
    const char *two = "@BlueScreen: #PF Exception 14 in world 2098398:tq:tcpip4 IP 0x420021b84d25 "
                      "addr 0x134\n"
                      "0x4539a429bde0:[0x420021b84d25]rw_wlock@(tcpip4)#<None>+0x8d stack: "
                      "0x0@BlueScreen: #GP Exception 13 in world 4376:usb @ 0x418029c15c43\n"
                      "0x41000a0b0c0d:[0x418029c15c43]hid_free_buffers@esx:nover+0x20 stack: 0x0\n";
    struct psod_result r = dec(two);
    if (T_EQ_INT("glued screens: crashes", r.ncrashes, 2)) {
        T_EQ_INT("glued screens: 1st type", r.crashes[0].exception, 14);
        T_EQ_INT("glued screens: 1st frames", r.crashes[0].frames.n, 1);
        T_EQ_STR("glued screens: 1st culprit", r.crashes[0].culprit_module, "tcpip4");
        T_EQ_INT("glued screens: 2nd type", r.crashes[1].exception, 13);
        T_EQ_INT("glued screens: 2nd world", r.crashes[1].world_id, 4376);
        T_EQ_INT("glued screens: 2nd frames", r.crashes[1].frames.n, 1);
        T_EQ_STR("glued screens: 2nd culprit", r.crashes[1].culprit_module, "esx");
    }
    psod_result_release(&r);

    /* an elided backtrace pasted alone is one crash, not two */
    const char *el =
        "0x4122e445b4d8:[0x418014a7b71a]PanicvPanicInt@vmkernel#nover+0x61 stack: 0x3\n"
        "...\n"
        "0x4122e445b5a0:[0x418014a12345]be_mcc_wait@#+0x2f stack: 0x0\n"
        "\xe2\x80\xa6\n"
        "[...]\n"
        "...0x4122e445bff8:[0x418014a00100]CpuSched_StartWorld@vmkernel#nover+0x77 "
        "stack: 0x0\n";
    r = dec(el);
    if (T_EQ_INT("elisions: crashes", r.ncrashes, 1)) {
        T_EQ_INT("elisions: frames", r.crashes[0].frames.n, 3);
        T_EQ_STR("elisions: last frame", r.crashes[0].frames.v[r.crashes[0].frames.n - 1].function,
                 "CpuSched_StartWorld");
        T_EQ_INT("elisions: last line", r.crashes[0].last_line, 6);
    }
    psod_result_release(&r);

    /* the first frame glued to the uptime */
    r = dec("@BlueScreen: #PF Exception 14 in world 63406:vmast.63405 IP 0x41801cd9c266 addr 0x0 "
            "Code start: 0x41801cc00000 VMK uptime: 1:02:03:56.2830x41229eb9b590:"
            "[0x41801cd9c266]E1000PollRxRing@vmkernel#nover+0xdb9 stack: 0x410015264580 "
            "0x41229eb9b5f0:[0x41801cd12345]E1000DevRx@vmkernel#nover+0x1c stack: 0x0\n");
    if (T_EQ_INT("glued uptime: crashes", r.ncrashes, 1)) {
        T_EQ_STR("glued uptime: uptime", r.crashes[0].uptime, "1:02:03:56.283");
        if (T_EQ_INT("glued uptime: frames", r.crashes[0].frames.n, 2)) {
            T_EQ_STR("glued uptime: 1st frame", r.crashes[0].frames.v[0].function,
                     "E1000PollRxRing");
            T_EQ_STR("glued uptime: 1st frame ip",
                     hx(r.crashes[0].frames.v[0].has_ip, r.crashes[0].frames.v[0].ip),
                     "0x41801cd9c266");
        }
    }
    psod_result_release(&r);
}

/* ---- 8. panic lines with no @BlueScreen: before them ---- */

static void
test_precursors(void)
{
    const char *boot = "2024-02-01T10:00:00.000Z cpu5:2098112)**CRITICAL**: Lost access to boot "
                       "device mpx.vmhba32:C0:T0:L0\n"
                       "2024-02-01T10:00:00.001Z cpu5:2098112)Module(s) involved in panic: "
                       "[bootdevmon Built on: Jun 11 2024]\n"
                       "2024-02-01T10:00:00.002Z cpu5:2098112)0x453a1b2c3d40:[0x420012345678]"
                       "PanicvPanicInt@vmkernel#nover+0x439 stack: 0x0\n";
    struct psod_result r = dec(boot);
    if (T_EQ_INT("boot device: crashes", r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_STR("boot device: message", c->message,
                 "CRITICAL: Lost access to boot device mpx.vmhba32:C0:T0:L0");
        T_EQ_INT("boot device: cpu", c->cpu, 5);
        T_EQ_INT("boot device: world", c->world_id, 2098112);
        T_EQ_STR("boot device: timestamp", c->timestamp, "2024-02-01T10:00:00.000Z");
        T_EQ_INT("boot device: modules", c->nmodules_involved, 1);
        if (c->nmodules_involved > 0)
            T_EQ_STR("boot device: module", c->modules_involved[0], "bootdevmon");
        /* bootdevmon, VMware's monitor, stopped the host: the boot device is to blame */
        T_EQ_STR("boot device: culprit", psod_culprit_kind_name(c->culprit_kind), "hardware");
        T_EQ_INT("boot device: frames", c->frames.n, 1);
    }
    psod_result_release(&r);

    struct want w = {
        PSOD_SECURE_BOOT, -1,
        -1,           NULL,
        NULL,         "UEFI Secure Boot failed: Failed to verify signatures of the following vibs"};
    one_crash("secure boot",
              "UEFI Secure Boot failed: Failed to verify signatures of the "
              "following vibs\n",
              &w);

    /* an IOMMU fault is a crash when a backtrace follows it, a log line when none does */
    const char *iommu = "IOMMU Fault detected for 0000:03:00.0 (vmhba2) IOaddr: 0x5f4a1000 Mask: "
                        "0xc Domain: 0x430a4e1f0d60\n"
                        "Backtrace for current CPU #12, worldID=2097873, fp=0x0\n"
                        "0x453900f1bcb0:[0x42003c5f1c8f]qfle3_ring_poll@(qfle3)#<None>+0x8f "
                        "stack: 0x0\n";
    r = dec(iommu);
    if (T_EQ_INT("IOMMU with frames: crashes", r.ncrashes, 1)) {
        T_EQ_INT("IOMMU with frames: world", r.crashes[0].world_id, 2097873);
        T_EQ_INT("IOMMU with frames: cpu", r.crashes[0].cpu, 12);
        T_EQ_STR("IOMMU with frames: culprit", r.crashes[0].culprit_module, "qfle3");
    }
    psod_result_release(&r);
    r = dec("2024-02-01T10:00:00.000Z cpu1:2097873)IOMMU Fault detected for 0000:03:00.0 "
            "(vmhba2) IOaddr: 0x5f4a1000 Mask: 0xc Domain: 0x430a4e1f0d60\n"
            "2024-02-01T10:00:00.100Z cpu1:2097873)NetPort: 1632: disabled port 0x2000004\n"
            "2024-02-01T10:00:00.200Z cpu1:2097873)NetPort: 1632: enabled port 0x2000004\n"
            "2024-02-01T10:00:00.300Z cpu1:2097873)NetPort: 1632: disabled port 0x2000005\n"
            "2024-02-01T10:00:00.400Z cpu1:2097873)NetPort: 1632: enabled port 0x2000005\n"
            "2024-02-01T10:00:00.500Z cpu1:2097873)NetPort: 1632: disabled port 0x2000006\n");
    T_EQ_INT("IOMMU alone: crashes", r.ncrashes, 0);
    psod_result_release(&r);
    r = dec("IOMMU Fault detected for 0000:03:00.0 (vmhba2) IOaddr: 0x5f4a1000\n");
    T_EQ_INT("IOMMU last line: crashes", r.ncrashes, 0);
    psod_result_release(&r);

    /* ApeiHEST before the @BlueScreen: line: one crash, a hardware one */
    const char *hest =
        "2023-07-04T01:02:03.000Z cpu0:2097152)NMI: 710: NMI IPI: ApeiHESTNmiHandler "
        "requested PSOD\n"
        "2023-07-04T01:02:03.001Z cpu0:2097152)@BlueScreen: NMI IPI: Panic requested "
        "by another PCPU. PC 0x42002f5e6d7c, SP 0x453a00aabbcc (Src 0x1, CPU0)\n"
        "2023-07-04T01:02:03.002Z cpu0:2097152)0x453a00aabbcc:[0x42002f5e6d7c]"
        "ApeiHESTNmiHandler@vmkernel#nover+0x2b stack: 0x0\n";
    r = dec(hest);
    if (T_EQ_INT("ApeiHEST: crashes", r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        T_EQ_INT("ApeiHEST: line", c->line, 1);
        T_EQ_INT("ApeiHEST: type", c->type, PSOD_MCE);
        T_EQ_STR("ApeiHEST: message", c->message,
                 "NMI IPI: Panic requested by another PCPU. PC 0x42002f5e6d7c, SP 0x453a00aabbcc "
                 "(Src 0x1, CPU0)");
        T_EQ_STR("ApeiHEST: ip", hx(c->has_ip, c->ip), "0x42002f5e6d7c");
        T_EQ_INT("ApeiHEST: culprit kind", c->culprit_kind, CULPRIT_HARDWARE);
        T_CHECK("ApeiHEST: kept as a note", c->nnotes >= 1 && strstr(c->notes[0], "ApeiHEST"));
        T_EQ_INT("ApeiHEST: frames", c->frames.n, 1);
    }
    psod_result_release(&r);
    /* ... and after it: a note of the same crash */
    r = dec("@BlueScreen: LINT1/NMI (motherboard nonmaskable interrupt), undiagnosed.\n"
            "ApeiHEST: 443: ApeiHESTNmiHandler requested PSOD\n"
            "0x453a00aabbcc:[0x42002f5e6d7c]NMI_Interrupt@vmkernel#nover+0x2b stack: 0x0\n");
    if (T_EQ_INT("ApeiHEST after: crashes", r.ncrashes, 1)) {
        T_EQ_INT("ApeiHEST after: type", r.crashes[0].type, PSOD_LINT1_NMI);
        T_EQ_INT("ApeiHEST after: frames", r.crashes[0].frames.n, 1);
    }
    psod_result_release(&r);
}

/* ---- article prose with no crash in it ---- */

static void
test_no_crash_prose(void)
{
    no_crash("PDL definition",
             "Permanent device loss (PDL) is a condition where a storage device is permanently "
             "unavailable to your ESXi host. The host marks the device as lost and stops I/O.\n"
             "All paths down (APD) differs: the host does not know whether the loss is temporary.");
    no_crash("purple screen description",
             "A purple screen (PSOD) is the diagnostic screen an ESXi host shows when the VMkernel "
             "hits a fatal error. It lists the panic message, the registers, the backtrace and the "
             "VMK uptime, and the host writes a core dump before it halts.\n"
             "> Tip: take a photo of the screen before you reboot the host.\n"
             "* Collect the vmkernel-zdump file from /var/core.\n"
             "* Check the backtrace for a driver module name.");
    no_crash("exception catalogue",
             "| Vector | Name |\n|---|---|\n| 13 | #GP General protection |\n"
             "| 14 | #PF Page fault |\n| 8 | #DF Double fault |\n");
    no_crash("how-to",
             "To trigger a test PSOD run vsish -e set /reliability/crashMe/Panic 1 on a lab host. "
             "The lock-up detector reports a PCPU that has not had a heartbeat; a PCPU that is "
             "locked up for long enough causes a purple screen.\n"
             "Machine check exceptions are hardware errors; UEFI Secure Boot can fail when a VIB "
             "is unsigned; an IOMMU fault is logged when a device does DMA outside its domain.");
    no_crash("boot device prose",
             "If the host loses access to the boot device, bootdevmon logs a warning and, after "
             "a timeout, the host may purple-screen.");
}

/* Logged warnings that quote a panic message mid-line are no crash: the
 * vmkernel prints a crash's message where a line's body starts. */
static void
test_logged_warnings(void)
{
    no_crash("logged heartbeat warning",
             "2024-03-04T05:10:02.114Z cpu10:2097152)WARNING: Heartbeat: 785: PCPU 10 didn't "
             "have a heartbeat for 7 seconds; *may* be locked up.\n");
    no_crash("logged spin warning",
             "2024-03-04T05:10:03.114Z cpu10:2097152)WARNING: Spin count exceeded - possible "
             "deadlock with PCPU 7 (lock 0x4309)\n");
    no_crash("logged NMI alert",
             "2024-03-04T05:10:04.114Z cpu3:2097152)ALERT: NMI: 694: NMI IPI: RIPOFF(base):RBP:CS "
             "[0x8c(0x41801c000000):0x4302:0x4010] (Src 0x1, CPU3)\n");
}

/* ---- functions named in prose (psod_named.c) ---- */

/* The functions of the one crash decoded from text, blank-separated. */
static void
named_functions(const char *what, const char *text, const char *want)
{
    struct psod_result r = dec(text);
    if (T_EQ_INT(t_fmt("%s: crashes", what), r.ncrashes, 1)) {
        const struct psod_crash *c = &r.crashes[0];
        struct buf b = BUF_INIT;
        for (size_t i = 0; i < c->frames.n; i++) {
            if (i > 0)
                buf_addc(&b, ' ');
            buf_adds(&b, c->frames.v[i].function ? c->frames.v[i].function : "?");
            T_CHECK(t_fmt("%s: frame %zu named, no address", what, i),
                    c->frames.v[i].named && !c->frames.v[i].has_ip);
        }
        T_EQ_STR(t_fmt("%s: functions", what), b.p ? b.p : "", want);
        T_EQ_STR(t_fmt("%s: culprit", what), psod_culprit_kind_name(c->culprit_kind), "none");
        buf_release(&b);
    }
    psod_result_release(&r);
}

static void
test_named(void)
{
    /* KB titles and article prose, written here in their forms */
    named_functions("title: reports an X error",
                    "ESXi host fails with a purple diagnostic screen and reports an "
                    "LACPScheduler error\n",
                    "LACPScheduler");
    named_functions("title: this function call",
                    "ESXi 6.0 host fails with a purple diagnostic screen showing this function "
                    "call: FTCptWriterFunc\n",
                    "FTCptWriterFunc");
    named_functions("prose: mentioning A and B",
                    "An ESXi host fails with a purple diagnostic screen mentioning "
                    "PFFilterPacket and VSIPDVFProcessSlowPathPackets\n",
                    "PFFilterPacket VSIPDVFProcessSlowPathPackets");
    named_functions("prose: in the stack", "PSOD with LVMHandleDeviceAPDEvent in the stack\n",
                    "LVMHandleDeviceAPDEvent");
    named_functions("prose: A or B, lower case with underscores",
                    "ESXi 7.0 hosts with Emulex HBAs.\n"
                    "The backtrace contains lpfc_sli4_els_xri_aborted or "
                    "lpfc_sli4_delete_els_xri_aborted.\n",
                    "lpfc_sli4_els_xri_aborted lpfc_sli4_delete_els_xri_aborted");
    named_functions("bulleted list after a header",
                    "An ESXi 6.0 host stops.\nThe backtrace contains:\n- SCSIDeviceIteratorNext\n"
                    "- SCSIDeviceTimeoutHandlerFn\n\nThe host then reboots.\n",
                    "SCSIDeviceIteratorNext SCSIDeviceTimeoutHandlerFn");
    named_functions("driver functions in lower case, indented bullets (KB 380959's form)",
                    "  \xe2\x80\xa2 ESXi host encounters a sudden Purple Screen of Death\n"
                    "  \xe2\x80\xa2 The backtrace contains multiple references to qlnativefc "
                    "functions:\n    \xe2\x80\xa2 qla27xxCopyFpinPkt\n"
                    "    \xe2\x80\xa2 qla24xxMsixRspQ\n",
                    "qla27xxCopyFpinPkt qla24xxMsixRspQ");
    named_functions("numbered list with () and bullets U+2022",
                    "VMware ESXi 8.0\nBacktrace similar to:\n1. VmMemCowPShareFn()\n\xe2\x80\xa2 "
                    "VmAssistantProcessTasks\n",
                    "VmMemCowPShareFn VmAssistantProcessTasks");
    named_functions("a call written fn() in the lines after a crash word (KB 318027's form)",
                    "ESXi hosts of version 7.0U1c fail with a PSOD.\n"
                    "Cause: lpfc_external_dif_cmpl() checks the response data of an INQUIRY.\n",
                    "lpfc_external_dif_cmpl");
    {
        struct buf far = BUF_INIT;
        buf_adds(&far, "The host fails with a PSOD.\n");
        for (int i = 0; i < 14; i++)
            buf_adds(&far, "Some other paragraph of the article.\n");
        buf_adds(&far, "Call lpfc_setup_driver_state() to load it.\n");
        no_crash("a call written fn() far from any crash word", buf_str(&far));
        buf_release(&far);
    }
    no_crash("a call written fn() with no crash word",
             "Cause: lpfc_external_dif_cmpl() checks the response data of an INQUIRY.\n");
    named_functions("a Japanese article keeps the names",
                    "ESXi \xe3\x83\x9b\xe3\x82\xb9\xe3\x83\x88\xe3\x81\x8c"
                    "\xe3\x83\x91\xe3\x83\xbc\xe3\x83\x97\xe3\x83\xab\xe8\xa8\xba"
                    "\xe6\x96\xad\xe7\x94\xbb\xe9\x9d\xa2 (PFrame_IsBackedByLPage, "
                    "VmMemCowPShareFn)\n",
                    "PFrame_IsBackedByLPage VmMemCowPShareFn");
    named_functions("a French article keeps the names",
                    "L'h\xc3\xb4" "te affiche un \xc3\xa9" "cran de diagnostic violet dans "
                    "LVMHandleDeviceAPDEvent\n",
                    "LVMHandleDeviceAPDEvent");
    named_functions("a KB title's exception in a function",
                    "ESXi 5.5 host displays a purple diagnostic screen with trace #PF Exception 14 "
                    "in IpfixFilterPacket\n",
                    "IpfixFilterPacket");
    {
        struct psod_result pr = dec("@BlueScreen: #PF Exception 14 in IpfixFilterPacket\n"
                                    "0x4539c0e1bd10:[0x4200389489c4]IpfixFilterPacket@vmkernel#"
                                    "nover+0x12 stack: 0x0\n"
                                    "0x4539c0e1bd20:[0x4200389489d0]Port_Output@vmkernel#nover+0x2 "
                                    "stack: 0x0\n");
        if (T_EQ_INT("named then printed: one crash", pr.ncrashes, 1)) {
            T_EQ_INT("named then printed: the printed frames only", pr.crashes[0].frames.n, 2);
            T_CHECK("named then printed: with their addresses", pr.crashes[0].frames.v[0].has_ip);
        }
        psod_result_release(&pr);
    }
    /* prose that only talks about purple screens names no function */
    no_crash("products are no functions",
             "A purple screen (PSOD) on a ProLiant with PowerPath, NetQueue and VMware Tools: "
             "collect the VMkernel core dump (vmkernel-zdump.1) and read the backtrace.\n");
    no_crash("a list after a header without a crash word",
             "Affected drivers:\n- lpfc_driver_xyz\n- qlnativefc_abc\n");
    no_crash("a list item that is a sentence",
             "The backtrace contains:\n- several frames of the storage stack\n");
    no_crash("backtrace words of another program's documents",
             "Error.captureStackTrace(targetObject) creates a stack trace on JavaScript "
             "objects; the call stack shows emitMyWarning and process_next_tick.\n");
    no_crash("a logged line is no prose",
             "2024-03-04T05:10:03.114Z cpu10:2097152)WARNING: Heap: 3729: backtrace of "
             "Heap_AlignWithRA requested by VmkDrv_WakeupAllWaiters\n");
    no_crash("function names with no crash word",
             "Call FooBarHandler_Init and lpfc_sli4_setup before loading the module.\n");
    /* a screen retyped from a photo: OCR broke an address, the frame stays */
    {
        struct psod_result pr = dec(
            "@BlueScreen: #PF Exception 14 in world 34119:vmast.34118 IP 0x41800d8f3a2e addr 0x0\n"
            "0x4l229eb9b590:[0x4l800d8f3a2e]E1000PollRxRing@vmkernel#nover+0xdb9 stack: 0xO\n"
            "0x41229eb9b6OO:[0x41800d8f fc73]E1000DevRx@vmkernel#nover+0xl8a stack: 0x0\n");
        if (T_EQ_INT("OCR: one crash", pr.ncrashes, 1) &&
            T_EQ_INT("OCR: both frames", pr.crashes[0].frames.n, 2)) {
            T_EQ_STR("OCR: second function", pr.crashes[0].frames.v[1].function, "E1000DevRx");
            T_EQ_STR("OCR: second module", pr.crashes[0].frames.v[1].module, "vmkernel");
            T_CHECK("OCR: no address read", !pr.crashes[0].frames.v[1].has_ip);
        }
        psod_result_release(&pr);
    }
    /* ESX 3.x/4.x: the vmkernel's alert that the service console stopped its heartbeat is
     * the crash's first line (KB 308590), with the process it names */
    {
        const char *alert = "0:08:04:55.679 cpu0:1024)VMNIX: ALERT: HB: 365: Lost heartbeat "
                            "(comm=cimserver pid=3588 t=30 to=30 clt=1).\n";
        struct psod_result pr = dec(alert);
        if (T_EQ_INT("COS alert alone: a crash", pr.ncrashes, 1))
            T_EQ_INT("COS alert alone: lost heartbeat", pr.crashes[0].type, PSOD_LOST_HEARTBEAT);
        psod_result_release(&pr);
        pr = dec(t_fmt("%s0:08:05:12.101 cpu0:1024)@BlueScreen: Lost heartbeat\n", alert));
        if (T_EQ_INT("COS alert then the screen: one crash", pr.ncrashes, 1)) {
            bool kept = false;
            for (size_t i = 0; i < pr.crashes[0].nnotes; i++)
                kept |= strstr(pr.crashes[0].notes[i], "comm=cimserver") != NULL;
            T_CHECK("COS alert then the screen: the process is kept", kept);
        }
        psod_result_release(&pr);
    }
    /* named functions never join a pasted backtrace */
    struct psod_result r = dec("@BlueScreen: #PF Exception 14 in world 2098009:OCFlush IP "
                               "0x4200389489c4 addr 0x350\n"
                               "0x4539c0e1bd10:[0x4200389489c4]Fil3_FileIO@vmfs3#nover+0x12 "
                               "stack: 0x0\n"
                               "The backtrace also mentions FS3_Flush_Something.\n");
    if (T_EQ_INT("pasted + prose: one crash", r.ncrashes, 1))
        T_EQ_INT("pasted + prose: the pasted frame only", r.crashes[0].frames.n, 1);
    psod_result_release(&r);
}

/* ---- KB-title forms: symbols in a sentence, dashes, quoted messages, heaps, drivers ---- */

/* The one crash of text, with its frames as `function@module` (`?` for none),
 * blank-separated. */
static const struct psod_crash *
title_crash(const char *what, const char *text, struct psod_result *r)
{
    *r = dec(text);
    if (!T_EQ_INT(t_fmt("%s: crashes", what), r->ncrashes, 1))
        return NULL;
    return &r->crashes[0];
}

static const char *
frames_of(const struct psod_crash *c)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < c->frames.n; i++) {
        const struct psod_frame *f = &c->frames.v[i];
        buf_addf(&b, "%s%s@%s", i ? " " : "", f->function ? f->function : "?",
                 f->module ? f->module : "?");
    }
    const char *out = t_fmt("%s", b.p ? b.p : "");
    buf_release(&b);
    return out;
}

static void
test_title_forms(void)
{
    struct psod_result r;
    const struct psod_crash *c;

    /* 1. a frame written as a symbol inside a sentence: function and module, no address */
    c = title_crash("symbol in a sentence",
                    "Our ESXi 7.0 host went down with a purple screen showing "
                    "LockFoo_WaitQueue@vmkernel#nover+0x1c stack: 0x4a2b, 0x0 and rebooted\n",
                    &r);
    if (c != NULL) {
        T_EQ_STR("symbol in a sentence: frames", frames_of(c), "LockFoo_WaitQueue@vmkernel");
        T_CHECK("symbol in a sentence: offset 0x1c, no address",
                c->frames.v[0].has_offset && c->frames.v[0].offset == 0x1c &&
                    !c->frames.v[0].has_ip && c->frames.v[0].named);
        T_EQ_STR("symbol in a sentence: culprit", psod_culprit_kind_name(c->culprit_kind),
                 "vmkernel");
        T_EQ_STR("symbol in a sentence: release named", c->product, "VMware ESXi 7.0");
    }
    psod_result_release(&r);
    c = title_crash("symbol with x as a multiplication sign",
                    "PSOD error: BufCacheEvict@vmkernel#nover+0\xc3\x97" "2f\n", &r);
    if (c != NULL && T_EQ_STR("x sign: frames", frames_of(c), "BufCacheEvict@vmkernel"))
        T_CHECK("x sign: offset 0x2f", c->frames.v[0].has_offset && c->frames.v[0].offset == 0x2f);
    psod_result_release(&r);
    c = title_crash("symbol with a bare module",
                    "A purple diagnostic screen named Vol3ReadCluster@esx as the fault\n", &r);
    if (c != NULL)
        T_EQ_STR("bare module: frames", frames_of(c), "Vol3ReadCluster@esx");
    psod_result_release(&r);
    no_crash("a login is no symbol", "After the PSOD log in as admin@esx01 and collect logs.\n");
    no_crash("an e-mail address is no symbol",
             "Send the PSOD photo to help@example.com with the host name.\n");
    no_crash("a symbol with no crash word", "We call LockFoo_WaitQueue@vmkernel#nover here.\n");

    /* 2. an en or em dash where the console writes ` - ` */
    c = title_crash("en dash after an exception", "PF Exception 14 \xe2\x80\x93 NetPortFlushQueue\n",
                    &r);
    if (c != NULL) {
        T_EQ_INT("en dash: exception 14", c->exception, 14);
        T_EQ_STR("en dash: the function it names", frames_of(c), "NetPortFlushQueue@?");
    }
    psod_result_release(&r);
    c = title_crash("em dash in a PANIC message",
                    "An ESXi host shows a purple screen mentioning PANIC "
                    "bora/vmkernel/main/heapx.c:1200 \xe2\x80\x94 Usage error in heapx\n",
                    &r);
    if (c != NULL)
        T_EQ_STR("em dash: message", c->message,
                 "PANIC bora/vmkernel/main/heapx.c:1200 - Usage error in heapx");
    psod_result_release(&r);
    no_crash("a dash and a plain word", "PF Exception 14 \xe2\x80\x93 see the next section\n");

    /* 3. a message quoted after the purple-screen words */
    c = title_crash("curly-quoted after the error:",
                    "Our host crashed with a purple diagnostic screen and the error: "
                    "\xe2\x80\x9cLock rank violation detected\xe2\x80\x9d\n",
                    &r);
    if (c != NULL) {
        T_EQ_STR("curly quotes: message", c->message, "Lock rank violation detected");
        T_EQ_INT("curly quotes: no frames", c->frames.n, 0);
    }
    psod_result_release(&r);
    c = title_crash("unquoted after error:",
                    "The host stopped with a PSOD with error: Timeout waiting for adapter reset\n",
                    &r);
    if (c != NULL)
        T_EQ_STR("unquoted: message", c->message, "Timeout waiting for adapter reset");
    psod_result_release(&r);
    c = title_crash("plain quotes after states",
                    "The console shows a purple screen that states \"Kernel image checksum "
                    "mismatch\" on boot\n",
                    &r);
    if (c != NULL)
        T_EQ_STR("states: message", c->message, "Kernel image checksum mismatch");
    psod_result_release(&r);
    no_crash("states without quotes",
             "The console shows a purple screen that states the reason on its first line\n");
    no_crash("error: without a purple-screen word",
             "The backup script failed with error: Timeout waiting for adapter reset\n");
    no_crash("error: far after the purple-screen word",
             "A purple screen hit another cluster last year, which we since decommissioned, and "
             "today the backup job reported error: Timeout waiting for adapter reset\n");
    no_crash("a definition is no message",
             "PSOD error: Purple Screen of Death, shown when the VMkernel stops\n");
    no_crash("a sentence is no message",
             "After a purple screen error: the host stops responding until it is reset\n");
    no_crash("a logged line is no title",
             "2024-01-01T00:00:00.000Z cpu1:1234)WARNING: purple screen error: Timeout waiting "
             "for adapter reset\n");

    /* 4. a heap at its maximum size: the message, not a frame named after the heap */
    c = title_crash("heap message after error:",
                    "Installing ESXi 6.0 ends in a purple diagnostic screen and error: Heap "
                    "NetPktHeap already at its maximum size. Cannot expand.\n",
                    &r);
    if (c != NULL) {
        T_EQ_STR("heap: message", c->message,
                 "Heap NetPktHeap already at its maximum size. Cannot expand.");
        T_EQ_INT("heap: no frame named after the heap", c->frames.n, 0);
        T_EQ_STR("heap: release named", c->product, "VMware ESXi 6.0");
    }
    psod_result_release(&r);
    c = title_crash("heap message mentioned",
                    "ESXi 5.5 and 6.0 hosts show a PSOD mentioning Heap my-heap-1 already at its "
                    "maximum size\n",
                    &r);
    if (c != NULL) {
        T_EQ_STR("heap mentioned: message", c->message,
                 "Heap my-heap-1 already at its maximum size");
        T_EQ_STR("heap mentioned: releases named", c->product, "VMware ESXi 5.5 and 6.0");
    }
    psod_result_release(&r);
    no_crash("a heap warning in a log is no crash",
             "2015-04-30T06:12:09.335Z cpu4:33012)WARNING: Heap: 2677: Heap NetPktHeap already "
             "at its maximum size. Cannot expand.\n");
    no_crash("a heap message with no purple-screen word",
             "Heap NetPktHeap already at its maximum size. Cannot expand.\n");

    /* 5. drivers named as drivers: module-only frames, the culprit */
    static const struct {
        const char *what, *text, *module;
    } drivers[] = {
        {"driver then name", "ESXi 6.7 hosts with the native driver lsi_mr3 crash with a PSOD\n",
         "lsi_mr3"},
        {"name then driver", "Hosts with tg3 driver 3.1 show a purple screen\n", "tg3"},
        {"name in parentheses", "A host with the 10 GbE (ixgbe) driver may show a purple screen\n",
         "ixgbe"},
        {"name before the purple-screen words", "HPILO purple screen after an upgrade\n",
         "hpilo"},
    };
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        c = title_crash(drivers[i].what, drivers[i].text, &r);
        if (c != NULL) {
            T_EQ_STR(t_fmt("%s: frames", drivers[i].what), frames_of(c),
                     t_fmt("?@%s", drivers[i].module));
            T_EQ_STR(t_fmt("%s: culprit", drivers[i].what),
                     psod_culprit_kind_name(c->culprit_kind), "driver");
            T_EQ_STR(t_fmt("%s: culprit module", drivers[i].what), c->culprit_module,
                     drivers[i].module);
        }
        psod_result_release(&r);
    }
    no_crash("a product name is no module", "Hosts with Emulex FC/FCoE drivers show a PSOD\n");
    no_crash("a module name not called a driver", "Hosts list tg3 in the PSOD report\n");
    no_crash("a driver word next to an unknown name", "The foo driver caused a PSOD\n");
    no_crash("a driver named with no purple-screen word",
             "Update the lsi_mr3 driver to the latest release.\n");
}

int
test_psod_forms(void)
{
    int before = t_failed;
    test_prose();
    test_no_hash();
    test_residue();
    test_placeholders();
    test_world_names();
    test_symbol_frames();
    test_run_together();
    test_precursors();
    test_no_crash_prose();
    test_logged_warnings();
    test_named();
    test_title_forms();
    return t_failed - before;
}
