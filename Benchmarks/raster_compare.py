"""What the scale-out benchmarks check of a mosaic: the same pixels and georeferencing as the
one-machine output (Benchmarks/scale_out.py, Benchmarks/scale_out_pairs.py)."""
import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def same_pixels(x, y):
    """Both rasters hold the same pixels of band 1 (compared in strips of 1024 rows) and georeferencing."""
    dx, dy = gdal.Open(x), gdal.Open(y)
    if (dx.RasterXSize, dx.RasterYSize, dx.GetGeoTransform()) != (dy.RasterXSize, dy.RasterYSize,
                                                                    dy.GetGeoTransform()):
        return False
    bx, by = dx.GetRasterBand(1), dy.GetRasterBand(1)
    for y0 in range(0, dx.RasterYSize, 1024):
        rows = min(1024, dx.RasterYSize - y0)
        if not np.array_equal(bx.ReadAsArray(0, y0, dx.RasterXSize, rows),
                              by.ReadAsArray(0, y0, dx.RasterXSize, rows)):
            return False
    return True
