#!/usr/bin/python3
"""Benchmark scenes for GeoKernel, made here (deterministic, imagery-like, georeferenced).

    /usr/bin/python3 Benchmarks/make_scene.py SIZE DIR [BLOCK]

Writes in DIR:
  scene_SIZE.tif           UInt16, 1 band, EPSG:32633 at 10 m, tiled 256, uncompressed
  scene_SIZE_deflate.tif   the same, DEFLATE + PREDICTOR=2, tiled BLOCK (256 unless given; BigTIFF when large)
  mask_SIZE_{full,blob10,blob1}.tif   Byte masks, tiled 256, DEFLATE: every pixel; ~10 % and
      ~1 % of pixels in clustered blobs (at 16384: about 20 % and 2 % of the 256-tiles)
  scene_SIZE.json          the exact fractions of pixels and tiles each mask selects
Needs numpy and GDAL's Python bindings (apt-get install python3-gdal). Rows are made strip by
strip, a strip being at most 2^24 pixels (at least 256 rows), so memory stays bounded whatever SIZE
(40960²: 2.1 GiB peak with GDAL's default cache, which is now capped at 256 MiB; 34 min on a loaded 2-core machine).
"""
import json, os, sys
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetCacheMax(256 << 20)   # GDAL's default, 5 % of RAM, held 1.2 GiB of the 40960² scene's blocks
N = int(sys.argv[1]) if len(sys.argv) > 1 else 16384
D = sys.argv[2] if len(sys.argv) > 2 else "."
os.makedirs(D, exist_ok=True)
BLOCK = int(sys.argv[3]) if len(sys.argv) > 3 else 256
STRIP = max(256, min(1024, (1 << 24) // N // 256 * 256))
rng = np.random.default_rng(7)
srs = osr.SpatialReference(); srs.ImportFromEPSG(32633)
GT = (400000.0, 10.0, 0.0, 5200000.0, 0.0, -10.0)

# Smooth noise: random lattices at several scales, bilinearly interpolated per strip.
octaves = [(N / c, rng.random((c + 2, c + 2))) for c in (8, 32, 128, 512)]
parcel_grid = rng.random((N // 200 + 2, N // 150 + 2))

def noise(y0, rows):
    ys = np.arange(y0, y0 + rows)[:, None].astype(np.float64)
    xs = np.arange(N)[None, :].astype(np.float64)
    total = np.zeros((rows, N))
    amp, norm = 1.0, 0.0
    for cell, lat in octaves:
        gy, gx = ys / cell, xs / cell
        iy, ix = gy.astype(int), gx.astype(int)
        fy, fx = gy - iy, gx - ix
        v = (lat[iy, ix] * (1 - fy) * (1 - fx) + lat[iy + 1, ix] * fy * (1 - fx)
             + lat[iy, ix + 1] * (1 - fy) * fx + lat[iy + 1, ix + 1] * fy * fx)
        total += amp * v; norm += amp; amp *= 0.5
    return total / norm, ys, xs

def create(path, dtype, options):
    ds = gdal.GetDriverByName("GTiff").Create(path, N, N, 1, dtype, options)
    ds.SetGeoTransform(GT); ds.SetProjection(srs.ExportToWkt())
    return ds

scene_path = os.path.join(D, f"scene_{N}.tif")
scene = create(scene_path, gdal.GDT_UInt16, ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "BIGTIFF=IF_SAFER"])
band = scene.GetRasterBand(1)
for y0 in range(0, N, STRIP):
    rows = min(STRIP, N - y0)
    n, ys, xs = noise(y0, rows)
    parcels = parcel_grid[(ys // 200).astype(int), (xs // 150).astype(int)]
    texture = rng.normal(0, 0.02, (rows, N))
    road = np.abs((ys - 0.37 * xs) % 4000 - 2000) < 3
    v = 0.15 + 0.45 * n + 0.3 * np.round(parcels * 6) / 6 + texture
    v = np.where(road, 0.9, v)
    band.WriteArray(np.clip(v * 20000, 1, 65535).astype(np.uint16), 0, y0)
scene = None
deflate_path = os.path.join(D, f"scene_{N}_deflate.tif")
gdal.Translate(deflate_path + ".tmp", scene_path, format="GTiff",
               creationOptions=["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "BIGTIFF=IF_SAFER",
                                "NUM_THREADS=ALL_CPUS",
                                f"BLOCKXSIZE={BLOCK}", f"BLOCKYSIZE={BLOCK}"])
os.rename(deflate_path + ".tmp", deflate_path)   # complete, or absent

def blobs(target, count, spread):
    """Discs clustered around a few centres until about `target` of the pixels are covered."""
    centres = rng.random((max(1, count // 4), 2)) * N
    discs = []
    r_mean = np.sqrt(target * N * N / (np.pi * count))
    for i in range(count):
        c = centres[i % len(centres)] + rng.normal(0, spread * N, 2)
        discs.append((c[0] % N, c[1] % N, r_mean * rng.uniform(0.6, 1.4)))
    return discs

masks = {
    "full": None,
    "blob10": blobs(0.10, 40, 0.15),
    "blob1": blobs(0.01, 8, 0.10),
}
facts = {"size": N, "tile": 256, "masks": {}}
tiles = N // 256
for name, discs in masks.items():
    ds = create(os.path.join(D, f"mask_{N}_{name}.tif"), gdal.GDT_Byte,
                ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE"])
    b = ds.GetRasterBand(1)
    set_px, touched = 0, np.zeros((tiles, tiles), bool)
    for y0 in range(0, N, STRIP):
        rows = min(STRIP, N - y0)
        if discs is None:
            m = np.ones((rows, N), np.uint8)
        else:
            ys = np.arange(y0, y0 + rows)[:, None]; xs = np.arange(N)[None, :]
            m = np.zeros((rows, N), bool)
            for cx, cy, r in discs:
                if cy + r < y0 or cy - r > y0 + rows:
                    continue
                x0, x1 = int(max(0, cx - r)), int(min(N, cx + r + 1))
                m[:, x0:x1] |= (xs[:, x0:x1] - cx) ** 2 + (ys - cy) ** 2 <= r * r
            m = m.astype(np.uint8)
        b.WriteArray(m, 0, y0)
        set_px += int(m.sum())
        t = m.reshape(rows // 256, 256, tiles, 256).any(axis=(1, 3))
        touched[y0 // 256: y0 // 256 + rows // 256] |= t
    ds = None
    facts["masks"][name] = {"pixels": set_px / (N * N), "tiles": float(touched.mean())}
with open(os.path.join(D, f"scene_{N}.json"), "w") as f:
    json.dump(facts, f, indent=1)
print(json.dumps(facts))
