# bench/lib.sh: what every bench script shares (sourced after it has changed
# to the repository's root): die, a nanosecond clock, the median of numbers.
die() {
    echo "bench: $*" >&2
    exit 1
}

# now: nanoseconds (date +%s%N, else python3)
if date +%s%N | grep -q '^[0-9][0-9]*$'; then
    now() { date +%s%N; }
elif command -v python3 >/dev/null 2>&1; then
    now() { python3 -c 'import time; print(time.time_ns())'; }
else
    die "no nanosecond clock (date +%s%N or python3)"
fi

# median: the median of the numbers on standard input, one a line
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
