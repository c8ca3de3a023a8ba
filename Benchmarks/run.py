#!/usr/bin/python3
"""GeoKernel benchmark: geokernel against gdal_translate (and the shared anchor scripts when
their Python tools are installed), several runs each, side by side in one invocation.

    /usr/bin/python3 Benchmarks/run.py [--size 16384] [--runs 3] [--data DIR] [--chart PNG] [--big]

Prints a Markdown table of median wall time, CPU time (user+sys) and peak RSS per case and
the ratios the performance issue asks for; writes DIR/results.json and the chart. Timing is
GNU time's (/usr/bin/time), whole process, warm page cache.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=16384)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/geokernel-bench"))
ap.add_argument("--chart", default=os.path.join(root, "Docs", "performance-coverage.png"))
ap.add_argument("--big", action="store_true", help="also measure memory on a 32768x32768 scene")
ap.add_argument("--anchors", default=os.path.join(root, "..", "shared", "bench"))
ap.add_argument("--py", default=os.environ.get("PY", sys.executable), help="Python with rasterio + cv2 for the anchors")
a = ap.parse_args()

N, D = a.size, a.data
os.makedirs(os.path.join(D, "out"), exist_ok=True)
if not os.path.exists(os.path.join(D, f"scene_{N}.json")):
    subprocess.run([sys.executable, os.path.join(here, "make_scene.py"), str(N), D], check=True)
facts = json.load(open(os.path.join(D, f"scene_{N}.json")))
gk = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, capture_output=True,
                    text=True, check=True).stdout.strip() + "/geokernel"
scene, deflate = f"{D}/scene_{N}.tif", f"{D}/scene_{N}_deflate.tif"
mask = lambda m: f"{D}/mask_{N}_{m}.tif"
out = f"{D}/out/o.tif"

# The 9x9 Gaussian (sigma 2, truncated at 9x9, normalised) the anchors use.
import math
g = [math.exp(-(d * d) / 8.0) for d in range(-4, 5)]
s = sum(g)
with open(f"{D}/gauss9.txt", "w") as f:
    for u in g:
        f.write(" ".join(repr(u * v / (s * s)) for v in g) + "\n")
GAUSS9 = f"{D}/gauss9.txt"

ANCHOR_ENV = {"GDAL_CACHEMAX": "512", "GDAL_NUM_THREADS": "ALL_CPUS"}   # as ../shared/bench runs them
TRANSLATE_F32 = ["gdal_translate", "-q", "-ot", "Float32", "-co", "TILED=YES", "-co", "BLOCKXSIZE=256",
                 "-co", "BLOCKYSIZE=256", "-co", "BIGTIFF=IF_SAFER"]

def timed(cmd, env=None):
    """Median wall, CPU and max RSS (MiB) over the runs."""
    walls, cpus, rss = [], [], []
    for _ in range(a.runs):
        for p in [out, out + ".aux.xml"]:
            if os.path.exists(p): os.remove(p)
        with tempfile.NamedTemporaryFile("r") as t:
            e = dict(os.environ); e.pop("GDAL_CACHEMAX", None)
            e.update(env or {})
            r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name] + cmd, env=e,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr}")
            w, u, s_, m = t.read().split()[-4:]
        walls.append(float(w)); cpus.append(float(u) + float(s_)); rss.append(int(m) / 1024)
    return {"wall": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(cpus), "rss": max(rss)}

def geokernel(src, k, m=None, extra=()):
    cmd = [gk, "apply", src, out, "--kernel", k, "--overwrite", "-q"] + list(extra)
    return cmd + (["--mask", mask(m)] if m else [])

cases = {}
def run(name, cmd, env=None):
    print(f"  {name} ...", file=sys.stderr, flush=True)
    cases[name] = timed(cmd, env)

print(f"benchmark on {N}x{N}, {a.runs} runs each", file=sys.stderr)
run("gdal_translate -> Float32", TRANSLATE_F32 + [scene, out], ANCHOR_ENV)
run("geokernel full 3x3 -> Float32", geokernel(scene, "sharpen", "full", ["-ot", "Float32"]))
run("geokernel no mask 3x3 -> Float32", geokernel(scene, "sharpen", None, ["-ot", "Float32"]))
run("geokernel blob10 gauss9 -> Float32", geokernel(scene, GAUSS9, "blob10", ["-ot", "Float32"]))
run("geokernel full box15 -> Float32", geokernel(scene, "box:15", "full", ["-ot", "Float32"]))
run("geokernel blob1 gauss9 -> Float32", geokernel(scene, GAUSS9, "blob1", ["-ot", "Float32"]))
run("geokernel full gauss9 -> Float32", geokernel(scene, GAUSS9, "full", ["-ot", "Float32"]))
run("geokernel full 3x3 own format", geokernel(scene, "sharpen", "full"))
run("geokernel blob1 3x3 own format", geokernel(scene, "sharpen", "blob1"))
run("geokernel full 3x3 own format --resume", geokernel(scene, "sharpen", "full", ["--resume"]))
run("geokernel full 3x3 own format --preview", geokernel(scene, "sharpen", "full", ["--preview", f"{D}/out/look.png"]))
run("gdal_translate DEFLATE+PREDICTOR=2", ["gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE",
    "-co", "PREDICTOR=2", "-co", "NUM_THREADS=ALL_CPUS", "-co", "BIGTIFF=IF_SAFER", deflate, out], ANCHOR_ENV)
run("geokernel DEFLATE full 3x3", geokernel(deflate, "sharpen", "full"))
run("geokernel DEFLATE blob1 3x3", geokernel(deflate, "sharpen", "blob1"))

# Blocks decoded against blocks needed, from the JSON report (a separate, untimed run).
def report(cmd):
    r = subprocess.run([x for x in cmd if x != "-q"] + ["--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return json.loads(r.stdout)
decodes = {"16384 full 3x3 own format": report(geokernel(scene, "sharpen", "full"))}

# Anchors from ../shared/bench, when their tools are installed.
anchor_ok = os.path.exists(os.path.join(a.anchors, "anchor_windowed.py")) and subprocess.run(
    [a.py, "-c", "import rasterio, cv2, scipy"], capture_output=True).returncode == 0
if anchor_ok:
    kfile = os.path.join(a.anchors, "kernels.py")
    for m in ["blob1", "blob10", "full"]:
        run(f"rasterio+cv2 skip 2thr {m} gauss9", [a.py, os.path.join(a.anchors, "anchor_windowed.py"), scene, mask(m),
            "gauss9", out, "--engine", "cv2", "--skip", "--threads", "2"], ANCHOR_ENV)
else:
    print("  anchors skipped: rasterio, cv2 and scipy not importable by " + a.py, file=sys.stderr)

if a.big:
    big = f"{D}/scene_32768.tif"
    if not os.path.exists(big):
        subprocess.run(["gdal_translate", "-q", "-outsize", "32768", "32768", "-r", "nearest", "-co", "TILED=YES",
                        "-co", "BIGTIFF=YES", scene, big], check=True)
    run("geokernel 32768 full 3x3 own format", [gk, "apply", big, out, "--kernel", "sharpen", "--overwrite", "-q"])
    decodes["32768 full 3x3 own format"] = report([gk, "apply", big, out, "--kernel", "sharpen", "--overwrite"])

c = lambda k: cases[k]["wall"]
ratio = lambda k, j: c(k) / c(j)
own = "geokernel full 3x3 own format"
ratios = {
    "1. full 3x3 Float32 / gdal_translate (<= 1.0)":
        ratio("geokernel full 3x3 -> Float32", "gdal_translate -> Float32"),
    "1'. no mask 3x3 Float32 / gdal_translate": ratio("geokernel no mask 3x3 -> Float32", "gdal_translate -> Float32"),
    "2. blob10 gauss9 Float32 / gdal_translate (<= 1.0)":
        ratio("geokernel blob10 gauss9 -> Float32", "gdal_translate -> Float32"),
    "3. DEFLATE full 3x3 / gdal_translate DEFLATE (<= 1.1)":
        ratio("geokernel DEFLATE full 3x3", "gdal_translate DEFLATE+PREDICTOR=2"),
    "4. blob1 (2 % of tiles) / full, own format, DEFLATE scene (<= 0.2)":
        ratio("geokernel DEFLATE blob1 3x3", "geokernel DEFLATE full 3x3"),
    "4'. same, uncompressed scene (copying 512 MiB is the floor)": ratio("geokernel blob1 3x3 own format", own),
    "5. peak RSS MiB, 16384 default options (<= 256)": cases[own]["rss"],
    "7. box15 / 3x3, full Float32 (<= 1.5)":
        ratio("geokernel full box15 -> Float32", "geokernel full 3x3 -> Float32"),
    "checkpoint cost: --resume / plain (< 1.05)": ratio(own + " --resume", own),
    "quick look cost: --preview / plain (<= 1.05)": ratio(own + " --preview", own),
}
for k, d in decodes.items():
    ratios[f"6. blocks decoded / blocks needed, {k} (<= 1.05)"] = d["blocks_decoded"] / d["blocks_needed"]
if anchor_ok:
    ratios["2'. rasterio+cv2 blob10 gauss9 / geokernel (>= 3)"] = \
        ratio("rasterio+cv2 skip 2thr blob10 gauss9", "geokernel blob10 gauss9 -> Float32")
if a.big:
    ratios["5'. peak RSS 32768 / 16384 (<= 1.10)"] = \
        cases["geokernel 32768 full 3x3 own format"]["rss"] / cases[own]["rss"]

host = subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"\n{N}x{N} UInt16 scene, {a.runs} runs, {os.cpu_count()} cores ({cpu}), {host}\n")
print("| case | median wall s [min-max] | CPU s | peak RSS MiB |\n|---|---|---|---|")
for k, v in cases.items():
    print(f"| {k} | {v['wall']:.2f} [{v['min']:.2f}-{v['max']:.2f}] | {v['cpu']:.2f} | {v['rss']:.0f} |")
print("\n| target | measured |\n|---|---|")
for k, v in ratios.items():
    print(f"| {k} | {v:.2f} |")
coverage = (f"{m} {f['pixels']*100:.1f} % / {f['tiles']*100:.1f} %" for m, f in facts["masks"].items())
print("\nmask coverage (pixels / 256-tiles): " + ", ".join(coverage))
decoded = (f"{k}: {d['blocks_decoded']} / {d['blocks_needed']}" for k, d in decodes.items())
print("\nblocks decoded / needed: " + ", ".join(decoded))
json.dump({"size": N, "runs": a.runs, "cpu": cpu, "cases": cases, "ratios": ratios, "masks": facts["masks"],
           "decodes": {k: [d["blocks_decoded"], d["blocks_needed"]] for k, d in decodes.items()}},
          open(os.path.join(D, "results.json"), "w"), indent=1)

# Chart: time against mask coverage.
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cov = {m: facts["masks"][m]["pixels"] * 100 for m in ["blob1", "blob10", "full"]}
    fig, ax = plt.subplots(figsize=(7, 4))
    pts = [(cov[m], c(f"geokernel {m} gauss9 -> Float32")) for m in ["blob1", "blob10", "full"]]
    ax.plot(*zip(*pts), "o-", label="geokernel, 9x9 gaussian")
    if anchor_ok:
        masks = ["blob1", "blob10", "full"]
        ax.plot([cov[m] for m in masks], [c(f"rasterio+cv2 skip 2thr {m} gauss9") for m in masks],
                "s-", label="rasterio + OpenCV, windowed, skip (anchor)")
    ax.plot([cov["full"]], [c("geokernel full 3x3 -> Float32")], "^", label="geokernel, 3x3, full mask")
    ax.axhline(c("gdal_translate -> Float32"), color="gray", ls="--", label="gdal_translate copy to Float32 (floor)")
    ax.set_xscale("log"); ax.set_xlabel("pixels selected (%)"); ax.set_ylabel("wall time (s)")
    ax.set_title(f"{N}x{N} UInt16 -> Float32, {os.cpu_count()} cores"); ax.legend(fontsize=8); ax.grid(alpha=0.3)
    fig.tight_layout(); fig.savefig(a.chart, dpi=110)
    print(f"\nchart: {a.chart}")
except ImportError:
    print("\nchart skipped: matplotlib missing (apt-get install python3-matplotlib)")
