#!/bin/sh
# kb-citation.sh [SHARED]: how many of the corpus's crash texts get the
# knowledge-base article their own source names cited by `vmtriage psod`.
# The KB numbers come from corpus/esxi/PROVENANCE.tsv (the source address
# and the stated cause: article/NNNNNN, legacyId=NNNN, "KB NNNNNNN"); a file
# counts when it decodes to a crash and one of the signatures it matches
# lists one of those numbers in its references. A measurement for the
# README, not a test: it prints one line per file and the share.
SHARED=${1:-../shared}
BIN=${VT_BIN:-build/vmtriage}
P="$SHARED/corpus/esxi/PROVENANCE.tsv"
[ -r "$P" ] || { echo "kb-citation: no $P" >&2; exit 3; }
tail -n +2 "$P" | while IFS="$(printf '\t')" read -r file source kind cause; do
    kbs=$(printf '%s %s\n' "$source" "$cause" |
        grep -oE '(article/|legacyId=|articleNumber=|KB )[0-9]{4,7}' | grep -oE '[0-9]+' | sort -u | tr '\n' ' ')
    [ -n "$kbs" ] || continue
    "$BIN" psod -f json "$SHARED/corpus/esxi/$file" 2>/dev/null | python3 -c '
import json, sys
kbs = sys.argv[2].split()
d = json.load(sys.stdin)
if not d["crashes"]:
    sys.exit(0)
refs = " ".join(r for f in d["findings"] if f["rule"] in {s for c in d["crashes"] for s in c["signatures"]}
               for r in f.get("references", []))
hit = [k for k in kbs if k in refs]
print(("cited " if hit else "missed") + "\t" + sys.argv[1] + "\t" + " ".join(kbs))
' "$file" "$kbs"
done | awk -F'\t' '{print; n++; if ($1 == "cited ") c++} END {printf "%d of %d corpus crash texts cite the KB their source names\n", c, n}'
