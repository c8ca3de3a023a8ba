"""A Dask worker process killed with SIGKILL while its partition runs: its geokernel child dies with
it (no orphan writing the partial file), Dask runs the partition again on a live worker, which
resumes the partial from its checkpoint, and the mosaic still equals the one-machine run bit for bit."""
import json
import os
import signal
import subprocess
import time

import psutil
from distributed import Client, LocalCluster

import make_rasters
from conftest import assert_same_raster, command, one_machine

# 36 chunks of 128x128 per partition: a debug geokernel is caught running, with chunks checkpointed.
OPTIONS = ["--method", "mean", "--footprint", "disk:12", "--tile-size", "128"]


def running_partition(pid):
    """(process, part path) of a geokernel partition started by process `pid`, or None."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return None
    for c in children:
        try:
            args = c.cmdline()
            if c.status() != psutil.STATUS_ZOMBIE and "--partition" in args and args[1] == "apply":
                return c, args[3]
        except psutil.NoSuchProcess:
            continue
    return None


def checkpointed_chunks(part):
    """How many chunks the partial of `part` has checkpointed (0 before its first checkpoint)."""
    try:
        with open(part + ".geokernel-partial.tif.json") as f:
            return sum(end - start for start, end in json.load(f)["done"])
    except (OSError, ValueError, KeyError):
        return 0


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
    monkeypatch.setenv("GEOKERNEL_CHECKPOINT_SECONDS", "0.2")  # the workers inherit it
    output = tmp_path / "mosaic.tif"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        driver = subprocess.Popen(command() + [
            "apply", big["scene"], str(output), *OPTIONS, "--partitions", "4", "--scheduler",
            cluster.scheduler_address, "-of", "GTiff", "--geokernel", geokernel, "--json"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            workers = client.run(os.getpid)  # {address: pid} of the worker processes
            victim = None
            deadline = time.monotonic() + 90
            while victim is None and time.monotonic() < deadline and driver.poll() is None:
                for pid in workers.values():
                    found = running_partition(pid)
                    if found and checkpointed_chunks(found[1]) > 0:
                        victim, (child, part) = pid, found
                        break
                time.sleep(0.02)
            assert victim is not None, "no partition was seen running with a checkpoint on a worker"
            assert child.is_running()
            os.kill(victim, signal.SIGKILL)
            assert gone(child, 5), f"geokernel {child.pid} outlived its killed worker {victim}"
            out, err = driver.communicate(timeout=180)
        finally:
            if driver.poll() is None:
                driver.kill()
        assert driver.returncode == 0, err
    report = json.loads(out)
    killed = next(p for p in report["parts"] if p["part"] == part)
    assert killed["report"]["chunks_resumed"] > 0, killed["report"]  # the retry continued the partial
    expected = one_machine(geokernel, big["scene"], tmp_path / "one.tif", OPTIONS)
    assert_same_raster(output, expected)
    leftovers = [f for f in os.listdir(str(output) + ".parts") if "geokernel-" in f]
    assert leftovers == []
