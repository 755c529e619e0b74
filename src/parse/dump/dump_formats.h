/* dump_formats: the format readers dump_read.c dispatches to, one per dump
 * signature (not part of the dump API). Each reads the header past its
 * signature through dump_io.h and fills *out; none calls dump_read.c. */
#ifndef VT_DUMP_FORMATS_H
#define VT_DUMP_FORMATS_H

#include "parse/dump/dump_io.h"

enum dump_status dump_read_kernel(struct dump_reader *r, struct crash_dump *out, bool is64);
enum dump_status dump_read_mdmp(struct dump_reader *r, struct crash_dump *out);

#endif
