"""Small test rasters for the geokernel-dask tests, made here with numpy and GDAL.

    python make_rasters.py DIR [WIDTH HEIGHT]

Writes in DIR: scene.tif (UInt16, EPSG:32633 at 10 m, nodata 0 on a few pixels, metadata, tiled 64,
DEFLATE), mask_full.tif (every pixel) and mask_sparse.tif (two small blobs), Byte, on the scene's grid.
"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()


def make(directory, width=700, height=450, block=64):
    """Writes the rasters into `directory`; returns their paths as a dict."""
    os.makedirs(directory, exist_ok=True)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    transform = (400000.0, 10.0, 0.0, 5200000.0, 0.0, -10.0)
    rng = np.random.default_rng(15)
    ys, xs = np.mgrid[0:height, 0:width]
    scene = (1000 + 400 * np.sin(xs / 37.0) * np.cos(ys / 23.0) + rng.normal(0, 60, (height, width)))
    scene = np.clip(scene, 1, 65535).astype(np.uint16)
    scene[rng.integers(0, height, 40), rng.integers(0, width, 40)] = 0  # nodata pixels
    blobs = (((xs - 0.3 * width) ** 2 + (ys - 0.4 * height) ** 2) < (0.08 * width) ** 2) | \
            ((np.abs(xs - 0.8 * width) < 20) & (np.abs(ys - 0.75 * height) < 12))
    paths = {}
    tiled = ["TILED=YES", f"BLOCKXSIZE={block}", f"BLOCKYSIZE={block}", "COMPRESS=DEFLATE"]
    for name, data, dtype, nodata in (("scene", scene, gdal.GDT_UInt16, 0),
                                      ("mask_full", np.ones((height, width), np.uint8), gdal.GDT_Byte, None),
                                      ("mask_sparse", blobs.astype(np.uint8), gdal.GDT_Byte, None)):
        path = os.path.join(directory, f"{name}.tif")
        ds = gdal.GetDriverByName("GTiff").Create(path, width, height, 1, dtype, tiled)
        ds.SetGeoTransform(transform)
        ds.SetProjection(srs.ExportToWkt())
        band = ds.GetRasterBand(1)
        if nodata is not None:
            band.SetNoDataValue(nodata)
        if name == "scene":
            ds.SetMetadata({"SENSOR": "geokernel-dask test", "ACQUIRED": "2026-12-02"})
            band.SetDescription("elevation")
        band.WriteArray(data)
        ds = None
        paths[name] = path
    return paths


if __name__ == "__main__":
    size = [int(v) for v in sys.argv[2:4]] if len(sys.argv) >= 4 else []
    print(make(sys.argv[1], *size))
