#!/usr/bin/env bash
# Two geokernel binaries side by side on the scale-out benchmark's CPU figure (on demand, not in CI):
# the one-machine run (--threads 2) and the N partitions (--threads 1 each), interleaved OLD, NEW,
# OLD, NEW... so that both see the same machine load; ROUNDS rounds, the binary that goes first
# alternating from round to round (the first one-machine run of a round may re-read more of the scene
# from disk where the host pages idle page cache out). Prints CPU-seconds (user+sys, GNU time), each
# binary's partitioned / one-machine ratio, the ratio against the round's mean one-machine CPU (the
# one-machine run does not depend on start-up, so the two builds' runs estimate the same thing), and
# at the end the medians and the NEW / OLD ratio of the parts' sums. Scene and mask as
# Benchmarks/scale_out.py.
#   bash Benchmarks/scale_out_pair.sh OLD_BIN NEW_BIN [DATA_DIR] [N] [ROUNDS]
set -euo pipefail
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}   # as Benchmarks/scale_out.py (its docstring says why)
old=$1 new=$2 data=${3:-/tmp/geokernel-bench} n=${4:-16} rounds=${5:-2}
scene=$data/scene_16384_deflate.tif mask=$data/mask_16384_full.tif
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/gauss9.txt" <<'EOF'
import math, sys
g = [math.exp(-(d * d) / 8.0) for d in range(-4, 5)]   # Benchmarks/run.py's 9x9 gaussian
with open(sys.argv[1], "w") as f:
    for u in g:
        f.write(" ".join(repr(u * v / (sum(g) ** 2)) for v in g) + "\n")
EOF
options=(--kernel "$work/gauss9.txt" --mask "$mask" -q)
cpu() { /usr/bin/time -f "%U %S" -o "$work/t" "$@" >/dev/null 2>&1; awk '{printf "%.2f", $1 + $2}' "$work/t"; }
echo "load average $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
pooled_old=() pooled_new=() sum_old=0 sum_new=0
for r in $(seq "$rounds"); do
  declare -A one=() parts=([old]=0 [new]=0)
  order="old new"; [ $((r % 2)) = 0 ] && order="new old"
  for v in $order; do
    bin=$old; [ $v = new ] && bin=$new
    rm -f "$work/one.tif"
    one[$v]=$(cpu "$bin" apply "$scene" "$work/one.tif" "${options[@]}" --threads 2)
  done
  for i in $(seq 0 $((n - 1))); do
    for v in $order; do
      bin=$old; [ $v = new ] && bin=$new
      rm -f "$work/part.tif"
      c=$(cpu "$bin" apply "$scene" "$work/part.tif" "${options[@]}" --threads 1 --partition "$i/$n")
      parts[$v]=$(echo "${parts[$v]} + $c" | bc)
    done
  done
  mean=$(echo "scale=4; (${one[old]} + ${one[new]}) / 2" | bc)
  for v in old new; do
    pooled=$(echo "scale=3; ${parts[$v]} / $mean" | bc)
    echo "round $r $v: one machine ${one[$v]} CPU-s, $n parts ${parts[$v]} CPU-s," \
      "ratio $(echo "scale=3; ${parts[$v]} / ${one[$v]}" | bc), against the round's mean one machine $pooled"
  done
  pooled_old+=("$(echo "scale=4; ${parts[old]} / $mean" | bc)")
  pooled_new+=("$(echo "scale=4; ${parts[new]} / $mean" | bc)")
  sum_old=$(echo "$sum_old + ${parts[old]}" | bc)
  sum_new=$(echo "$sum_new + ${parts[new]}" | bc)
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "median against the rounds' mean one machine: old $(median "${pooled_old[@]}"), new $(median "${pooled_new[@]}");" \
  "parts' sums new / old $(echo "scale=4; $sum_new / $sum_old" | bc)"
echo "load average $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%H:%M UTC')"
