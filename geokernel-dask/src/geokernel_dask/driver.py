"""The driver: the plan (here, while a LocalCluster starts, or on a worker), one Dask task per partition,
progress, the mosaic, the summary."""
import hashlib
import json
import logging
import os
import sys
import time

from . import binary, tasks
from .binary import GeokernelError, find_binary
from .plan import default_parts_dir, parse_plan, part_path


# A LocalCluster's workers only wait for geokernel children: Dask's statistical profiler (every 10 ms),
# event-loop ticks (20 ms) and memory checks (100 ms) cost about 0.1 CPU-s per second of wall on this
# project's 2-core machines, stolen from the children; at these intervals about 0.01. The nannies pass
# the configuration on to the worker processes. A cluster given by --scheduler keeps its own.
QUIET_LOCAL_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    # The worker processes are forked from the driver, which has imported distributed already: a
    # 2-worker cluster then starts in about 0.6 s and 1 CPU-s instead of 1.3-4.5 s and 2.2 CPU-s
    # (each spawned worker imports Python's distributed again), and closes in 0.05 s instead of 0.5-0.9.
    "distributed.worker.multiprocessing-method": "fork",
}


# Packages whose versions Dask's processes report to each other when a worker or a client registers, and
# which nothing of geokernel-dask uses. Reporting a version imports the package: pandas took 0.3-0.5 CPU-s
# in the driver (its scheduler) and again in each worker (they fork before the scheduler has imported it),
# about 1 CPU-s and 1 s of wall of a 2-worker cluster's start on this project's 2-core machines.
UNREPORTED_PACKAGES = {"pandas"}


def _unreport_unused_packages():
    """Leaves UNREPORTED_PACKAGES out of Dask's version reports in this process and the workers it forks
    (only for its own LocalCluster: a cluster given by --scheduler would see a client reporting fewer
    packages than its workers, and warn of mismatched versions)."""
    try:
        from distributed import versions
        # (name, import hook) pairs in older distributed, plain names since (2026.8.0 lists strings).
        versions.optional_packages[:] = [p for p in versions.optional_packages
                                         if (p if isinstance(p, str) else p[0]) not in UNREPORTED_PACKAGES]
    except (ImportError, AttributeError, TypeError, IndexError):
        pass  # another distributed: its reports stay as they are


def _client(config):
    """A distributed.Client of --scheduler, or of a new LocalCluster of --workers processes with one
    thread each; returns (client, cluster or None)."""
    from distributed import Client, LocalCluster
    if config.scheduler:
        try:
            return Client(config.scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as e:
            raise GeokernelError(f"cannot reach the Dask scheduler {config.scheduler}: {e}")
    import dask
    workers = local_workers(config)
    _unreport_unused_packages()
    # The workers' own logs would repeat every failure with a traceback: the driver reports them.
    with dask.config.set(QUIET_LOCAL_CLUSTER):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.CRITICAL)
    return Client(cluster), cluster


def _say(config, line):
    if not config.quiet:
        sys.stderr.write(f"geokernel-dask: {line}\n")
        sys.stderr.flush()


def run(config):
    """Runs the whole command; returns 0, or raises GeokernelError (exit 1) naming what failed."""
    start = time.monotonic()
    # With a LocalCluster the workers are this machine: find the binary here, now, before any start-up.
    geokernel = config.geokernel if config.scheduler else find_binary(config.geokernel)
    parts_dir = config.parts_dir or default_parts_dir(config.output)
    existed = os.path.isdir(parts_dir)   # else the plan's preparation makes it; a failed start removes it
    # A LocalCluster's workers see this machine's files: the plan runs here, as a child process, while
    # distributed is imported and the cluster starts (0.1 s beside 0.3 s and 0.15-0.2 s). A given scheduler's
    # workers may see other paths, so there the plan is a task.
    planning, count = None, config.partitions
    if not config.scheduler:
        count = count or local_workers(config)
        planning = binary.start(tasks.plan_arguments(geokernel, config.input, config.options, count, config.output,
                                                     parts_dir, config.overwrite))
    try:
        client, cluster = _client(config)
    except BaseException:
        if planning is not None:
            planning.kill()
            planning.wait()
        _remove_if_made(parts_dir, existed)
        raise
    try:
        try:
            if planning is not None:
                report = tasks.plan_report(binary.finish(planning))
            else:
                count = count or task_slots(client, config.scheduler)
                report = client.submit(tasks.plan, geokernel, config.input, config.options, count, config.output,
                                       parts_dir, config.overwrite, pure=False).result()
        except BaseException:
            _remove_if_made(parts_dir, existed)
            raise
        return _run(config, client, geokernel, parts_dir, start, report, count)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _remove_if_made(parts_dir, existed):
    """Removes the parts folder when this run made it and it is still empty (the plan or the cluster failed):
    nothing is left behind by a run that computed nothing."""
    if not existed:
        try:
            os.rmdir(parts_dir)
        except OSError:
            pass


def local_workers(config):
    """The worker processes of the LocalCluster: --workers, else the cores."""
    return config.workers or os.cpu_count() or 1


def task_slots(client, scheduler):
    """How many partitions run at once on a given cluster: its workers' threads (the default N)."""
    slots = sum(client.nthreads().values())
    if slots < 1:
        raise GeokernelError(f"the Dask scheduler {scheduler} has no workers yet to size the partitions by; "
                             "pass --partitions N")
    return slots


def _run(config, client, geokernel, parts_dir, start, report, count):
    from distributed import as_completed
    try:
        plan = parse_plan(report, count)
    except ValueError as e:
        raise GeokernelError(str(e))
    n = plan.count
    parts = [part_path(parts_dir, p.index, n) for p in plan.partitions]
    _say(config, f"run {plan.run}: {n} partitions of {report.get('width')}x{report.get('height')} into {parts_dir}")
    futures, index_of = [], {}
    # The heaviest partitions first (Dask runs higher priorities first), so the last wave is short.
    for p, path in sorted(zip(plan.partitions, parts), key=lambda item: (-item[0].weight, item[0].index)):
        spec = {"geokernel": geokernel, "input": config.input, "part": path, "options": config.options,
                "index": p.index, "count": n, "threads": config.threads_per_task, "run": plan.run,
                "overwrite": config.overwrite}
        # One key per partition of this run and parts folder: two drivers of one run share the task.
        key = f"geokernel-partition-{p.index}-of-{n}-{plan.run}-{hashlib.sha1(path.encode()).hexdigest()[:10]}"
        futures.append(client.submit(tasks.partition, spec, key=key, retries=config.retries, priority=p.weight))
        index_of[futures[-1].key] = p.index
    results, failures = {}, {}
    done = 0
    try:
        for future in as_completed(futures):
            done += 1
            index = index_of[future.key]
            if future.status != "finished":
                error = future.exception() if future.status == "error" else f"the task was {future.status}"
                failures[index] = str(error)
                _say(config, f"[{done}/{n}] partition {index} failed: {error}")
                continue
            result = future.result()
            results[index] = result
            if result["skipped"]:
                _say(config, f"[{done}/{n}] partition {index} skipped: {os.path.basename(result['part'])} "
                             f"is already done by this run")
            else:
                r = result["report"] or {}
                _say(config, f"[{done}/{n}] partition {index} done on {result['host']} in {result['seconds']:.1f} s "
                             f"({r.get('tiles', {}).get('convolved', '?')} tiles convolved, "
                             f"{r.get('chunks_resumed', 0)} chunks resumed)")
    except BaseException:
        client.cancel(futures)
        raise
    if failures:
        first = min(failures)
        others = f" ({len(failures) - 1} other partitions failed too)" if len(failures) > 1 else ""
        message = failures[first]
        if not message.startswith("partition "):
            message = f"partition {first}/{n}: {message}"
        raise GeokernelError(f"{message}{others}; rerun the same command to continue")
    mosaic = client.submit(tasks.mosaic, geokernel, parts, config.output, config.format, config.creation_options,
                           config.overviews, config.overwrite, pure=False).result()
    seconds = time.monotonic() - start
    computed = sum(1 for r in results.values() if not r["skipped"])
    skipped = n - computed
    if config.json:
        print(json.dumps({
            "ok": True, "exit_code": 0, "input": config.input, "output": config.output, "format": config.format,
            "run": plan.run, "partitions": n, "parts_dir": parts_dir, "computed": computed, "skipped": skipped,
            "seconds": seconds, "parts": [results[i] for i in range(n)], "mosaic": mosaic, "plan": plan.report,
        }, sort_keys=True))
    else:
        what = "a VRT of the parts" if config.format == "VRT" else config.format
        print(f"wrote {config.output} ({what}, {n} partitions in {parts_dir}): {computed} computed, "
              f"{skipped} skipped (already done by this run), {seconds:.1f} s")
    return 0
