"""Fixtures of the geokernel-dask tests: the real geokernel binary, small rasters made here, the
command run as a user runs it, and a pixel-for-pixel comparison of two rasters."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from osgeo import gdal

import make_rasters

gdal.UseExceptions()
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def geokernel():
    """The binary under test: GEOKERNEL_BIN, else the repository's debug build."""
    path = os.environ.get("GEOKERNEL_BIN") or os.path.join(REPO, ".build", "debug", "geokernel")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no geokernel binary at {path}: run swift build, or set GEOKERNEL_BIN")
    return path


@pytest.fixture(scope="session")
def rasters(tmp_path_factory):
    """scene.tif, mask_full.tif and mask_sparse.tif (700x450, blocks of 64) in a session folder."""
    return make_rasters.make(str(tmp_path_factory.mktemp("rasters")))


def command():
    """How to start geokernel-dask: the installed console script beside this Python, else -m."""
    script = os.path.join(os.path.dirname(sys.executable), "geokernel-dask")
    return [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "geokernel_dask"]


def run_dask(args, timeout=240):
    """Runs `geokernel-dask ARGS`; returns the CompletedProcess (text)."""
    return subprocess.run(command() + [str(a) for a in args], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


def run_dask_json(args, timeout=240):
    """Runs `geokernel-dask ARGS --json`, asserts exit 0, returns the parsed report."""
    proc = run_dask(list(args) + ["--json"], timeout)
    assert proc.returncode == 0, f"geokernel-dask failed ({proc.returncode}): {proc.stderr[-3000:]}"
    return json.loads(proc.stdout)


def one_machine(geokernel, input_path, output, options):
    """The reference: the same options through one `geokernel apply`."""
    proc = subprocess.run([geokernel, "apply", str(input_path), str(output), *map(str, options), "-q"],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    return str(output)


def assert_same_raster(actual, expected):
    """Pixels (bit for bit), size, types, geotransform, CRS, nodata and metadata are equal."""
    a, e = gdal.Open(str(actual)), gdal.Open(str(expected))
    assert (a.RasterXSize, a.RasterYSize, a.RasterCount) == (e.RasterXSize, e.RasterYSize, e.RasterCount)
    assert a.GetGeoTransform() == e.GetGeoTransform()
    assert a.GetSpatialRef().IsSame(e.GetSpatialRef())
    assert a.GetMetadata() == e.GetMetadata()
    for b in range(1, e.RasterCount + 1):
        ab, eb = a.GetRasterBand(b), e.GetRasterBand(b)
        assert ab.DataType == eb.DataType
        assert ab.GetNoDataValue() == eb.GetNoDataValue()
        pa, pe = ab.ReadAsArray(), eb.ReadAsArray()
        assert pa.dtype == pe.dtype and pa.shape == pe.shape
        # Compare the bytes, so NaN equals NaN and -0.0 differs from 0.0.
        bits = pa.view(f"u{pa.itemsize}") != pe.view(f"u{pe.itemsize}")
        assert not bits.any(), f"band {b}: {int(bits.sum())} pixels differ, first at (row, col) {np.argwhere(bits)[0]}"


def validate_cog(path):
    """GDAL's validate_cloud_optimized_geotiff on PATH: (available, ok, output)."""
    try:
        import osgeo_utils.samples.validate_cloud_optimized_geotiff  # noqa: F401
    except ImportError:
        return False, False, "validate_cloud_optimized_geotiff is not installed"
    proc = subprocess.run([sys.executable, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", str(path)],
                          capture_output=True, text=True, timeout=120)
    return True, proc.returncode == 0, proc.stdout + proc.stderr


def one_line(text):
    """The text is exactly one non-empty line."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) == 1
