#!/usr/bin/python3
"""Runs two geokernel binaries on the same commands and checks their outputs hold the same
pixels, georeferencing, nodata and metadata: the check that a refactoring changed nothing.

    /usr/bin/python3 Benchmarks/compare_builds.py OLD_BIN NEW_BIN [--data DIR] [--corpus DIR]

Cases: the bundled sample, every readable corpus file with a few kernels and options, and the
benchmark scenes in DIR (made by Benchmarks/make_scene.py) with the options Benchmarks/run.py
times. Prints one line per case and exits 1 when any output differs (or one binary fails
where the other does not). Needs GDAL's Python bindings and numpy (apt-get install python3-gdal).
"""
import argparse, glob, os, subprocess, sys, tempfile
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("old")
ap.add_argument("new")
ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/geokernel-bench"))
ap.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus"))
ap.add_argument("--size", type=int, default=16384)
a = ap.parse_args()


def describe(path):
    """Everything a run must keep the same, pixels included."""
    ds = gdal.Open(path)
    out = {"size": (ds.RasterXSize, ds.RasterYSize, ds.RasterCount), "gt": ds.GetGeoTransform(can_return_null=True),
           "crs": ds.GetProjection(), "md": ds.GetMetadata(), "bands": []}
    for b in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(b)
        # repr: NaN != NaN
        out["bands"].append((band.DataType, repr(band.GetNoDataValue()), band.GetMetadata(), band.ReadRaster()))
    return out


def run(binary, args, out):
    r = subprocess.run([binary, "apply"] + args[:1] + [out] + args[1:] + ["--overwrite", "-q"],
                       capture_output=True, text=True)
    return r.returncode, r.stderr.strip()


cases = [[f"{root}/Samples/scene.tif", "--kernel", f"{root}/Samples/denoise_5x5.txt",
          "--mask", f"{root}/Samples/water_mask.tif"],
         [f"{root}/Samples/scene.tif", "--kernel", "gaussian:1.5", "--where", "b1 > 1500", "--edge", "wrap"],
         [f"{root}/Samples/scene.tif", "--kernel", "sharpen", "--mask", f"{root}/Samples/water_mask.tif",
          "--invert-mask", "-ot", "Float32", "--tile-size", "37", "--threads", "1"]]
for f in sorted(glob.glob(os.path.join(a.corpus, "*.tif")) + glob.glob(os.path.join(a.corpus, "*.tiff"))):
    for extra in (["--kernel", "3,1;1,2"], ["--kernel", "box:5", "--edge", "constant", "--cval", "7"],
                  ["--kernel", "sharpen", "--edge", "nearest", "--nodata-policy", "ignore", "-ot", "Float64"]):
        cases.append([f] + extra)
N, D = a.size, a.data
if os.path.exists(f"{D}/scene_{N}.tif"):
    scene, deflate = f"{D}/scene_{N}.tif", f"{D}/scene_{N}_deflate.tif"
    for src in (scene, deflate):
        for m in ("full", "blob10", "blob1"):
            cases.append([src, "--kernel", "sharpen", "--mask", f"{D}/mask_{N}_{m}.tif"])
        cases.append([src, "--kernel", "box:15", "--mask", f"{D}/mask_{N}_blob10.tif", "-ot", "Float32"])
    cases.append([scene, "--kernel", "gaussian:2", "--mask", f"{D}/mask_{N}_blob10.tif", "-ot", "Float32"])
    cases.append([deflate, "--kernel", "sharpen", "--mask", f"{D}/mask_{N}_blob1.tif", "-of", "COG"])

bad = 0
with tempfile.TemporaryDirectory() as t:
    for i, args in enumerate(cases):
        o1, o2 = f"{t}/old_{i}.tif", f"{t}/new_{i}.tif"
        (c1, e1), (c2, e2) = run(a.old, args, o1), run(a.new, args, o2)
        label = " ".join(os.path.basename(x) if os.path.isabs(x) else x for x in args)
        if c1 != c2:
            bad += 1
            print(f"DIFFERS exit {c1} vs {c2}: {label}\n  old: {e1}\n  new: {e2}")
        elif c1 != 0:
            print(f"same refusal: {label}: {e2[:100]}")
        elif describe(o1) != describe(o2):
            bad += 1
            print(f"DIFFERS output: {label}")
        else:
            print(f"same: {label}")
        for p in (o1, o2):
            if os.path.exists(p): os.remove(p)
print(f"{len(cases) - bad} same, {bad} differ")
sys.exit(1 if bad else 0)
