"""Scale-out benchmark: one `geokernel apply` against the same run cut into N partitions.

    python Benchmarks/scale_out.py --geokernel BIN [--data DIR] [--size 16384] [--partitions 16]
        [--dask-partitions K] [--runs 1]

(Benchmarks/scale_out.sh builds the release binary and the venv, then runs this.) On the DEFLATE
scene of Benchmarks/make_scene.py, full mask, the 9x9 gaussian of Benchmarks/run.py, own format:
  - one machine, --threads 2: wall, CPU (user+sys), peak RSS; and the same with -of COG;
  - the N partitions one after another, --threads 1 each, plus the VRT mosaic: total CPU, each
    part's peak RSS (the partitioned run's CPU without any scheduler);
  - geokernel-dask on a LocalCluster of 2 workers, one thread each: wall of the whole command
    (cluster start-up included), as VRT with N partitions and as the command picks them by default (one
    per worker: 2; --dask-partitions K passes --partitions K instead), and as COG the same way (validated);
and checks every mosaic's pixels against the one-machine output. Timing is GNU time's, warm cache.
Every run has OPENBLAS_NUM_THREADS=1 (unless set): where libblas.so.3 is OpenBLAS (python3-scipy installs it),
its loader starts a spinning thread per core in every geokernel process, which never calls BLAS
(~0.04 CPU-s a process); geokernel-dask sets the same for its tasks.
"""
import argparse
import json
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
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--geokernel", required=True)
ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/geokernel-bench"))
ap.add_argument("--size", type=int, default=16384)
ap.add_argument("--partitions", type=int, default=16)
ap.add_argument("--dask-partitions", type=int, default=0,
                help="partitions of the second geokernel-dask run and of its COG run (default 0: none given, the "
                     "command's default of one per worker)")
ap.add_argument("--runs", type=int, default=1)
a = ap.parse_args()

N, D, P, GK = a.size, a.data, a.partitions, a.geokernel
if not os.path.exists(os.path.join(D, f"scene_{N}_deflate.tif")):
    subprocess.run(["/usr/bin/python3", os.path.join(here, "make_scene.py"), str(N), D], check=True)
scene, mask = f"{D}/scene_{N}_deflate.tif", f"{D}/mask_{N}_full.tif"
W = os.path.join(D, "scale-out")
shutil.rmtree(W, ignore_errors=True)
os.makedirs(W)
g = [math.exp(-(d * d) / 8.0) for d in range(-4, 5)]  # sigma 2, 9x9, normalised: Benchmarks/run.py's
with open(f"{W}/gauss9.txt", "w") as f:
    for u in g:
        f.write(" ".join(repr(u * v / (sum(g) ** 2)) for v in g) + "\n")
OPTIONS = ["--kernel", f"{W}/gauss9.txt", "--mask", mask]
DASK = os.path.join(os.path.dirname(sys.executable), "geokernel-dask")


def timed(cmd, cleanup=()):
    """Median wall, CPU and max RSS (MiB) of `cmd` over the runs; its stdout of the last run."""
    walls, cpus, rss = [], [], []
    for _ in range(a.runs):
        for p in cleanup:
            shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else (os.path.exists(p) and os.remove(p))
        with tempfile.NamedTemporaryFile("r") as t:
            r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name] + cmd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
            w, u, s, m = t.read().split()[-4:]
        walls.append(float(w)); cpus.append(float(u) + float(s)); rss.append(int(m) / 1024)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "rss": max(rss)}, r.stdout


def valid_cog(path):
    r = subprocess.run([sys.executable, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", path],
                       capture_output=True, text=True)
    return r.returncode == 0


load_before = os.getloadavg()
started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
say = lambda s: print(f"  {s} ...", file=sys.stderr, flush=True)
res = {}
one, one_cog = f"{W}/one.tif", f"{W}/one_cog.tif"
say("one machine, 2 threads")
res["one"], _ = timed([GK, "apply", scene, one, *OPTIONS, "--threads", "2", "-q"], [one])
say("one machine, 2 threads, -of COG")
res["one_cog"], _ = timed([GK, "apply", scene, one_cog, *OPTIONS, "--threads", "2", "-q", "-of", "COG"], [one_cog])

say("start-up of one partition's process: geokernel plan of the scene")
res["startup"], _ = timed([GK, "plan", scene, *OPTIONS])
say("one machine, untimed, --json: blocks decoded")
decoded_one = json.loads(subprocess.run([GK, "apply", scene, f"{W}/one_json.tif", *OPTIONS, "--threads", "2", "--json"],
                                        capture_output=True, text=True, check=True).stdout)["blocks_decoded"]
os.remove(f"{W}/one_json.tif")
plan = json.loads(subprocess.run([GK, "plan", scene, *OPTIONS, "--partitions", str(P), "--json"],
                                 capture_output=True, text=True, check=True).stdout)
say(f"{P} partitions one after another, 1 thread each")
parts_dir = f"{W}/parts"
os.makedirs(parts_dir)
parts, part_runs = [], []
for i in range(P):
    part = f"{parts_dir}/part-{i:04d}-of-{P:04d}.tif"
    r, _ = timed([GK, "apply", scene, part, *OPTIONS, "--partition", f"{i}/{P}", "--threads", "1", "-q"], [part])
    parts.append(part); part_runs.append(r)
res["mosaic_vrt"], _ = timed([GK, "mosaic", *parts, f"{W}/parts.vrt"], [f"{W}/parts.vrt"])
res["parts"] = {"cpu": sum(r["cpu"] for r in part_runs), "wall": sum(r["wall"] for r in part_runs),
                "rss": max(r["rss"] for r in part_runs), "each": part_runs}
res["partitioned_cpu"] = res["parts"]["cpu"] + res["mosaic_vrt"]["cpu"]
parts_equal = same_pixels(f"{W}/parts.vrt", one)

PD = a.dask_partitions
few = ["--partitions", str(PD)] if PD else []
PD = PD or 2  # geokernel-dask's default on 2 workers
dask_common = [*OPTIONS, "--workers", "2", "--threads-per-task", "1", "--geokernel", GK]
say(f"geokernel-dask, {P} partitions, LocalCluster of 2 workers x 1 thread, VRT")
vrt = f"{W}/dask.vrt"
res["dask_vrt"], out = timed([DASK, "apply", scene, vrt, *dask_common, "--partitions", str(P), "--json"],
                             [vrt, vrt + ".parts"])
decoded_parts = sum(p["report"]["blocks_decoded"] for p in json.loads(out)["parts"])
dask_equal = same_pixels(vrt, one)
say(f"geokernel-dask, {PD} partitions, LocalCluster of 2 workers x 1 thread, VRT")
vrt_few = f"{W}/dask_few.vrt"
res["dask_vrt_few"], _ = timed([DASK, "apply", scene, vrt_few, *dask_common, *few, "-q"],
                               [vrt_few, vrt_few + ".parts"])
dask_equal = dask_equal and same_pixels(vrt_few, one)
say(f"geokernel-dask, {PD} partitions, -of COG")
cog = f"{W}/dask_cog.tif"
res["dask_cog"], _ = timed([DASK, "apply", scene, cog, *dask_common, *few, "-q", "-of", "COG"],
                           [cog, cog + ".parts"])
cog_equal, cog_valid = same_pixels(cog, one_cog), valid_cog(cog)
load_after = os.getloadavg()

ratio = lambda x, y: x / y if y else float("nan")
rows = [
    ("one machine, 2 threads", res["one"]),
    ("start-up: geokernel plan (open, selection, plan)", res["startup"]),
    ("one machine, 2 threads, -of COG", res["one_cog"]),
    (f"{P} partitions, 1 thread each, one after another (sum)", res["parts"]),
    (f"mosaic of {P} parts as VRT", res["mosaic_vrt"]),
    (f"geokernel-dask {P} partitions, 2 workers x 1 thread, VRT", res["dask_vrt"]),
    (f"geokernel-dask {PD} partitions, 2 workers x 1 thread, VRT", res["dask_vrt_few"]),
    (f"geokernel-dask {PD} partitions, 2 workers x 1 thread, -of COG", res["dask_cog"]),
]
print(f"\nScale-out benchmark, {N}x{N} UInt16 DEFLATE, full mask, 9x9 gaussian, own format; {started}; "
      f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; {a.runs} run(s) each\n")
print("| case | wall s | CPU s | peak RSS MiB |\n|---|---:|---:|---:|")
for name, r in rows:
    print(f"| {name} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} |")
summary = {
    "partitioned CPU (parts + VRT mosaic) / one machine CPU": ratio(res["partitioned_cpu"], res["one"]["cpu"]),
    f"dask VRT wall, {P} partitions / one machine wall": ratio(res["dask_vrt"]["wall"], res["one"]["wall"]),
    f"dask VRT wall, {PD} partitions / one machine wall": ratio(res["dask_vrt_few"]["wall"], res["one"]["wall"]),
    f"dask COG wall, {PD} partitions / one machine COG wall": ratio(res["dask_cog"]["wall"], res["one_cog"]["wall"]),
    f"{P} x start-up CPU / one machine CPU": ratio(P * res["startup"]["cpu"], res["one"]["cpu"]),
    "largest part's peak RSS / one machine peak RSS": ratio(res["parts"]["rss"], res["one"]["rss"]),
    "input blocks decoded by the partitions / by the one-machine run (halo re-reads)": ratio(decoded_parts,
                                                                                             decoded_one),
}
print()
for k, v in summary.items():
    print(f"- {k}: {v:.3f}")
print(f"- mosaics equal to the one-machine output: parts VRT {parts_equal}, dask VRT {dask_equal}, "
      f"dask COG {cog_equal}; dask COG valid: {cog_valid}")
res.update({"summary": summary, "equal": {"parts_vrt": parts_equal, "dask_vrt": dask_equal, "dask_cog": cog_equal},
            "cog_valid": cog_valid, "load": [load_before, load_after], "started": started,
            "blocks_decoded_partitions": decoded_parts, "blocks_decoded_one": decoded_one,
            "partition_windows": [p["window"] for p in plan["partitions"]]})
with open(f"{W}/results.json", "w") as f:
    json.dump(res, f, indent=1)
