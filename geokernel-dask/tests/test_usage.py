"""Bad usage exits 2, failures exit 1; both with one line on stderr (and no OUTPUT)."""
import os

import pytest

from conftest import one_line, run_dask


@pytest.mark.parametrize("args, fragment", [
    ([], "no command"),
    (["merge", "a.tif", "b.tif"], "unknown command"),
    (["apply", "in.tif"], "INPUT and OUTPUT"),
    (["apply", "in.tif", "out.tif", "--partitions", "0"], "at least 1"),
    (["apply", "in.tif", "out.tif", "--partitions", "a/b"], "not a whole number"),
    (["apply", "in.tif", "out.tif", "--partitions", "2", "-of", "PNG"], "VRT, GTiff or COG"),
    (["apply", "in.tif", "out.tif", "--partitions", "2", "--threads", "2"], "--threads-per-task"),
    (["apply", "in.tif", "out.tif", "--partitions", "2", "--partition", "0/2"], "--partition"),
    (["apply", "in.tif", "out.tif", "--partitions", "2", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
     "does not go with --scheduler"),
    (["apply", "in.tif", "out.tif", "--partitions", "2", "-co", "TILED"], "KEY=VALUE"),
    (["apply", "in.tif", "out.tif", "--partitions"], "needs a value"),
])
def test_bad_usage_exits_2_with_one_line(tmp_path, args, fragment):
    proc = run_dask(args)
    assert proc.returncode == 2, proc.stderr
    assert one_line(proc.stderr) and fragment in proc.stderr, proc.stderr
    assert proc.stdout == ""


def test_missing_input_exits_1_with_geokernels_line(tmp_path, geokernel):
    output = tmp_path / "out.vrt"
    proc = run_dask(["apply", tmp_path / "missing.tif", output, "--kernel", "box:3", "--partitions", 2,
                     "--workers", 1, "--geokernel", geokernel])
    assert proc.returncode == 1, proc.stderr
    assert one_line(proc.stderr) and "missing.tif" in proc.stderr, proc.stderr
    assert not os.path.exists(output)
    assert not os.path.exists(tmp_path / "out.vrt.parts")   # no parts folder either


def test_bad_apply_option_is_geokernels_refusal(tmp_path, geokernel, rasters):
    proc = run_dask(["apply", rasters["scene"], tmp_path / "o.vrt", "--kernel", "nonsense:1", "--partitions", 2,
                     "--workers", 1, "--geokernel", geokernel])
    assert proc.returncode == 1 and one_line(proc.stderr) and "nonsense" in proc.stderr, proc.stderr
    assert not os.path.exists(tmp_path / "o.vrt") and not os.path.exists(tmp_path / "o.vrt.parts")


def test_no_binary_exits_1(tmp_path, rasters):
    proc = run_dask(["apply", rasters["scene"], tmp_path / "o.vrt", "--kernel", "box:3", "--partitions", 2,
                     "--geokernel", tmp_path / "nowhere" / "geokernel"])
    assert proc.returncode == 1 and one_line(proc.stderr) and "--geokernel" in proc.stderr, proc.stderr


def test_failing_partition_is_named(tmp_path, geokernel, rasters):
    # A folder where partition 1's part goes: geokernel cannot write it there, every try fails.
    parts = tmp_path / "parts"
    os.makedirs(parts / "part-0001-of-0003.tif")
    output = tmp_path / "o.vrt"
    proc = run_dask(["apply", rasters["scene"], output, "--kernel", "box:3", "--partitions", 3, "--workers", 2,
                     "--parts-dir", parts, "--retries", 1, "--overwrite", "--geokernel", geokernel])
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("geokernel-dask: error: partition 1/3: geokernel apply: "), proc.stderr
    assert not os.path.exists(output)
    # The other partitions are done and kept for a rerun.
    assert os.path.isfile(parts / "part-0000-of-0003.tif") and os.path.isfile(parts / "part-0002-of-0003.tif")
