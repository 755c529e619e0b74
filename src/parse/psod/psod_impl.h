/* psod_impl: what the psod_*.c files share and nobody else sees (not part of
 * the psod API). The decoder is split by concern: psod_text.c (bounded
 * spans, masked numbers), psod_line.c (cleaning, log prefixes, splitting a
 * pasted screen), psod_frame.c (frame grammar), psod_message.c (panic
 * messages), psod_culprit.c (culprit and names), psod_parse.c (the reader). */
#ifndef VT_PSOD_IMPL_H
#define VT_PSOD_IMPL_H

#include "parse/psod/psod.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- psod_text.c: spans that may hold NUL bytes ---- */

enum { PT_NONE, PT_VALUE, PT_MASKED };

const char *pt_find(const char *s, size_t n, const char *lit);
bool pt_starts(const char *s, size_t n, const char *lit);
bool pt_starts_ci(const char *s, size_t n, const char *lit);
bool pt_eq(const char *s, size_t n, const char *lit);
size_t pt_ws(const char *s, size_t n, size_t i);
void pt_trim(const char **s, size_t *n);
bool pt_is_mask(int c);
bool pt_is_word(const char *s, size_t n);
/* A number written 0x<hex> (also masked: 0x####, 0####, ####, 0xADDRESS1,
 * 0xnnnn). Returns PT_VALUE (*v set), PT_MASKED (a token, but hidden or not
 * a number) or PT_NONE; *len is the token length (0 for PT_NONE). */
int pt_hex(const char *s, size_t n, size_t *len, uint64_t *v);
/* A decimal (world id, cpu); masks: ####, ****, XXXX, <ID>. */
int pt_dec(const char *s, size_t n, size_t *len, long long *v);
/* A copy trimmed of blanks, cut at PSOD_MAX_TEXT on a UTF-8 boundary;
 * NULL when empty. */
char *pt_dup(const char *s, size_t n);
/* True when the text is nothing but mask characters (`###`, `***`, `XXXX`). */
bool pt_all_masked(const char *s, size_t n);
/* True when a name is a KB placeholder, whole or in one of its `:` parts:
 * masked (`#####`, `XXXX`) or bracketed (`<VM_Name>`, `[Device]`, `{name}`,
 * `(<Driver>)`). Such a name is reported as absent. */
bool pt_placeholder(const char *s, size_t n);

/* ---- psod_line.c: one physical line ---- */

/* What a log prefix told (`TS cpuN:W)`, `TS In(14) LogEFI[pid]:`, 4.x uptime). */
struct psod_prefix {
    bool present;
    int cpu;         /* -1 */
    long long world; /* -1 */
    const char *ts;  /* a real timestamp ("2015-12-17T20:34:03.603Z", "Mar 9 23:53:24"), or NULL */
    size_t tslen;
};

/* Returns the offset of the body of `s` past blanks, bullets and a log
 * prefix; fills *p. */
size_t psod_strip_prefix(const char *s, size_t n, struct psod_prefix *p);
/* Cut points (offsets > 0) where a line holding a whole screen (ugg.li/?p=921,
 * one-line KB pastes) starts a new piece; returns how many, at most max. */
size_t psod_split(const char *s, size_t n, size_t *cuts, size_t max);
/* Copies `in` into *out: NUL bytes become blanks, ANSI colour escapes (real
 * ESC or a literal `^[`) go, the blog escape `'@'` becomes `@`; the residue
 * of markdown and HTML copies goes too: `\[` `\_` escapes lose the
 * backslash, `**bold**` markers and backticks go, `&lt;` `&gt;` `&amp;`
 * `&#64;` become their character, U+00A0 a blank, U+200B..U+200D and
 * U+FEFF nothing; the en and em dash (U+2013, U+2014) become `-` and the
 * multiplication sign of a title's `0×36` an `x`. Never longer than `in`;
 * at most `max` bytes are read. */
struct buf;
void psod_clean(struct buf *out, const char *in, size_t n, size_t max);
/* True when the line may matter to a reader with nothing open: a few
 * needles found through a bigram table built by psod_needles_init. */
void psod_needles_init(unsigned char table[8192]);
bool psod_needles_any(const unsigned char table[8192], const char *s, size_t n);

/* ---- psod_frame.c ---- */

/* A `pcpu 118 Heartbeat NMI:` tag in front of a frame (a saved backtrace). */
struct psod_tag {
    bool present;
    int pcpu;
    const char *reason;
    size_t reason_len;
};

/* Length of a `pcpu 118 Heartbeat NMI: ` tag at s (0 when there is none). */
size_t psod_saved_tag_len(const char *s, size_t n);
/* Reads one screen/log frame (`0xF:[0xIP]Func@mod#ver+0xOFF stack: ...`,
 * `[0xIP]Func+0xOFF`, 4.x `Func@mod:ver`, `<unknown>`, `[0x0]`); false when
 * the text is not a frame. *f is set (owned strings) only on true. */
bool psod_parse_frame(const char *s, size_t n, struct psod_frame *f, struct psod_tag *tag);
/* Reads a gdb frame `#N  func (args) at file:line` / `#N 0x.. in func (...)`. */
bool psod_parse_gdb_frame(const char *s, size_t n, struct psod_frame *f);
/* Reads a frame written without addresses, the whole text being one symbol
 * (`Func@vmkernel#nover+0x1a`, `Func@(drv)#<None>+0x5a`, `Func@module`,
 * optionally ` stack: ...` after it); the reader takes these only inside a
 * crash whose message came first. */
bool psod_parse_symbol_frame(const char *s, size_t n, struct psod_frame *f);
/* True when the text holds a frame marker (`:[0x`) that may be a frame. */
bool psod_frame_like(const char *s, size_t n);
void psod_frame_release(struct psod_frame *f);
/* Appends *f (ownership moves) or counts it dropped past PSOD_MAX_FRAMES. */
void psod_frames_push(struct psod_frames *fs, struct psod_frame *f);
void psod_frames_release(struct psod_frames *fs);
bool psod_frame_same(const struct psod_frame *a, const struct psod_frame *b);

/* ---- psod_modules.c (data/esxi_modules.tsv) ---- */

/* True for a module VMware writes (the vmkernel, VMFS, vSAN, the network
 * stack, NSX ...): a crash there is VMware's, never a driver vendor's. */
bool psod_module_is_vmware(const char *module);
/* The vendor driver a world is named after (`lpfc_path_cl` gives lpfc), as
 * a new string, or NULL. */
char *psod_vendor_module_of_world(const char *world);
/* The vendor driver a word of prose is (`lsi_mr3`, `HPILO`, `tg3`: a vendor
 * row of the table, whole, case-insensitive; a prefix row's word as written,
 * lower-cased), as a new string, or NULL; VMware's modules are not drivers. */
char *psod_vendor_module_named(const char *s, size_t n);
/* The module whose source file an ASSERT / NOT_REACHED / NOT_IMPLEMENTED
 * message names (`bora/modules/vmkernel/cmmds/...` gives cmmds, a
 * vmkdrivers `drivers/.../e1000e/netdev.c` gives e1000e), as a new string
 * with *vmware set, or NULL. */
char *psod_module_of_path(const char *msg, bool *vmware);

/* ---- psod_named.c ---- */

/* How a line speaks of a crash: 2 for a purple screen (PSOD, in several
 * languages), 1 for words any program's crash uses (backtrace, the stack),
 * which count near VMware words only (psod_named_vmware), 0 for none. Only
 * such lines may name functions in prose. */
int psod_named_cue(const char *s, size_t n);
/* True when a line names ESX(i), VMware, vSphere, the VMkernel or vCenter. */
bool psod_named_vmware(const char *s, size_t n);
/* True for a token shaped like a VMkernel or driver function: an underscore,
 * or CamelCase with a hump past its second letter, not a product name. */
bool psod_function_shaped(const char *s, size_t n);
/* The function-shaped identifiers of a line of prose, up to max, as new
 * strings in out; returns how many. With calls_only, only those written as a
 * call (`lpfc_external_dif_cmpl()`): a line near a crash word, not on it. */
size_t psod_named_functions(const char *s, size_t n, bool calls_only, char **out, size_t max);
/* Appends a frame that is only a function named in prose (ownership of
 * `function` moves), with no address or module. */
void psod_frames_push_named(struct psod_frames *fs, char *function, unsigned long line);
/* The one function a list item names, its bullet or number already gone
 * with the line's prefix (`Fn`, `Fn()`, `` `Fn` ``), or NULL for anything
 * else; *len its length. */
const char *psod_named_list_item(const char *s, size_t n, size_t *len);

/* On a line that speaks of a purple screen (psod_named_cue 2), the panic
 * message a title gives in words: `Heap NAME already at its maximum size
 * ...`, or the text a title quotes within six words after its purple-screen
 * words, after `error:` (quoted or not) or `the error`, `reports`, `states`
 * (quoted only), with some plain English in it (a list of function names
 * or a frame is no message). Its start in s, or NULL; *len its length,
 * quotes left out. The caller keeps log-prefixed lines away. */
const char *psod_named_message(const char *s, size_t n, size_t *len);
/* The frames a line of prose writes as symbols, without addresses
 * (`RefCountBlock@vmkernel#nover+0x36`, `Res3GetSpecificCluster@esx`): up
 * to max into out (owned strings, `named` set); a word that is no symbol
 * (`admin@esx01`, an e-mail address) gives none. */
size_t psod_named_symbols(const char *s, size_t n, struct psod_frame *out, size_t max);
/* On a line that speaks of a purple screen, the vendor drivers it names as
 * drivers (`Driver lsi_mr3`, `tg3 driver`, `(ixgbe) driver`, `HPILO Purple
 * Diagnostic Screen`): words that are modules of data/esxi_modules.tsv,
 * next to `driver(s)`/`module` or right before the purple-screen words.
 * Up to max new strings into out; returns how many. */
size_t psod_named_modules(const char *s, size_t n, char **out, size_t max);
/* On a line that speaks of a purple screen, the release(s) it names:
 * `VMware ESXi 6.0 Update 2`, `VMware ESXi 5.1, 5.5 and 6.0` (a new string,
 * as written after `ESXi`); NULL when it names none (`ESXi 5.x`, `ESXi
 * host`). A crash read from a title has no banner: this is its product. */
char *psod_named_release(const char *s, size_t n);

/* ---- psod_message.c ---- */

/* Where in `s` a panic message of a form only a purple screen prints starts
 * (`#PF Exception 14 in world`, `PCPU 1 locked up`, `Panic from another CPU`,
 * `NMI IPI: Panic requested`, `LINT1/NMI`, MCE forms, vmklinux BUG, ASSERT
 * path:line ...), or NULL. In prose it may start any word; in a line with a
 * log prefix (`logged`) only the body's start counts, as the vmkernel prints
 * a crash's message there and a warning elsewhere quotes one. */
const char *psod_panic_message(const char *s, size_t n, bool logged);
/* A message a purple screen prints before (or after) its `@BlueScreen:`
 * line (`CRITICAL: Lost access to boot device`, `UEFI Secure Boot failed`,
 * `... ApeiHESTNmiHandler requested PSOD`): 1; one that is a crash only
 * when a backtrace follows (`IOMMU Fault detected for`): 2; else 0. */
int psod_precursor(const char *m, size_t n);
/* How much of s from m (a message start inside s) is the message: up to
 * the closing quote when a quote opens right before it, else the rest. */
size_t psod_message_len(const char *s, size_t n, const char *m);
enum psod_type psod_classify(const char *m, size_t n, int *exception);
/* Sets type, exception, world, ip, address, cpu, code start from a message;
 * `overwrite` lets a value found replace one already set. */
void psod_message_fields(struct psod_crash *c, const char *m, size_t n, bool overwrite);
/* Length of the world name at m (after `in world ID:`): one word, or
 * several up to a value key (` IP `, ` @ `, ` addr `) within three words. */
size_t psod_world_name_len(const char *m, size_t n);
/* `Panic Details: Crash at TS on CPU N running world W. VMK Uptime:U`. */
void psod_details_fields(struct psod_crash *c, const char *m, size_t n);
/* Reads `VMK uptime: 1:08:27:56.829` anywhere in s into c->uptime (unset only). */
void psod_uptime_field(struct psod_crash *c, const char *s, size_t n);

/* ---- psod_culprit.c ---- */

void psod_crash_init(struct psod_crash *c);
void psod_crash_release(struct psod_crash *c);

#endif
