"""A rerun skips the partitions whose part exists and belongs to the same run; parts of another run
are refused unless --overwrite, naming the part."""
import os

from conftest import assert_same_raster, one_line, one_machine, run_dask, run_dask_json

OPTIONS = ["--kernel", "box:5"]


def test_rerun_skips_finished_parts(tmp_path, geokernel, rasters):
    output = tmp_path / "out.tif"
    base = ["apply", rasters["scene"], output, *OPTIONS, "--mask", rasters["mask_sparse"], "--partitions", 4,
            "--workers", 2, "-of", "GTiff", "--geokernel", geokernel]
    first = run_dask_json(base)
    assert (first["computed"], first["skipped"]) == (4, 0)
    expected = one_machine(geokernel, rasters["scene"], tmp_path / "one.tif",
                           OPTIONS + ["--mask", rasters["mask_sparse"]])
    assert_same_raster(output, expected)

    # OUTPUT exists: refused in one line, exit 1, before any work.
    again = run_dask(base)
    assert again.returncode == 1 and one_line(again.stderr) and "--overwrite" in again.stderr, again.stderr

    # Every part is done: a rerun computes nothing, says so, and writes the same mosaic.
    proc = run_dask(base + ["--overwrite"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("is already done by this run") == 4, proc.stderr
    assert "0 computed, 4 skipped" in proc.stdout
    assert_same_raster(output, expected)

    # One part removed: only it is computed again.
    os.remove(first["parts"][2]["part"])
    rerun = run_dask_json(base + ["--overwrite"])
    assert (rerun["computed"], rerun["skipped"]) == (1, 3)
    assert [p["skipped"] for p in rerun["parts"]] == [True, True, False, True]
    assert rerun["run"] == first["run"]
    assert_same_raster(output, expected)


def test_part_of_another_run_is_refused_then_replaced(tmp_path, geokernel, rasters):
    parts = tmp_path / "shared-parts"
    common = [*OPTIONS, "--partitions", 3, "--workers", 2, "--parts-dir", parts, "--geokernel", geokernel,
              "--retries", 0]
    run_dask_json(["apply", rasters["scene"], tmp_path / "a.vrt", *common])
    assert sorted(os.listdir(parts)) == [f"part-{i:04d}-of-0003.tif" for i in range(3)]

    # Another kernel is another run: its driver must not take these parts, nor silently replace them.
    other = ["apply", rasters["scene"], tmp_path / "b.vrt", "--kernel", "box:3", *common[2:]]
    proc = run_dask(other)
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("geokernel-dask: error: partition ") and "of this run" in last, proc.stderr
    assert "part-000" in last and "--overwrite" in last
    assert not os.path.exists(tmp_path / "b.vrt")

    report = run_dask_json(other + ["--overwrite"])
    assert report["computed"] == 3
    expected = one_machine(geokernel, rasters["scene"], tmp_path / "one.tif", ["--kernel", "box:3"])
    assert_same_raster(tmp_path / "b.vrt", expected)


def test_partial_left_by_another_run_is_discarded_only_with_overwrite(tmp_path, geokernel, rasters):
    parts = tmp_path / "parts"
    os.makedirs(parts)
    partial = parts / "part-0001-of-0002.tif.geokernel-partial.tif"
    partial.write_bytes(b"not a tiff")
    (parts / "part-0001-of-0002.tif.geokernel-partial.tif.json").write_text('{"version": 2, "done": "all"}')
    args = ["apply", rasters["scene"], tmp_path / "o.tif", *OPTIONS, "--partitions", 2, "--workers", 2,
            "--parts-dir", parts, "-of", "GTiff", "--retries", 0, "--geokernel", geokernel]
    proc = run_dask(args)
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("geokernel-dask: error: partition 1/2: geokernel apply: ") and "--overwrite" in last, last
    assert partial.read_bytes() == b"not a tiff"  # untouched without --overwrite

    report = run_dask_json(args + ["--overwrite"])
    assert report["computed"] == 1 and report["skipped"] == 1
    assert not partial.exists()
    assert_same_raster(tmp_path / "o.tif", one_machine(geokernel, rasters["scene"], tmp_path / "one.tif", OPTIONS))
