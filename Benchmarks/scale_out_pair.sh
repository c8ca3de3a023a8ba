#!/usr/bin/env bash
# Two geokernel binaries side by side on the scale-out benchmark's CPU figure (on demand, not in CI):
# the one-machine run (--threads 2) and the N partitions (--threads 1 each), interleaved OLD, NEW,
# OLD, NEW... so that both see the same machine load; ROUNDS rounds. Prints CPU-seconds (user+sys,
# GNU time) and each binary's partitioned / one-machine ratio. Scene and mask as Benchmarks/scale_out.py.
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
for r in $(seq "$rounds"); do
  declare -A one=() parts=([old]=0 [new]=0)
  for v in old new; do
    bin=$old; [ $v = new ] && bin=$new
    rm -f "$work/one.tif"
    one[$v]=$(cpu "$bin" apply "$scene" "$work/one.tif" "${options[@]}" --threads 2)
  done
  for i in $(seq 0 $((n - 1))); do
    for v in old new; do
      bin=$old; [ $v = new ] && bin=$new
      rm -f "$work/part.tif"
      c=$(cpu "$bin" apply "$scene" "$work/part.tif" "${options[@]}" --threads 1 --partition "$i/$n")
      parts[$v]=$(echo "${parts[$v]} + $c" | bc)
    done
  done
  for v in old new; do
    echo "round $r $v: one machine ${one[$v]} CPU-s, $n parts ${parts[$v]} CPU-s," \
      "ratio $(echo "scale=3; ${parts[$v]} / ${one[$v]}" | bc)"
  done
done
echo "load average $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%H:%M UTC')"
