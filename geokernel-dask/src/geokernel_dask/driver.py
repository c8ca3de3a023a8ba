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
    workers = config.workers or os.cpu_count() or 1
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
    plan_args = (geokernel, config.input, config.options, config.partitions, config.output, parts_dir,
                 config.overwrite)
    # A LocalCluster's workers see this machine's files: the plan runs here, as a child process, while the
    # cluster starts (0.1-0.3 s of a 2-worker cluster's 0.6-0.9 s start). A given scheduler's workers may see
    # other paths, so there the plan is a task.
    planning = None if config.scheduler else binary.start(tasks.plan_arguments(*plan_args))
    try:
        client, cluster = _client(config)
    except BaseException:
        if planning is not None:
            planning.kill()
            planning.wait()
        raise
    try:
        if planning is not None:
            report = tasks.plan_report(binary.finish(planning))
        else:
            report = client.submit(tasks.plan, *plan_args, pure=False).result()
        return _run(config, client, geokernel, parts_dir, start, report)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run(config, client, geokernel, parts_dir, start, report):
    from distributed import as_completed
    try:
        plan = parse_plan(report, config.partitions)
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
