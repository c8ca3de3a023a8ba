#!/usr/bin/python3
"""Benchmark of the footprint methods (issue #14, "Speed"): geokernel's median, min/max and
statistics against rasterio windowed anchors (Benchmarks/anchor_median.py with cv2.medianBlur and
scipy.ndimage.median_filter), on the benchmark's UInt16 scene and a Float32 copy, full mask.

    /usr/bin/python3 Benchmarks/methods.py [--size 16384] [--runs 3] [--data DIR] [--chart PNG]
                                           [--slow-runs 1] [--no-slow] [--redraw] [--only REGEX]
    (or: bash Benchmarks/run.sh --methods ...)

First checks every anchor's pixels against geokernel's on a small crop of the scene (raster edges
included), then times each case with GNU time (/usr/bin/time): the runs go round-robin over the
cases, so a change in the machine's load reaches every case alike, and the ratios come from this
one invocation. The rasterio + scipy 15x15 anchor takes minutes: it runs --slow-runs times
(default once), after the rounds. Prints Markdown tables (cases, targets), writes
DIR/results-methods.json and the chart of time against window size. --only REGEX times only the
cases whose name matches (e.g. 'median square:3 UInt16|3x3' for target 1 at 3x3) and prints the
targets those cases give; it writes DIR/results-methods-only.json and leaves the chart alone.
PY (or --py) is the Python with rasterio, opencv-python-headless and scipy for the anchors.
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=16384)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--slow-runs", type=int, default=1, help="runs of the rasterio + scipy 15x15 anchor")
ap.add_argument("--no-slow", action="store_true", help="leave out the rasterio + scipy 15x15 anchor")
ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/geokernel-bench"))
ap.add_argument("--chart", default=os.path.join(root, "Docs", "performance-methods.png"))
ap.add_argument("--only", help="time only the cases whose name matches this regular expression")
ap.add_argument("--redraw", action="store_true", help="only redraw the chart from DIR/results-methods.json")
ap.add_argument("--py", default=os.environ.get("PY", sys.executable),
                help="Python with rasterio, cv2 and scipy for the anchors")
a = ap.parse_args()


def chart(cases, order, size, runs):
    """Wall time against the footprint's edge, one line per method; the anchors dashed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nchart skipped: matplotlib missing (apt-get install python3-matplotlib)")
        return
    fig, ax = plt.subplots(figsize=(9.5, 4.5))
    groups = []
    for k in order:
        if cases[k]["group"] not in groups: groups.append(cases[k]["group"])
    for gname in groups:
        pts = sorted((cases[k]["n"], cases[k]["wall"]) for k in order if cases[k]["group"] == gname)
        anchor_line = not gname.startswith("geokernel")
        ax.plot(*zip(*pts), "s--" if anchor_line else "o-", label=gname + (" (anchor)" if anchor_line else ""),
                lw=2 if "median" in gname else 1, ms=5)
    ax.set_yscale("log"); ax.set_xticks([3, 5, 15, 31])
    ax.set_xlabel("footprint edge N (N x N square; rect:31x31 for the statistics)")
    ax.set_ylabel("wall time (s), log scale")
    ax.set_title(f"{size}x{size}, full mask, own format, {os.cpu_count()} cores (median of {runs})")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1)); ax.grid(alpha=0.3, which="both")
    fig.tight_layout(); fig.savefig(a.chart, dpi=110)
    print(f"\nchart: {a.chart}")


if a.redraw:
    r = json.load(open(os.path.join(a.data, "results-methods.json")))
    chart(r["cases"], list(r["cases"]), r["size"], r["runs"])
    sys.exit(0)

N, D = a.size, a.data
os.makedirs(os.path.join(D, "out"), exist_ok=True)
if not os.path.exists(os.path.join(D, f"scene_{N}.json")):
    subprocess.run([sys.executable, os.path.join(here, "make_scene.py"), str(N), D], check=True)
gk = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, capture_output=True,
                    text=True, check=True).stdout.strip() + "/geokernel"
scene, full = f"{D}/scene_{N}.tif", f"{D}/mask_{N}_full.tif"
scene32 = f"{D}/scene_{N}_float32.tif"
out = f"{D}/out/m.tif"
ANCHOR = os.path.join(here, "anchor_median.py")
ANCHOR_ENV = {"GDAL_CACHEMAX": "512", "GDAL_NUM_THREADS": "ALL_CPUS"}   # as Benchmarks/run.py runs anchors
TILED = ["-co", "TILED=YES", "-co", "BLOCKXSIZE=256", "-co", "BLOCKYSIZE=256", "-co", "BIGTIFF=IF_SAFER"]
if not os.path.exists(scene32):
    print(f"making {scene32} (gdal_translate -ot Float32)", file=sys.stderr, flush=True)
    subprocess.run(["gdal_translate", "-q", "-ot", "Float32"] + TILED + [scene, scene32], check=True)

anchor_ok = subprocess.run([a.py, "-c", "import rasterio, cv2, scipy"], capture_output=True).returncode == 0
if not anchor_ok:
    print("  anchors skipped: rasterio, cv2 and scipy not importable by " + a.py, file=sys.stderr)


def geokernel(src, method, footprint, dst=out, mask=full, extra=()):
    return [gk, "apply", src, dst, "--method", method, "--footprint", footprint, "--mask", mask,
            "--overwrite", "-q"] + list(extra)


def anchor(engine, n, src=scene, dst=out, mask=full, edge="reflect"):
    return [a.py, ANCHOR, src, mask, dst, "--engine", engine, "--size", str(n), "--threads", "2", "--edge", edge]


def run_checked(cmd, env=None):
    e = dict(os.environ); e.pop("GDAL_CACHEMAX", None); e.update(env or {})
    r = subprocess.run(cmd, env=e, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr}")


def pixels(path):
    ds = gdal.Open(path)
    return ds.GetRasterBand(1).ReadAsArray()


# 1. Pixels: every anchor against geokernel on a crop of the scene (odd size: partial windows
#    and every raster edge), full mask. Same semantics must give the same bits.
checks = []
if anchor_ok:
    cw, ch = 1100, 900
    crop, cmask = f"{D}/out/check_scene.tif", f"{D}/out/check_full.tif"
    for src, dst in ((scene, crop), (full, cmask)):
        subprocess.run(["gdal_translate", "-q", "-srcwin", "3000", "5000", str(cw), str(ch)] + TILED + [src, dst],
                       check=True)
    ref = {}
    for n in (3, 5, 15):
        for edge in ("reflect", "nearest"):
            p = f"{D}/out/check_gk_{n}_{edge}.tif"
            run_checked(geokernel(crop, "median", f"square:{n}", p, cmask, ["--edge", edge]))
            ref[(n, edge)] = pixels(p)
    inner = lambda n: (slice(n // 2, -(n // 2)), slice(n // 2, -(n // 2)))
    pairs = [("cv2", 3, "nearest"), ("cv2", 3, "reflect"), ("cv2", 5, "nearest"), ("cv2", 5, "reflect"),
             ("scipy", 3, "reflect"), ("scipy", 15, "reflect"), ("scipy", 15, "nearest")]
    for engine, n, edge in pairs:
        p = f"{D}/out/check_{engine}_{n}.tif" if engine == "cv2" else f"{D}/out/check_{engine}_{n}_{edge}.tif"
        run_checked(anchor(engine, n, crop, p, cmask, edge), ANCHOR_ENV)
        x, g = pixels(p), ref[(n, edge)]
        diff = x != g
        checks.append({"anchor": f"rasterio+{engine} {n}x{n}" + ("" if engine == "cv2" else f" mode={edge}"),
                       "geokernel": f"--edge {edge}", "pixels": int(x.size), "differ": int(diff.sum()),
                       "differ_inside": int(diff[inner(n)].sum())})
    for f in os.listdir(f"{D}/out"):
        if f.startswith("check_"):
            os.remove(os.path.join(D, "out", f))
    print("\n| anchor | geokernel | pixels | differ | differ away from the raster's edge |\n|---|---|---|---|---|")
    for c in checks:
        print(f"| {c['anchor']} | {c['geokernel']} | {c['pixels']} | {c['differ']} | {c['differ_inside']} |")
    sys.stdout.flush()

# 2. Timings.
cases, order = {}, []


def case(name, cmd, env=None, runs=None, n=None, group=None):
    if a.only and not re.search(a.only, name):
        return
    cases[name] = {"cmd": cmd, "env": env, "runs": runs, "n": n, "group": group, "walls": [], "cpus": [], "rss": []}
    order.append(name)


def time_once(name):
    c = cases[name]
    for p in [out, out + ".aux.xml"]:
        if os.path.exists(p): os.remove(p)
    with tempfile.NamedTemporaryFile("r") as t:
        e = dict(os.environ); e.pop("GDAL_CACHEMAX", None); e.update(c["env"] or {})
        r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name] + c["cmd"], env=e,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise SystemExit(f"failed: {' '.join(c['cmd'])}\n{r.stderr}")
        w, u, s, m = t.read().split()[-4:]
    c["walls"].append(float(w)); c["cpus"].append(float(u) + float(s)); c["rss"].append(int(m) / 1024)
    print(f"  {name}: {float(w):.2f} s", file=sys.stderr, flush=True)
    json.dump({k: {x: v[x] for x in ("walls", "cpus", "rss")} for k, v in cases.items()},
              open(os.path.join(D, "results-methods.partial.json"), "w"), indent=1)   # survives an interrupted run


for n in (3, 15, 31):
    case(f"median square:{n} UInt16", geokernel(scene, "median", f"square:{n}"), n=n, group="geokernel median UInt16")
for n in (3, 15):
    case(f"median square:{n} Float32", geokernel(scene32, "median", f"square:{n}"), n=n,
         group="geokernel median Float32")
for m in ("min", "max"):
    for n in (3, 31):
        case(f"{m} square:{n} UInt16", geokernel(scene, m, f"square:{n}"), n=n, group=f"geokernel {m}")
for m in ("mean", "variance", "stddev", "lee:4"):
    for fp, n in (("square:3", 3), ("rect:31x31", 31)):
        case(f"{m} {fp} UInt16", geokernel(scene, m, fp), n=n, group=f"geokernel {m}")
if anchor_ok:
    for n in (3, 5):
        case(f"rasterio+cv2 medianBlur {n}x{n}", anchor("cv2", n), ANCHOR_ENV, n=n, group="rasterio + cv2.medianBlur")
    case("rasterio+scipy median 3x3", anchor("scipy", 3), ANCHOR_ENV, n=3, group="rasterio + scipy median_filter")
    if not a.no_slow:
        case("rasterio+scipy median 15x15", anchor("scipy", 15), ANCHOR_ENV, runs=a.slow_runs, n=15,
             group="rasterio + scipy median_filter")

print(f"footprint methods on {N}x{N}, {a.runs} rounds", file=sys.stderr)
for r in range(a.runs):
    print(f" round {r + 1}", file=sys.stderr)
    for name in order:
        if cases[name]["runs"] is None:
            time_once(name)
for name in order:
    for _ in range(cases[name]["runs"] or 0):
        time_once(name)
for c in cases.values():
    c.update(wall=statistics.median(c["walls"]), min=min(c["walls"]), max=max(c["walls"]),
             cpu=statistics.median(c["cpus"]), peak=max(c["rss"]))

w = lambda k: cases[k]["wall"] if k in cases else float("nan")
cpu_of = lambda k: cases[k]["cpu"] if k in cases else float("nan")
ratio = lambda k1, k2: (w(k1) / w(k2), cpu_of(k1) / cpu_of(k2))   # wall-time ratio, CPU-time ratio
targets = []   # (target, (measured, CPU ratio or None), limit, at least?)
if anchor_ok:
    targets += [("1. rasterio+cv2 3x3 / median 3x3", ratio("rasterio+cv2 medianBlur 3x3", "median square:3 UInt16"), 3,
                 True),
                ("1. rasterio+scipy 3x3 / median 3x3", ratio("rasterio+scipy median 3x3", "median square:3 UInt16"), 8,
                 True)]
    if not a.no_slow:
        targets.append(("1. rasterio+scipy 15x15 / median 15x15",
                        ratio("rasterio+scipy median 15x15", "median square:15 UInt16"), 50, True))
targets += [("2. median 15x15 / 3x3, UInt16", ratio("median square:15 UInt16", "median square:3 UInt16"), 3, False),
            ("2. median 31x31 / 3x3, UInt16", ratio("median square:31 UInt16", "median square:3 UInt16"), 4, False),
            ("2. median 15x15 / 3x3, Float32", ratio("median square:15 Float32", "median square:3 Float32"), 8, False)]
for m in ("min", "max"):
    targets.append((f"3. {m} square:31 / square:3", ratio(f"{m} square:31 UInt16", f"{m} square:3 UInt16"), 1.5, False))
for m in ("mean", "variance", "stddev", "lee:4"):
    targets.append((f"3. {m} rect:31x31 / square:3", ratio(f"{m} rect:31x31 UInt16", f"{m} square:3 UInt16"), 1.5,
                    False))
gk_cases = [k for k in order if cases[k]["group"].startswith("geokernel")]
if gk_cases:
    peak_case = max(gk_cases, key=lambda k: cases[k]["peak"])
    targets.append((f"4. peak RSS MiB, geokernel, any case ({peak_case})", (cases[peak_case]["peak"], None), 256,
                    False))
targets = [t for t in targets if t[1][0] == t[1][0]]   # with --only: the targets whose cases ran

host = subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
load = open("/proc/loadavg").read().split()[:3]
print(f"\n{N}x{N} UInt16 scene (and its Float32 copy), full mask, own format, {a.runs} rounds, "
      f"{os.cpu_count()} cores ({cpu}), {host}, load average at the end {' '.join(load)}\n")
print("| case | median wall s [min-max] | runs | CPU s | peak RSS MiB |\n|---|---|---|---|---|")
for k in order:
    v = cases[k]
    print(f"| {k} | {v['wall']:.2f} [{v['min']:.2f}-{v['max']:.2f}] | {len(v['walls'])} | {v['cpu']:.2f} "
          f"| {v['peak']:.0f} |")
print("\n| target | measured (wall time) | limit | met | CPU-time ratio |\n|---|---|---|---|---|")
for t, (v, vc), lim, atleast in targets:
    met = v >= lim if atleast else v <= lim
    cpu_col = "" if vc is None else f"{vc:.2f}"
    print(f"| {t} | {v:.2f} | {'>=' if atleast else '<='} {lim} | {'yes' if met else 'NO'} | {cpu_col} |")
json.dump({"size": N, "runs": a.runs, "cpu": cpu, "load_end": load, "checks": checks,
           "cases": {k: {x: v[x] for x in ("walls", "cpus", "rss", "wall", "cpu", "peak", "n", "group")}
                     for k, v in cases.items()},
           "targets": [{"target": t, "measured": v, "cpu_ratio": vc, "limit": lim, "at_least": al}
                       for t, (v, vc), lim, al in targets]},
          open(os.path.join(D, "results-methods-only.json" if a.only else "results-methods.json"), "w"),
          indent=1)

if not a.only:
    chart(cases, order, N, a.runs)
