/* cpuid_mask: which CPU features a VM's .vmx CPUID masks hide from its guest.
 *
 * A .vmx may carry `cpuid.<leaf>.<register> = "----:----:...:----"` (the CPU
 * Identification Mask of the vSphere Client, and what EVC-like hand masks
 * write): 32 positions, bit 31 first (cpuid.0.ebx of a GenuineIntel mask reads
 * 0x756E6547, the vendor string's "Genu"), a ':' after every 4. The vSphere
 * API's HostCpuIdInfo says what a position means for the guest: '0' and 'R'
 * report the feature as disabled, '1' as enabled, 'H' and '-' pass the host's
 * value (H also binds vMotion), 'T'/'F'/'x' state requirements. So a '0' or
 * 'R' at a feature's bit hides it.
 *
 * The features are the ones the diagnose walk asks about, at the CPUID bits
 * Intel's and AMD's manuals give them (table in cpuid_mask.c). Pure. */
#ifndef VT_CPUID_MASK_H
#define VT_CPUID_MASK_H

#include "parse/vmx/vmx_parse.h"

#include <stddef.h>

#define CPUID_MASK_FEATURES 8

/* The features the masks of `doc` hide, as the Linux kernel names them in
 * /proc/cpuinfo ("popcnt", "sse4_2", "vmx", ...), in table order, into
 * names[] (static strings; at most CPUID_MASK_FEATURES). *first receives the
 * mask entry that hides the first of them (NULL when none). A mask that is
 * not 32 positions of the documented characters is not read: it hides
 * nothing here. */
size_t cpuid_mask_hidden(const struct vmx_doc *doc, const char **names,
                         const struct vmx_entry **first);

/* The character of the 32-position mask `value` at `bit` (0-31), or 0 when
 * the mask is not one. */
char cpuid_mask_at(const char *value, int bit);

#endif
