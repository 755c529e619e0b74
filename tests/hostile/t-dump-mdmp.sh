#!/bin/sh
# t-dump-mdmp: a cut user-mode minidump (MDMP) is `complete: false`, with an
# error naming the stream and the offset that is cut, in JSON, text and CSV, as
# a cut kernel dump is. The test builds its own minidump (layouts of the SDK's
# minidumpapiset.h: MINIDUMP_HEADER, _DIRECTORY, _SYSTEM_INFO, _THREAD_LIST,
# _MEMORY_LIST) and also cuts the corpus's calc.exe dump (PROVENANCE.tsv:
# rizintb_calc.dmp, a user-mode minidump) when the corpus is there. For each
# cut the expected messages come from the file's own directory, parsed here.
. "$(dirname "$0")/../cli/lib.sh"

trun() {
    timeout 10 "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
}

# ---------------------------------------------------------------- the test's own minidump
python3 - "$WORK/own.dmp" <<'PY'
import struct, sys
# header 0..32, directory 32..68 (3 entries), SystemInfo 68..124, ThreadList
# 124..176 (1 thread of 48 bytes), MemoryList 176..212 (2 ranges), then the
# thread's stack at 400 (64 bytes), its context at 500 (1232 bytes), memory
# range 1 at 1800 (128 bytes): 1928 bytes in all.
b = bytearray(1928)
struct.pack_into("<4sIIIIIQ", b, 0, b"MDMP", 0xA793, 3, 32, 0, 0x5F000000, 0)
struct.pack_into("<III", b, 32, 7, 56, 68)     # SystemInfoStream
struct.pack_into("<III", b, 44, 3, 52, 124)    # ThreadListStream
struct.pack_into("<III", b, 56, 5, 36, 176)    # MemoryListStream
struct.pack_into("<HHHBBIIII", b, 68, 9, 6, 0, 2, 1, 10, 0, 19041, 2)  # x64, Windows 10.0.19041
struct.pack_into("<I", b, 124, 1)
struct.pack_into("<IIIIQQIIII", b, 128, 7, 0, 0, 0, 0, 0x1000, 64, 400, 1232, 500)
struct.pack_into("<I", b, 176, 2)
struct.pack_into("<QII", b, 180, 0x1000, 64, 400)
struct.pack_into("<QII", b, 196, 0x2000, 128, 1800)
open(sys.argv[1], "wb").write(b)
PY

# expect.py DUMP CUT: prints, one a line, the messages (parts of them) a cut at
# CUT must give, from the dump's own directory and lists.
cat >"$WORK/expect.py" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
cut = int(sys.argv[2])
# MINIDUMP_STREAM_TYPE (minidumpapiset.h), in the words of the report
names = {3: "thread list stream", 4: "module list stream", 5: "memory list stream",
         6: "exception stream", 7: "system information stream", 8: "thread ex list stream",
         9: "memory64 list stream", 15: "misc info stream", 19: "token stream",
         21: "system memory info stream", 22: "process VM counters stream"}
n, dirrva = struct.unpack_from("<II", d, 8)
def past(off, size):
    return "lies" if off >= cut else "runs"
for i in range(n):
    at = dirrva + 12 * i
    t, size, rva = struct.unpack_from("<III", d, at)
    if size == 0:
        continue
    name = names.get(t, "stream")
    if rva + size > cut:
        if t == 4:
            print("module list")
        else:
            print(f"{name} (directory entry {i} at offset 0x{at:x}) at offset 0x{rva:x} ({size} bytes) {past(rva, size)} past the end of the file ({cut} bytes), cut at offset 0x{cut:x}")
        continue
    if t in (3, 8):
        count, = struct.unpack_from("<I", d, rva)
        es = 48 if t == 3 else 64
        for k in range(count):
            e = rva + 4 + k * es
            parts = [("stack", 32), ("context", 40)] + ([("backing store", 56)] if t == 8 else [])
            for part, o in parts:
                sz, r = struct.unpack_from("<II", d, e + o)
                if sz and r + sz > cut:
                    print(f"{name} at offset 0x{rva:x}: {part} of thread {k} at offset 0x{r:x} ({sz} bytes) {past(r, sz)} past the end of the file ({cut} bytes), cut at offset 0x{cut:x}")
                    break
            else:
                continue
            break  # the first cut thread of the list: later ones may be summed up
    if t == 5:
        count, = struct.unpack_from("<I", d, rva)
        for k in range(count):
            start, sz, r = struct.unpack_from("<QII", d, rva + 4 + 16 * k)
            if r + sz > cut:
                print(f"{name} at offset 0x{rva:x}: memory range {k} at offset 0x{r:x} ({sz} bytes) {past(r, sz)} past the end of the file ({cut} bytes), cut at offset 0x{cut:x}")
                break
PY

# check_cut NAME DUMP CUT: the cut file is partial, every expected message is there
check_cut() {
    head -c "$3" "$2" >"$WORK/cut.dmp"
    python3 "$WORK/expect.py" "$2" "$3" >"$WORK/want"
    trun dump -f json "$WORK/cut.dmp"
    ok "$1 cut at $3: complete false, exit 3" sh -c "[ $RC -eq 3 ] && python3 -c \"import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if d['dumps'] and d['dumps'][0]['complete'] is False else 1)\""
    python3 -c "import json,sys; [print(e['message']) for e in json.load(open(sys.argv[1]))['errors']]" "$WORK/out" >"$WORK/got"
    ok "$1 cut at $3: the stream and the offset cut are named ($(wc -l <"$WORK/want") expected)" \
        sh -c "[ -s '$WORK/want' ] && while IFS= read -r w; do grep -qF -- \"\$w\" '$WORK/got' || exit 1; done <'$WORK/want'"
    trun dump "$WORK/cut.dmp"
    first=$(head -n 1 "$WORK/got")
    ok "$1 cut at $3: text marks it partial, with the first error" grep -qF -- "partial   the file is damaged: what follows the error was not read; first: $first" "$WORK/out"
    ok "$1 cut at $3: the errors on standard error name the file" grep -qF -- "vmtriage: $WORK/cut.dmp: $first" "$WORK/err"
    trun dump -f csv "$WORK/cut.dmp"
    ok "$1 cut at $3: CSV complete column false" sh -c "head -n 1 '$WORK/out' | grep -q ',complete,findings' && sed -n 2p '$WORK/out' | grep -q ',false,'"
}

trun dump -f json "$WORK/own.dmp"
ok "own minidump, whole: complete, no errors, x64 build 19041" json "d['dumps'][0]['complete'] is True and d['errors'] == [] and d['dumps'][0]['os_build'] == 19041"
trun dump -f csv "$WORK/own.dmp"
ok "own minidump, whole: CSV complete true" sh -c "sed -n 2p '$WORK/out' | grep -q ',true,'"
for cut in 100 300 1000 1900 1927; do
    check_cut "own minidump" "$WORK/own.dmp" $cut
done

# ---------------------------------------------------------------- the corpus's calc.exe minidump
CALC="$SHARED/corpus/minidump/rizintb_calc.dmp"
if have_shared "$CALC" "calc.dmp cuts" && grep -q '^rizintb_calc.dmp' "$SHARED/corpus/minidump/PROVENANCE.tsv"; then
    trun dump -f json "$CALC"
    ok "calc.dmp whole: complete" json "d['dumps'][0]['complete'] is True and d['errors'] == []"
    size=$(wc -c <"$CALC")
    for cut in 1000 5000 20000 30000 $((size - 24)) $((size - 1)); do
        check_cut "calc.dmp" "$CALC" $cut
    done
elif [ -f "$CALC" ]; then
    ok "calc.dmp: its PROVENANCE row is there" false
fi
done_testing
