"""What runs on the Dask workers (and, with a LocalCluster, the plan in the driver): the plan, one partition, the
mosaic. Each runs the geokernel binary.

Every function here takes plain values and returns plain dicts (they travel through Dask), and
raises GeokernelError with a one-line message naming the partition or file.
"""
import glob
import json
import os
import socket
import time

from . import binary
from .binary import GeokernelError


def _json(proc, what):
    """The JSON object a geokernel command printed, or GeokernelError."""
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise GeokernelError(f"{what}: geokernel printed no JSON report ({binary.error_line(proc.stderr, 0)})")


def plan(geokernel, input_path, options, count, output, parts_dir, overwrite):
    """Runs `geokernel plan INPUT OPTIONS --partitions COUNT --json` and prepares the parts folder.

    Refuses an existing OUTPUT without `overwrite` first, before any work.
    """
    return plan_report(binary.run(plan_arguments(geokernel, input_path, options, count, output, parts_dir,
                                                 overwrite)))


def plan_arguments(geokernel, input_path, options, count, output, parts_dir, overwrite):
    """The plan's command line, after refusing an existing OUTPUT without `overwrite` and making the
    parts folder (plan() in two halves, so a driver can run the plan while its cluster starts)."""
    if os.path.lexists(output) and not overwrite:
        raise GeokernelError(f"{output} exists; pass --overwrite to replace it")
    geokernel = binary.find_binary(geokernel)
    try:
        os.makedirs(parts_dir, exist_ok=True)
    except OSError as e:
        raise GeokernelError(f"cannot create the parts folder {parts_dir}: {e.strerror}")
    return [geokernel, "plan", input_path, *options, "--partitions", str(count), "--json"]


def plan_report(proc):
    """The plan's JSON report from its finished process, or GeokernelError with geokernel's line."""
    if proc.returncode != 0:
        # 64: swift-argument-parser refused the command line, a usage error here too.
        raise GeokernelError(f"geokernel plan: {binary.error_line(proc.stderr, proc.returncode)}",
                             2 if proc.returncode == 64 else 1)
    return _json(proc, "plan")


def part_identity(geokernel, part):
    """The `partition` member of `geokernel info PART --json` ({run, index, count}), None when the file
    is not a part; raises GeokernelError when geokernel cannot read it."""
    proc = binary.run([geokernel, "info", part, "--json"])
    if proc.returncode != 0:
        raise GeokernelError(f"geokernel info: {binary.error_line(proc.stderr, proc.returncode)}")
    return _json(proc, f"info {part}").get("partition")


def partition(spec):
    """Computes one partition: `geokernel apply INPUT PART OPTIONS --partition I/N --json --resume`.

    `spec` holds geokernel, input, part, options, index, count, threads, run (the plan's digest) and
    overwrite. A part that exists and belongs to this run is skipped; one of another run (or one
    geokernel cannot read), and a partial left by another run, are replaced only with overwrite.
    Returns {index, part, skipped, seconds, host, report}; raises GeokernelError naming the
    partition, so Dask retries it.
    """
    index, count, part = spec["index"], spec["count"], spec["part"]
    name = f"partition {index}/{count}"
    geokernel = binary.find_binary(spec["geokernel"])
    start = time.monotonic()
    replace = False
    if os.path.exists(part):
        try:
            identity = part_identity(geokernel, part)
            problem = None
            if identity and identity.get("run") == spec["run"] and identity.get("index") == index \
                    and identity.get("count") == count:
                return {"index": index, "part": part, "skipped": True, "seconds": time.monotonic() - start,
                        "host": socket.gethostname(), "report": None}
            if identity is None:
                problem = "is not a geokernel part"
            else:
                problem = (f"is partition {identity.get('index')}/{identity.get('count')} "
                           f"of run {identity.get('run')}, not of this run {spec['run']}")
        except GeokernelError as e:
            problem = f"cannot be read ({e})"
        if not spec["overwrite"]:
            raise GeokernelError(f"{name}: {part} {problem}; pass --overwrite to replace it")
        replace = True
    args = [geokernel, "apply", spec["input"], part, *spec["options"], "--partition", f"{index}/{count}",
            "--json", "--quiet", "--resume", "--threads", str(spec["threads"])]
    if replace:
        args.append("--overwrite")
    proc = binary.run(args)
    if proc.returncode != 0 and "without --resume" in binary.error_line(proc.stderr, proc.returncode):
        # A partial of another run (other options, a changed input) or a damaged checkpoint.
        if not spec["overwrite"]:
            raise GeokernelError(f"{name}: geokernel apply: {binary.error_line(proc.stderr, proc.returncode)} "
                                 f"(pass --overwrite to discard that partial)")
        for path in glob.glob(glob.escape(part) + ".geokernel-partial.tif*"):
            os.remove(path)
        proc = binary.run(args)
    if proc.returncode != 0:
        raise GeokernelError(f"{name}: geokernel apply: {binary.error_line(proc.stderr, proc.returncode)}")
    report = _json(proc, name)
    run = (report.get("partition") or {}).get("run")
    if run != spec["run"]:
        raise GeokernelError(f"{name}: the part was computed for run {run}, the plan is run {spec['run']} "
                             f"(did INPUT or a selection file change during the run?)")
    return {"index": index, "part": part, "skipped": False, "seconds": time.monotonic() - start,
            "host": socket.gethostname(), "report": report}


def mosaic(geokernel, parts, output, fmt, creation_options, overviews, overwrite):
    """Runs `geokernel mosaic PARTS... OUTPUT -of FMT [-co ...] [--overviews M] [--overwrite] --json`.

    Returns its JSON report; raises GeokernelError with geokernel's one line.
    """
    geokernel = binary.find_binary(geokernel)
    args = [geokernel, "mosaic", *parts, output, "-of", fmt]
    if fmt != "VRT":
        for co in creation_options:
            args += ["-co", co]
    if overviews:
        args += ["--overviews", overviews]
    if overwrite:
        args.append("--overwrite")
    args.append("--json")
    start = time.monotonic()
    proc = binary.run(args)
    if proc.returncode != 0:
        raise GeokernelError(f"geokernel mosaic: {binary.error_line(proc.stderr, proc.returncode)}")
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = {}
    report.setdefault("seconds", time.monotonic() - start)
    return report
