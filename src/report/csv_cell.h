/* csv_cell: the one CSV cell writer of the reporters (csv_cell.c). */
#ifndef VT_CSV_CELL_H
#define VT_CSV_CELL_H

#include <stdbool.h>
#include <stdio.h>

/* Writes `s` (NULL: empty) as one cell and its separator: a comma, or CRLF
 * when `last`. */
void csv_cell(FILE *fp, const char *s, bool last);

#endif
