"""What the command picks by itself: N defaults to one partition per worker thread (of its own
LocalCluster, or of the cluster --scheduler names), and its LocalCluster's processes leave pandas out of
Dask's version reports (importing it cost each of them 0.3-0.5 CPU-s)."""
import json
import subprocess
import sys

from distributed import Client, LocalCluster

from conftest import assert_same_raster, one_machine, run_dask_json
from geokernel_dask.cli import parse

OPTIONS = ["--kernel", "gaussian:2"]


def test_without_partitions_the_config_leaves_n_to_the_cluster():
    assert parse(["apply", "in.tif", "out.vrt", "--kernel", "box:3"]).partitions is None
    assert parse(["apply", "in.tif", "out.vrt", "--partitions", "6"]).partitions == 6


def test_default_is_one_partition_per_local_worker(tmp_path, geokernel, rasters):
    options = OPTIONS + ["--mask", rasters["mask_sparse"]]
    output = tmp_path / "three.tif"
    report = run_dask_json(["apply", rasters["scene"], output, *options, "--workers", 3, "-of", "GTiff",
                            "--geokernel", geokernel])
    assert report["partitions"] == 3 and report["computed"] == 3
    assert [p["report"]["partition"]["count"] for p in report["parts"]] == [3, 3, 3]
    assert_same_raster(output, one_machine(geokernel, rasters["scene"], tmp_path / "one.tif", options))


def test_default_with_a_scheduler_is_its_worker_threads(tmp_path, geokernel, rasters):
    output = tmp_path / "four.vrt"
    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        report = run_dask_json(["apply", rasters["scene"], output, *OPTIONS, "--scheduler", cluster.scheduler_address,
                                "--geokernel", geokernel])
    assert report["partitions"] == 4 and len(report["parts"]) == 4
    assert_same_raster(output, one_machine(geokernel, rasters["scene"], tmp_path / "one.tif", OPTIONS))


PROBE = """
import json, sys
from geokernel_dask.cli import parse
from geokernel_dask.driver import _client
from distributed.versions import get_versions
client, cluster = _client(parse(["apply", "in.tif", "out.vrt", "--workers", "2"]))
try:
    workers = client.run(lambda: "pandas" in sys.modules)
    reported = "pandas" in get_versions()["packages"]
    print(json.dumps({"driver": "pandas" in sys.modules, "workers": list(workers.values()), "reported": reported}))
finally:
    client.close()
    cluster.close()
"""


def test_local_cluster_processes_do_not_import_pandas_for_the_version_report():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen == {"driver": False, "workers": [False, False], "reported": False}, seen


def test_children_run_openblas_on_one_thread_unless_told(monkeypatch):
    from geokernel_dask.binary import child_environment
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert child_environment()["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    assert child_environment()["OPENBLAS_NUM_THREADS"] == "4"
