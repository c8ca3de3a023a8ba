#!/usr/bin/python3
"""Makes the bundled sample: a small georeferenced scene, a water mask and a kernel file.

    apt-get install python3-gdal   # numpy and GDAL's Python bindings, Debian's /usr/bin/python3
    /usr/bin/python3 Samples/make_samples.py

Deterministic: the same files every run. The scene is imagery-like (fields, a river with
speckle, a road), UInt16 reflectance in 3 bands, UTM 33N at 10 m, tiled 256, DEFLATE with
PREDICTOR=2, nodata 0 in a clipped corner as at a swath edge.
"""
import os
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
here = os.path.dirname(os.path.abspath(__file__))
W, H = 640, 480
rng = np.random.default_rng(20261126)

def smooth_noise(cells, octaves=4):
    """Multi-octave value noise in [0, 1], bilinearly upsampled."""
    out = np.zeros((H, W))
    amp, total = 1.0, 0.0
    for o in range(octaves):
        n = cells * 2 ** o
        grid = rng.random((n + 2, n + 2))
        ys, xs = np.linspace(0, n, H), np.linspace(0, n, W)
        y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
        fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
        g = grid
        v = (g[y0][:, x0] * (1 - fy) * (1 - fx) + g[y0 + 1][:, x0] * fy * (1 - fx)
             + g[y0][:, x0 + 1] * (1 - fy) * fx + g[y0 + 1][:, x0 + 1] * fy * fx)
        out += amp * v
        total += amp
        amp *= 0.5
    return out / total

yy, xx = np.mgrid[0:H, 0:W]
# Fields: parcels from a coarse random grid, each with its own crop reflectance.
parcel = (np.floor(yy / 60 + 0.3 * smooth_noise(3, 2) * 3) * 17
          + np.floor(xx / 80 + smooth_noise(2, 2) * 2)).astype(int)
crop = rng.random(parcel.max() + 1)
base = 0.25 + 0.5 * crop[parcel] + 0.15 * smooth_noise(6)
# A river: a sinuous band across the scene, with speckle (the noise to remove).
centre = H * 0.55 + 40 * np.sin(xx / 90.0) + 15 * np.sin(xx / 23.0)
dist = np.abs(yy - centre)
water = dist < 18 + 6 * smooth_noise(4, 2)
speckle = rng.normal(0, 0.06, (H, W))
# A road: a straight bright line.
road = np.abs((yy - 0.4 * xx) - 60) < 2

bands = []
for k, (gain, water_level) in enumerate([(0.8, 0.10), (0.9, 0.12), (1.0, 0.06)]):
    r = base * gain * (0.9 + 0.2 * smooth_noise(8, 2))
    r = np.where(water, water_level + speckle * (1 + 0.3 * k), r)
    r = np.where(road, 0.85, r)
    bands.append(np.clip(r * 10000, 1, 65535).astype(np.uint16))
nodata_corner = xx + yy < 90            # the swath edge
for b in bands:
    b[nodata_corner] = 0

srs = osr.SpatialReference()
srs.ImportFromEPSG(32633)
gt = (500000.0, 10.0, 0.0, 4650000.0, 0.0, -10.0)

def create(path, count, dtype, options):
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, W, H, count, dtype, options)
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    return ds

scene = create(os.path.join(here, "scene.tif"), 3, gdal.GDT_UInt16,
               ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=2"])
scene.SetMetadataItem("AREA_OR_POINT", "Area")
scene.SetMetadataItem("SOURCE", "GeoKernel sample generator (synthetic)")
for i, (b, ci) in enumerate(zip(bands, [gdal.GCI_RedBand, gdal.GCI_GreenBand, gdal.GCI_BlueBand])):
    band = scene.GetRasterBand(i + 1)
    band.SetNoDataValue(0)
    band.SetColorInterpretation(ci)
    band.WriteArray(b)
scene = None

mask = create(os.path.join(here, "water_mask.tif"), 1, gdal.GDT_Byte,
              ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "NBITS=1"])
mask.GetRasterBand(1).WriteArray(water.astype(np.uint8))
mask = None

with open(os.path.join(here, "denoise_5x5.txt"), "w") as f:
    f.write("# 5x5 binomial smoothing for speckle on water: weights n/256, so the kernel sums to 1.\n")
    row = [1, 4, 6, 4, 1]
    for a in row:
        f.write(" ".join(f"{a * b}/256" for b in row) + "\n")
print("wrote scene.tif, water_mask.tif, denoise_5x5.txt in", here)
