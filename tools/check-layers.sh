#!/bin/sh
# check-layers.sh [SRC]: the source tree shows the data flow (src/README.md),
# and no room reaches back up. Each file under SRC (default src) may include
# headers of its own stage and of the stages below it, in this order:
#   util < source < parse < record < rules < findings < report < cmd < main.c
# Parsers are pure: parse/ includes only parse/ and util/ (no sources, no I/O).
# Every project include names its folder ("parse/vmx/vmx_parse.h"). Prints
# one line per violation (FILE:LINE: what) and exits 1 when there is one.
SRC=${1:-src}
find "$SRC" -name '*.[ch]' | sort | xargs awk -v src="$SRC" '
BEGIN {
    n = split("util source parse record rules findings report cmd", st, " ")
    for (i = 1; i <= n; i++) rank[st[i]] = i
    bad = 0
}
FNR == 1 {
    rel = FILENAME
    sub("^" src "/", "", rel)
    stage = rel ~ /\// ? substr(rel, 1, index(rel, "/") - 1) : "main"
    if (stage == "main") r = 99
    else if (stage in rank) r = rank[stage]
    else { printf "%s: a folder that is no stage (%s)\n", FILENAME, stage; bad = 1; r = 0 }
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
    inc = $0
    sub(/^[^"]*"/, "", inc)
    sub(/".*$/, "", inc)
    if (inc !~ /\//) {
        printf "%s:%d: #include \"%s\" names no stage folder\n", FILENAME, FNR, inc
        bad = 1
        next
    }
    to = substr(inc, 1, index(inc, "/") - 1)
    if (!(to in rank)) {
        printf "%s:%d: #include \"%s\": %s is no stage folder\n", FILENAME, FNR, inc, to
        bad = 1
    } else if (rank[to] > r) {
        printf "%s:%d: #include \"%s\": %s is above %s in the data flow\n", FILENAME, FNR, inc, to, stage
        bad = 1
    } else if (stage == "parse" && to != "parse" && to != "util") {
        printf "%s:%d: #include \"%s\": parsers are pure (parse/ includes only parse/ and util/)\n", FILENAME, FNR, inc
        bad = 1
    }
}
END { exit bad }
' || exit 1
