"""The `geokernel-dask` command line: parsing, exit codes (0 done, 1 failed, 2 bad usage)."""
import os
import signal
import sys
from dataclasses import dataclass, field

from .binary import GeokernelError

USAGE = """\
usage: geokernel-dask apply INPUT OUTPUT [apply options...] [--partitions N]
           [--scheduler ADDRESS | --workers W] [--geokernel PATH] [--parts-dir DIR]
           [--threads-per-task T] [-of VRT|GTiff|COG] [--overviews METHOD] [-co KEY=VALUE]...
           [--retries R] [--overwrite] [--json] [-q]

Runs `geokernel apply INPUT OUTPUT [apply options...]` as N partitions on a Dask cluster, one task
per partition, then mosaics the parts into OUTPUT: the same pixels, georeferencing, nodata and
metadata as the one-machine run. Paths must be on storage the driver and every worker see.

  --partitions N        how many partitions (geokernel plan --partitions N lists them; default: one per
                        worker thread, the LocalCluster's --workers or the scheduler's workers' threads)
  --scheduler ADDRESS   a running Dask scheduler (tcp://HOST:8786); without it a LocalCluster starts
  --workers W           the LocalCluster's worker processes, one thread each (default: the cores)
  --geokernel PATH      the geokernel binary on the workers (default: geokernel on their PATH)
  --parts-dir DIR       where the parts go (default OUTPUT.parts/, as part-IIII-of-NNNN.tif)
  --threads-per-task T  geokernel --threads of each partition (default 1)
  -of FORMAT            the mosaic: VRT (default, referencing the parts), GTiff or COG
  --overviews METHOD    overview resampling of -of COG, passed to geokernel mosaic
  -co KEY=VALUE         a creation option (repeatable): the parts' and a GTiff mosaic's; with -of COG
                        the COG driver's, for the mosaic only (as geokernel apply -of COG)
  --retries R           Dask's retries of a failing partition (default 2)
  --overwrite           replace OUTPUT, and parts of another run, if they exist
  --json                print one JSON object on stdout at the end
  -q, --quiet           no line per finished partition on stderr

A rerun skips every partition whose part exists and belongs to the same run.
Example:
  geokernel-dask apply scene.tif smooth.vrt --kernel gaussian:2 --mask water.tif --partitions 16
"""

FORMATS = {"vrt": "VRT", "gtiff": "GTiff", "cog": "COG"}

# apply options that are files: made absolute, since workers need not share the driver's folder.
PATH_OPTIONS = {"--mask", "--polygons"}
MAYBE_PATH_OPTIONS = {"--kernel", "--footprint"}  # a file, or a preset / inline matrix


class UsageError(GeokernelError):
    """The command line is wrong: exit code 2."""

    def __init__(self, message, exit_code=2):
        super().__init__(message, exit_code)


@dataclass
class Config:
    """A parsed `geokernel-dask apply` command."""

    input: str
    output: str
    partitions: int = None  # None: one per worker thread of the cluster (driver.run)
    options: list = field(default_factory=list)  # passed to plan and to every part
    scheduler: str = None
    workers: int = None
    geokernel: str = None
    parts_dir: str = None
    threads_per_task: int = 1
    format: str = "VRT"
    overviews: str = None
    creation_options: list = field(default_factory=list)
    retries: int = 2
    overwrite: bool = False
    json: bool = False
    quiet: bool = False


def _int(name, text, minimum):
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name} {text!r}: not a whole number")
    if value < minimum:
        raise UsageError(f"{name} {value}: must be at least {minimum}")
    return value


def _split(argv):
    """Yields (name, value or None, raw) for each token: `--name=value` is split."""
    for token in argv:
        if token.startswith("--") and "=" in token:
            name, value = token.split("=", 1)
            yield name, value, token
        else:
            yield token, None, token


# Options of this command: name -> takes a value.
OWN = {"--partitions": True, "--scheduler": True, "--workers": True, "--geokernel": True, "--parts-dir": True,
       "--threads-per-task": True, "-of": True, "--overviews": True, "-co": True, "--retries": True,
       "--overwrite": False, "--json": False, "-q": False, "--quiet": False}
# apply options the parts set themselves, or that make no sense for one partition.
REFUSED = {"--threads": "the partitions' threads are --threads-per-task",
           "--partition": "geokernel-dask sets each task's --partition",
           "--preview": "a quick look of a partitioned run is not supported; run geokernel preview on OUTPUT",
           "--preview-bands": "a quick look of a partitioned run is not supported",
           "--preview-size": "a quick look of a partitioned run is not supported"}
IGNORED = {"--resume", "--progress"}  # every part runs with --resume; progress is ours


def parse(argv):
    """Parses the arguments after the program name into a Config; UsageError when they are wrong.

    INPUT and OUTPUT come right after `apply`; every option this command does not know goes to
    `geokernel plan` and `geokernel apply` unchanged, in order.
    """
    if not argv:
        raise UsageError("no command; it is: geokernel-dask apply INPUT OUTPUT [options] [--partitions N]")
    if argv[0] in ("-h", "--help", "help"):
        raise SystemExit(_help())
    if argv[0] != "apply":
        raise UsageError(f"unknown command {argv[0]!r}; the command is: geokernel-dask apply INPUT OUTPUT ...")
    rest = argv[1:]
    if any(a in ("-h", "--help") for a in rest):
        raise SystemExit(_help())
    if len(rest) < 2 or rest[0].startswith("-") or rest[1].startswith("-"):
        raise UsageError("apply needs INPUT and OUTPUT first: "
                         "geokernel-dask apply INPUT OUTPUT [options] [--partitions N]")
    config = Config(input=os.path.abspath(rest[0]), output=os.path.abspath(rest[1]))
    tokens = list(_split(rest[2:]))
    i = 0
    while i < len(tokens):
        name, value, raw = tokens[i]
        i += 1
        if name in REFUSED:
            raise UsageError(f"{name}: {REFUSED[name]}")
        if name in IGNORED:
            continue
        if name in OWN:
            if OWN[name] and value is None:
                if i >= len(tokens):
                    raise UsageError(f"{name} needs a value")
                value = tokens[i][2]
                i += 1
            elif not OWN[name] and value is not None:
                raise UsageError(f"{name} takes no value")
            _set(config, name, value)
            continue
        # An apply option: passed through with its value (the next token), made absolute for files.
        config.options.append(raw if value is None else f"{name}={_absolute(name, value)}")
        if value is None and name.startswith("-") and i < len(tokens) and name in PATH_OPTIONS | MAYBE_PATH_OPTIONS:
            config.options.append(_absolute(name, tokens[i][2]))
            i += 1
    if config.scheduler and config.workers is not None:
        raise UsageError("--workers sizes the LocalCluster started without --scheduler; "
                         "it does not go with --scheduler")
    if config.overviews and config.format != "COG":
        raise UsageError("--overviews goes with -of COG")
    # -co shapes the parts (and a GTiff mosaic), like geokernel apply's -co. With -of COG they are
    # the COG driver's options, as in `geokernel apply -of COG`: the mosaic's alone, the parts keep
    # the defaults (a COG-only option such as BLOCKSIZE would be refused by the parts' GTiff driver).
    if config.format != "COG":
        for co in config.creation_options:
            config.options += ["-co", co]
    return config


def _absolute(name, value):
    if name in PATH_OPTIONS or (name in MAYBE_PATH_OPTIONS and os.path.isfile(value)):
        return os.path.abspath(value)
    return value


def _set(config, name, value):
    if name == "--partitions":
        config.partitions = _int(name, value, 1)
    elif name == "--scheduler":
        config.scheduler = value
    elif name == "--workers":
        config.workers = _int(name, value, 1)
    elif name == "--geokernel":
        config.geokernel = os.path.abspath(value)
    elif name == "--parts-dir":
        config.parts_dir = os.path.abspath(value)
    elif name == "--threads-per-task":
        config.threads_per_task = _int(name, value, 1)
    elif name == "-of":
        if value.lower() not in FORMATS:
            raise UsageError(f"-of {value!r}: the mosaic's format is VRT, GTiff or COG")
        config.format = FORMATS[value.lower()]
    elif name == "--overviews":
        config.overviews = value
    elif name == "-co":
        if "=" not in value:
            raise UsageError(f"-co {value}: a creation option is KEY=VALUE")
        config.creation_options.append(value)
    elif name == "--retries":
        config.retries = _int(name, value, 0)
    elif name == "--overwrite":
        config.overwrite = True
    elif name == "--json":
        config.json = True
    elif name in ("-q", "--quiet"):
        config.quiet = True


def _help():
    sys.stdout.write(USAGE)
    return 0


def fail(message, code, as_json=False, output=None):
    """One line on stderr (`geokernel-dask: error: ...`), and with --json the same as JSON on stdout."""
    if as_json:
        import json
        print(json.dumps({"ok": False, "exit_code": code, "error": message, "output": output}, sort_keys=True))
    sys.stderr.write(f"geokernel-dask: error: {message}\n")
    return code


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so the run unwinds as for Ctrl-C."""


def _terminated(signum, frame):
    raise Terminated()


def main(argv=None):
    """The console script: returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    wants_json = "--json" in argv
    try:
        config = parse(argv)
    except UsageError as e:
        return fail(f"{e} (geokernel-dask --help)", e.exit_code, wants_json)
    from .driver import run  # dask is imported only for a real run
    signal.signal(signal.SIGTERM, _terminated)  # unwind as for Ctrl-C: close the cluster, kill the children
    try:
        return run(config)
    except Terminated:
        return fail("terminated", 143, config.json, config.output)
    except KeyboardInterrupt:
        return fail("interrupted", 130, config.json, config.output)
    except GeokernelError as e:
        return fail(str(e), e.exit_code, config.json, config.output)
