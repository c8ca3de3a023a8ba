"""The Dask wall target side by side: one machine against geokernel-dask, interleaved (on demand, not in CI).

    python Benchmarks/scale_out_pairs.py --geokernel BIN [--data DIR] [--pairs 4]
        [--dask LABEL=ARGS]... [--dask-command PATH]

Each round runs `geokernel apply` on one machine (--threads 2), then every --dask variant (default: one,
`default=`, the command as a user types it, without --partitions), so that all see the same machine
load: the 16384² DEFLATE scene of Benchmarks/make_scene.py, full mask, the 9x9 gaussian of
Benchmarks/run.py, own format, geokernel-dask on a LocalCluster of 2 workers, one thread each. ARGS are
extra geokernel-dask options split on spaces (e.g. `p4=--partitions 4`; a token `env:NAME=VALUE` sets
a variable of that run instead, e.g. `env:PYTHONPATH=...` for another copy of the package). Prints each
run's wall and CPU (user+sys of the whole process tree, GNU time), the load average, and per variant the
median wall and CPU ratios to the one-machine run of the same round. Checks the first round's mosaics against the
one-machine output.
"""
import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from osgeo import gdal

from raster_compare import same_pixels   # this folder: Python puts it on sys.path

gdal.UseExceptions()
ap = argparse.ArgumentParser()
ap.add_argument("--geokernel", required=True)
ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/geokernel-bench"))
ap.add_argument("--size", type=int, default=16384)
ap.add_argument("--pairs", type=int, default=4)
ap.add_argument("--dask", action="append", default=[], metavar="LABEL=ARGS")
ap.add_argument("--dask-command", default=os.path.join(os.path.dirname(sys.executable), "geokernel-dask"))
a = ap.parse_args()

scene, mask = f"{a.data}/scene_{a.size}_deflate.tif", f"{a.data}/mask_{a.size}_full.tif"
W = tempfile.mkdtemp(prefix="scale-out-pairs-", dir=a.data if os.access(a.data, os.W_OK) else None)
g = [math.exp(-(d * d) / 8.0) for d in range(-4, 5)]
with open(f"{W}/gauss9.txt", "w") as f:
    for u in g:
        f.write(" ".join(repr(u * v / (sum(g) ** 2)) for v in g) + "\n")
OPTIONS = ["--kernel", f"{W}/gauss9.txt", "--mask", mask]
variants = [v.split("=", 1) for v in (a.dask or ["default="])]


def timed(cmd, env=None):
    with tempfile.NamedTemporaryFile("r") as t:
        r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name] + cmd, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
        w, u, s, m = t.read().split()[-4:]
    return float(w), float(u) + float(s), int(m) / 1024


load = lambda: " ".join(f"{x:.2f}" for x in os.getloadavg())
print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load()}; {a.geokernel}", flush=True)
ratios = {label: [] for label, _ in variants}
one = f"{W}/one.tif"
for r in range(a.pairs):
    if os.path.exists(one):
        os.remove(one)
    w1, c1, m1 = timed([a.geokernel, "apply", scene, one, *OPTIONS, "--threads", "2", "-q"])
    print(f"round {r + 1} one machine: {w1:.2f} s, {c1:.2f} CPU-s, {m1:.0f} MiB; load {load()}", flush=True)
    for label, args in variants:
        out = f"{W}/dask-{label}.vrt"
        for p in (out, out + ".parts"):
            shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else (os.path.exists(p) and os.remove(p))
        env = dict(os.environ, **dict(x[4:].split("=", 1) for x in args.split() if x.startswith("env:")))
        w, c, m = timed([a.dask_command, "apply", scene, out, *OPTIONS, "--workers", "2", "--geokernel", a.geokernel,
                         "-q", *(x for x in args.split() if not x.startswith("env:"))], env)
        ratios[label].append((w / w1, c / c1))
        same = f", pixels equal: {same_pixels(out, one)}" if r == 0 else ""
        print(f"round {r + 1} dask {label} ({args or 'defaults'}): {w:.2f} s, {c:.2f} CPU-s, {m:.0f} MiB; "
              f"wall ratio {w / w1:.3f}, CPU ratio {c / c1:.3f}; load {load()}{same}", flush=True)
for label, rs in ratios.items():
    print(f"# {label}: median wall ratio {statistics.median(x for x, _ in rs):.3f} "
          f"({', '.join(f'{x:.2f}' for x, _ in rs)}), median CPU ratio {statistics.median(y for _, y in rs):.3f}")
print(f"# end {time.strftime('%H:%M UTC', time.gmtime())}, load average {load()}")
shutil.rmtree(W, ignore_errors=True)
