"""A Dask worker process killed with SIGKILL while its partition runs: its geokernel child dies with
it (no orphan writing the partial file), Dask runs the partition again elsewhere (resuming from the
partial), and the mosaic still equals the one-machine run bit for bit."""
import os
import signal
import subprocess
import time

import psutil
import pytest
from distributed import Client, LocalCluster

import make_rasters
from conftest import assert_same_raster, command, one_machine

# A debug geokernel takes a few seconds per partition of this: long enough to be caught running.
OPTIONS = ["--method", "mean", "--footprint", "disk:12"]


def geokernel_children(pid):
    """The running geokernel processes started by process `pid`."""
    try:
        return [c for c in psutil.Process(pid).children(recursive=True)
                if c.name() == "geokernel" and c.status() != psutil.STATUS_ZOMBIE]
    except psutil.NoSuchProcess:
        return []


def gone(process, timeout):
    """True when `process` exits (or is only a zombie) within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_killed_worker_leaves_no_orphan_and_the_mosaic_is_identical(tmp_path, geokernel, monkeypatch):
    big = make_rasters.make(str(tmp_path / "big"), 1536, 1536, 128)
    # Checkpoints every half second, so the retry finds a partial to resume.
    monkeypatch.setenv("GEOKERNEL_CHECKPOINT_SECONDS", "0.5")
    output = tmp_path / "mosaic.tif"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        driver = subprocess.Popen(command() + [
            "apply", big["scene"], str(output), *OPTIONS, "--partitions", "4", "--scheduler", cluster.scheduler_address,
            "-of", "GTiff", "--geokernel", geokernel], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        try:
            workers = client.run(os.getpid)  # {address: pid} of the worker processes
            victim, child = None, None
            deadline = time.monotonic() + 60
            while child is None and time.monotonic() < deadline and driver.poll() is None:
                for pid in workers.values():
                    children = geokernel_children(pid)
                    if children and any("--partition" in c.cmdline() for c in children):
                        victim, child = pid, children[0]
                        break
                time.sleep(0.05)
            assert child is not None, "no partition was seen running on a worker"
            time.sleep(1.0)  # let it write a checkpoint or two
            assert child.is_running()
            os.kill(victim, signal.SIGKILL)
            assert gone(child, 5), f"geokernel {child.pid} outlived its killed worker {victim}"
            out, err = driver.communicate(timeout=180)
        finally:
            if driver.poll() is None:
                driver.kill()
        assert driver.returncode == 0, err
    expected = one_machine(geokernel, big["scene"], tmp_path / "one.tif", OPTIONS)
    assert_same_raster(output, expected)
    leftovers = [f for f in os.listdir(str(output) + ".parts") if "geokernel-partial" in f or "tmp" in f]
    assert leftovers == []
