"""Running the geokernel binary as a child process that dies with the process that started it.

Used on the Dask workers (and by the driver): every call blocks its thread until the child exits.
"""
import ctypes
import os
import shutil
import signal
import subprocess
import sys

# <linux/prctl.h>
_PR_SET_PDEATHSIG = 1


class GeokernelError(RuntimeError):
    """geokernel (or this package, on its behalf) failed: a one-line message and the exit code to use."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code

    def __reduce__(self):
        # Dask sends a task's exception back to the client pickled: keep the exit code.
        return (type(self), (str(self), self.exit_code))


def find_binary(explicit=None):
    """The geokernel binary: `explicit` (made absolute) or the first `geokernel` on PATH.

    Raises GeokernelError when there is none or it is not executable.
    """
    if explicit:
        path = os.path.abspath(explicit)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise GeokernelError(f"--geokernel {explicit}: not an executable file")
        return path
    found = shutil.which("geokernel")
    if not found:
        raise GeokernelError("geokernel is not on PATH; install it or pass --geokernel PATH")
    return os.path.abspath(found)


def _die_with_parent():
    """A preexec_fn asking Linux to SIGKILL the child when its parent dies (prctl PR_SET_PDEATHSIG).

    A Dask worker killed with SIGKILL then leaves no orphan geokernel writing a partial file that the
    task's retry, elsewhere, resumes. Linux ties the signal to the thread that forked the child: the
    thread here waits for the child, so it outlives it unless the whole process dies. prctl is
    looked up before the fork, so the child only makes the call. None off Linux.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def hook():
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the prctl: nobody would kill us
            os._exit(1)

    return hook


def error_line(stderr, returncode):
    """The one line that says why geokernel failed: its last `geokernel: error:` line (without that
    prefix), else the last line it printed, else how it ended."""
    lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower()]
    line = errors[-1] if errors else lines[-1] if lines else None
    if line:
        for prefix in ("geokernel: error:", "Error:"):
            if line.startswith(prefix):
                line = line[len(prefix):].strip()
        return line
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def child_environment():
    """This process's environment without what a Dask nanny put into it for its Python worker.

    The nanny sets `distributed.nanny.pre-spawn-environ` before starting a worker process, among
    it MALLOC_TRIM_THRESHOLD_=65536 (to give Python's memory back); inherited by geokernel it made
    glibc return and map memory again on every large free: a 16384² COG mosaic took 141 s wall and
    55 s of system time instead of 36 s and 2 s. A variable is dropped only when it has the value
    Dask's configuration gives it.
    """
    env = dict(os.environ)
    # Only a process that has imported dask can be a nanny's worker: the driver's plan, started before its
    # cluster, does not wait for dask's import (0.1-0.2 s).
    dask = sys.modules.get("dask")
    injected = (dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}) if dask else {}
    for name, value in injected.items():
        if env.get(name) == str(value):
            del env[name]
    # geokernel never calls BLAS, but libgdal's dependencies load it; where libblas.so.3 is OpenBLAS, its
    # loader starts a thread per core that spins: about 0.04 CPU-s of system time per process, 5 % of a
    # 16-partition run's CPU here. One thread, unless the user chose otherwise.
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def run(args):
    """Runs `args` (the binary first) to completion with stdout and stderr captured as text.

    The child gets no stdin, the environment of child_environment(), and is killed if this process
    dies. Returns subprocess.CompletedProcess.
    """
    return finish(start(args))


def start(args):
    """Starts `args` as run() does, without waiting: returns the subprocess.Popen for finish()."""
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_die_with_parent(), env=child_environment())


def finish(proc):
    """Waits for a process of start() and returns its subprocess.CompletedProcess (killed if the wait
    is interrupted)."""
    try:
        stdout, stderr = proc.communicate()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
