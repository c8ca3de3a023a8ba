#!/usr/bin/python3
"""GeoKernel on a multi-gigabyte scene: issue #13's table and chart, side by side in one invocation.

    /usr/bin/python3 Benchmarks/huge.py [--size 40960] [--block 512] [--runs 1] [--data /work/gkbench]
                                        [--chart Docs/performance-huge.png] [--py /work/venv-bench/bin/python]

Makes the scene with Benchmarks/make_scene.py on first use (UInt16, DEFLATE + PREDICTOR=2, tiled
BLOCK, strip by strip in bounded memory), then masks that select a disc in a given fraction of the
BLOCK-tiles (0, 2, 10, 55, 100 %; the 55 % mask covers about 10 % of the pixels, like the issue's blob
mask), and times: gdal_translate DEFLATE -> DEFLATE and -of COG (the anchors), geokernel own format at
every fraction (sharpen on the full mask, a 9x9 gaussian otherwise), -of COG, -> Float32 uncompressed,
and rasterio + OpenCV (../shared/bench/anchor_windowed.py, 2 threads, skipping mask-free windows) when
PY imports rasterio and cv2. Prints a Markdown table (median wall, CPU, peak RSS by GNU time) and the
ratios of the issue's targets; writes DATA/results-huge.json and the chart of time against the
fraction of tiles selected. Generated data stays under DATA, never in the repository.
"""
import argparse, json, math, os, shutil, statistics, subprocess, sys, tempfile
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=40960)
ap.add_argument("--block", type=int, default=512)
ap.add_argument("--runs", type=int, default=1)
ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/work/gkbench"))
ap.add_argument("--chart", default=os.path.join(root, "Docs", "performance-huge.png"))
ap.add_argument("--anchors", default=os.path.join(root, "..", "shared", "bench"))
ap.add_argument("--py", default=os.environ.get("PY", "/work/venv-bench/bin/python"))
ap.add_argument("--no-anchor-chart", action="store_true", help="run rasterio + OpenCV only at 55 %%")
ap.add_argument("--masks-only", action="store_true", help="make the scene and the masks, run nothing")
a = ap.parse_args()
N, B, D = a.size, a.block, a.data
os.makedirs(os.path.join(D, "out"), exist_ok=True)
free = shutil.disk_usage(D).free
need = N * N * 2 * 4   # the uncompressed scene, its DEFLATE copy, two outputs at once, a COG's temporary
if free < need:
    raise SystemExit(f"{D}: {free / 2**30:.1f} GiB free, about {need / 2**30:.1f} GiB needed")
scene = f"{D}/scene_{N}_deflate.tif"
if not os.path.exists(scene):   # make_scene.py renames it into place once complete
    subprocess.run([sys.executable, os.path.join(here, "make_scene.py"), str(N), D, str(B)], check=True)
ds = gdal.Open(scene)
if ds.GetRasterBand(1).GetBlockSize() != [B, B]:
    raise SystemExit(f"{scene} is not tiled {B}: remove {D}/scene_{N}*.tif and .json to make it again")
ds = None

FRACTIONS = [0, 2, 10, 55, 100]
def tile_mask(pct):
    """A Byte mask, tiled B, selecting a disc (18 % of a tile) in pct % of the B-tiles, chosen by a hash."""
    path = f"{D}/mask_{N}_tiles{pct}.tif"
    if os.path.exists(path):
        return path
    tiles = (N + B - 1) // B
    yy, xx = np.mgrid[0:B, 0:B]
    disc = (((yy - B / 2) ** 2 + (xx - B / 2) ** 2) <= (0.24 * B) ** 2).astype(np.uint8)
    out = gdal.GetDriverByName("GTiff").Create(path + ".tmp", N, N, 1, gdal.GDT_Byte,
                                                ["TILED=YES", f"BLOCKXSIZE={B}", f"BLOCKYSIZE={B}", "COMPRESS=DEFLATE"])
    band = out.GetRasterBand(1)
    for ty in range(tiles):
        rows = min(B, N - ty * B)
        strip = np.zeros((rows, N), np.uint8)
        for tx in range(tiles):
            h = ((tx * 73856093) ^ (ty * 19349663)) % 1000
            if pct == 100 or h < pct * 10:
                cols = min(B, N - tx * B)
                strip[:, tx * B:tx * B + cols] = 1 if pct == 100 else disc[:rows, :cols]
        band.WriteArray(strip, 0, ty * B)
    out = None
    os.rename(path + ".tmp", path)
    return path
masks = {p: tile_mask(p) for p in FRACTIONS}
if a.masks_only:
    raise SystemExit(0)

gk_bin = subprocess.run(["swift", "build", "-c", "release", "--scratch-path", ".build-rel", "--show-bin-path"],
                        cwd=root,
                        capture_output=True, text=True, check=True).stdout.strip() + "/geokernel"
g = [math.exp(-(d * d) / 8.0) for d in range(-4, 5)]
s = sum(g)
GAUSS9 = f"{D}/gauss9.txt"
with open(GAUSS9, "w") as f:
    for u in g:
        f.write(" ".join(repr(u * v / (s * s)) for v in g) + "\n")
out = f"{D}/out/huge.tif"
ANCHOR_ENV = {"GDAL_CACHEMAX": "512", "GDAL_NUM_THREADS": "ALL_CPUS"}
DEFLATE = ["-co", "TILED=YES", "-co", f"BLOCKXSIZE={B}", "-co", f"BLOCKYSIZE={B}", "-co", "COMPRESS=DEFLATE",
           "-co", "PREDICTOR=2", "-co", "NUM_THREADS=ALL_CPUS", "-co", "BIGTIFF=YES"]
COG = ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co", f"BLOCKSIZE={B}", "-co", "BIGTIFF=YES",
       "-co", "NUM_THREADS=ALL_CPUS", "-co", "OVERVIEWS=AUTO", "-co", "RESAMPLING=AVERAGE"]

def timed(cmd, env=None):
    walls, cpus, rss = [], [], []
    for _ in range(a.runs):
        for p in [out, out + ".aux.xml"]:
            if os.path.exists(p): os.remove(p)
        with tempfile.NamedTemporaryFile("r") as t:
            e = dict(os.environ); e.pop("GDAL_CACHEMAX", None); e.update(env or {})
            r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name] + cmd, env=e,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr}")
            w, u, s_, m = t.read().split()[-4:]
        walls.append(float(w)); cpus.append(float(u) + float(s_)); rss.append(int(m) / 1024)
    size = os.path.getsize(out) if os.path.exists(out) else 0
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "rss": max(rss), "bytes": size}

cases = {}
def run(name, cmd, env=None):
    print(f"  {name} ...", file=sys.stderr, flush=True)
    cases[name] = timed(cmd, env)
    print(f"    {cases[name]['wall']:.1f} s, {cases[name]['rss']:.0f} MiB", file=sys.stderr, flush=True)

def gk(pct, extra=()):
    k = "sharpen" if pct == 100 else GAUSS9
    return [gk_bin, "apply", scene, out, "--kernel", k, "--mask", masks[pct], "--overwrite", "-q"] + list(extra)

anchor = os.path.join(a.anchors, "anchor_windowed.py")
anchor_ok = os.path.exists(anchor) and subprocess.run([a.py, "-c", "import rasterio, cv2, scipy"],
                                                      capture_output=True).returncode == 0
print(f"huge benchmark on {N}x{N}, tiled {B}, {a.runs} run(s) each", file=sys.stderr)
run("gdal_translate DEFLATE -> DEFLATE", ["gdal_translate", "-q"] + DEFLATE + [scene, out], ANCHOR_ENV)
fresh = cases["gdal_translate DEFLATE -> DEFLATE"]["bytes"]
for p in FRACTIONS:
    run(f"geokernel {p} % tiles, own format", gk(p))
run("gdal_translate -of COG", ["gdal_translate", "-q"] + COG + [scene, out], ANCHOR_ENV)
run("geokernel full, sharpen, -of COG", gk(100, ["-of", "COG"]))
run("geokernel 55 % tiles -> Float32 uncompressed", gk(55, ["-ot", "Float32", "-co", "COMPRESS=NONE"]))
run("geokernel 55 % tiles, own format, --no-input-copy", gk(55, ["--no-input-copy"]))
if anchor_ok:
    for p in ([55] if a.no_anchor_chart else FRACTIONS):
        run(f"rasterio+cv2 2 threads skip {p} % tiles -> Float32", [a.py, anchor, scene, masks[p], "gauss9", out,
            "--engine", "cv2", "--skip", "--threads", "2", "--win", str(B)], ANCHOR_ENV)
else:
    print("  anchors skipped: rasterio, cv2 and scipy not importable by " + a.py, file=sys.stderr)

c = lambda k: cases[k]["wall"]
full = c("geokernel 100 % tiles, own format")
ratios = {
    "1. 55 % tiles / full mask, own format (<= 0.6)": c("geokernel 55 % tiles, own format") / full,
    "1. 2 % tiles / full mask, own format (<= 0.1)": c("geokernel 2 % tiles, own format") / full,
    "1. size of the 55 % output / gdal_translate's fresh write (<= 1.02)":
        cases["geokernel 55 % tiles, own format"]["bytes"] / fresh,
    "1. 55 % tiles: raw blocks / decode-and-encode (--no-input-copy)":
        c("geokernel 55 % tiles, own format") / c("geokernel 55 % tiles, own format, --no-input-copy"),
    "2. -of COG / gdal_translate -of COG (<= 1.0)": c("geokernel full, sharpen, -of COG") / c("gdal_translate -of COG"),
    "3. peak RSS MiB, every geokernel case (<= 256)":
        max(v["rss"] for k, v in cases.items() if k.startswith("geokernel")),
    "4. full 3x3 own format / gdal_translate DEFLATE (<= 1.0)": full / c("gdal_translate DEFLATE -> DEFLATE"),
}
if anchor_ok:
    ratios["4. rasterio+cv2 / geokernel, 55 % gauss9 -> Float32 (>= 3)"] = (
        c("rasterio+cv2 2 threads skip 55 % tiles -> Float32") / c("geokernel 55 % tiles -> Float32 uncompressed"))
plan = subprocess.run([gk_bin, "plan", scene, "--kernel", GAUSS9, "--mask", masks[55], "--json"], capture_output=True,
                      text=True, check=True)
ratios["3. plan's memory bound MiB, 55 % gauss9"] = json.loads(plan.stdout)["memoryBound"] / 2**20

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
load = open("/proc/loadavg").read().split()[:3]
print(f"\n{N}x{N} UInt16, DEFLATE + PREDICTOR=2, tiled {B}; {a.runs} run(s); {os.cpu_count()} cores ({cpu}); "
      f"load average at the end {' '.join(load)}\n")
print("| case | wall s | CPU s | peak RSS MiB | output MB |\n|---|---|---|---|---|")
for k, v in cases.items():
    print(f"| {k} | {v['wall']:.1f} | {v['cpu']:.1f} | {v['rss']:.0f} | {v['bytes'] / 1e6:.0f} |")
print("\n| target | measured |\n|---|---|")
for k, v in ratios.items():
    print(f"| {k} | {v:.2f} |")
json.dump({"size": N, "block": B, "runs": a.runs, "cpu": cpu, "cases": cases, "ratios": ratios},
          open(os.path.join(D, "results-huge.json"), "w"), indent=1)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(FRACTIONS, [c(f"geokernel {p} % tiles, own format") for p in FRACTIONS], "o-",
            label="geokernel, own format (9x9 gaussian; 3x3 at 100 %)")
    if anchor_ok and not a.no_anchor_chart:
        ax.plot(FRACTIONS, [c(f"rasterio+cv2 2 threads skip {p} % tiles -> Float32") for p in FRACTIONS], "s-",
                label="rasterio + OpenCV, 2 threads, skip (-> Float32)")
    ax.plot(FRACTIONS, [cases[f"geokernel {p} % tiles, own format"]["cpu"] for p in FRACTIONS], "o:", color="C0",
            alpha=0.6, label="geokernel, CPU s")
    if anchor_ok and not a.no_anchor_chart:
        ax.plot(FRACTIONS, [cases[f"rasterio+cv2 2 threads skip {p} % tiles -> Float32"]["cpu"] for p in FRACTIONS],
                "s:", color="C1", alpha=0.6, label="rasterio + OpenCV, CPU s")
    ax.axhline(c("gdal_translate DEFLATE -> DEFLATE"), color="gray", ls="--", label="gdal_translate DEFLATE copy")
    ax.axhline(cases["gdal_translate DEFLATE -> DEFLATE"]["cpu"], color="gray", ls=":", label="gdal_translate, CPU s")
    ax.set_xlabel("tiles selected (%)"); ax.set_ylabel("wall time, CPU time (s)"); ax.set_xticks(FRACTIONS)
    ax.set_title(f"{N}x{N} UInt16 DEFLATE, {os.cpu_count()} cores"); ax.legend(fontsize=8); ax.grid(alpha=0.3)
    fig.tight_layout(); fig.savefig(a.chart, dpi=110)
    print(f"\nchart: {a.chart}")
except ImportError:
    print("\nchart skipped: matplotlib missing (apt-get install python3-matplotlib)")
