/* bugcheck: names and parameter meanings of Windows bug check codes, from
 * the embedded data/bugcheck_codes.tsv (every code Microsoft, the SDK and
 * rizin list) and data/bugcheck_params.tsv (the common codes' parameters). */
#ifndef VT_BUGCHECK_H
#define VT_BUGCHECK_H

#include <stdint.h>

/* The code's name ("SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"), or NULL when
 * the table does not list it. BUGCHECK_CONTEXT_MODIFIER (0x80000000) is
 * ignored. The string is static. */
const char *bugcheck_name(uint32_t code);
/* What parameter `i` (1-4) of `code` means, or NULL when not listed; the
 * `_M` variants mean what their base code means. Static. */
const char *bugcheck_parameter(uint32_t code, int i);
/* The code named `name` (INACCESSIBLE_BOOT_DEVICE; ASCII case ignored),
 * or -1 when the table has no such name. */
long long bugcheck_code(const char *name);

#endif
