"""The Dask command's mosaic equals the one-machine `geokernel apply` of the same options, bit for bit,
on a real LocalCluster of 2 worker processes started by the command itself."""
import os

import pytest
from osgeo import gdal

from conftest import assert_same_raster, one_machine, run_dask_json, validate_cog

PARTITIONS = 5  # 700x450 in 64-blocks: 11x8 blocks, so partitions of uneven shapes and raster corners
CASES = {
    "full": ["--kernel", "gaussian:2"],
    "sparse": ["--method", "median", "--footprint", "disk:3"],
}


@pytest.mark.parametrize("fmt", ["GTiff", "VRT"])
@pytest.mark.parametrize("mask", ["full", "sparse"])
def test_mosaic_equals_one_machine(tmp_path, geokernel, rasters, mask, fmt):
    options = CASES[mask] + ["--mask", rasters[f"mask_{mask}"]]
    expected = one_machine(geokernel, rasters["scene"], tmp_path / "one.tif", options)
    output = tmp_path / f"dask.{'vrt' if fmt == 'VRT' else 'tif'}"
    report = run_dask_json(["apply", rasters["scene"], output, *options, "--partitions", PARTITIONS,
                            "--workers", 2, "-of", fmt, "--geokernel", geokernel])
    assert_same_raster(output, expected)
    assert report["ok"] and report["partitions"] == PARTITIONS and report["format"] == fmt
    assert (report["computed"], report["skipped"]) == (PARTITIONS, 0)
    assert [p["index"] for p in report["parts"]] == list(range(PARTITIONS))
    parts_dir = str(output) + ".parts"
    assert report["parts_dir"] == parts_dir
    for p in report["parts"]:
        assert p["part"] == os.path.join(parts_dir, f"part-{p['index']:04d}-of-{PARTITIONS:04d}.tif")
        assert p["report"]["partition"]["index"] == p["index"]
        assert p["report"]["partition"]["run"] == report["run"] == report["plan"]["runDigest"]
        assert not os.path.exists(p["part"] + ".geokernel-partial.tif")
    if fmt == "VRT":
        assert gdal.Open(str(output)).GetDriver().ShortName == "VRT"
        assert len(gdal.Open(str(output)).GetFileList()) == PARTITIONS + 1  # the VRT and its parts


def test_cog_mosaic_is_valid_and_equal(tmp_path, geokernel, rasters):
    options = CASES["full"] + ["--mask", rasters["mask_sparse"]]
    # BLOCKSIZE is the COG driver's own option: it goes to the mosaic, as apply -of COG gives it to the driver.
    cog = ["-of", "COG", "-co", "BLOCKSIZE=128"]
    expected = one_machine(geokernel, rasters["scene"], tmp_path / "one.tif", options + cog)
    output = tmp_path / "dask_cog.tif"
    run_dask_json(["apply", rasters["scene"], output, *options, "--partitions", 3, "--workers", 2, *cog,
                   "--geokernel", geokernel])
    assert_same_raster(output, expected)
    assert gdal.Open(str(output)).GetRasterBand(1).GetBlockSize() == [128, 128]
    available, ok, text = validate_cog(output)
    if not available:
        pytest.skip(text)
    assert ok, text
