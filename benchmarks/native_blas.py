"""Run a benchmark on OpenBLAS's native kernel, without the machine's overrides.

Some machines set ``OPENBLAS_CORETYPE`` (a kernel to use instead of the one
OpenBLAS detects) and ``OPENBLAS_L2_SIZE`` (a cache size to block for): a
safety setting for old OpenBLAS builds, which slows the current OpenBLAS that
numpy ships and which users do not have. OpenBLAS reads them once, when numpy
loads it, so :func:`reexec_without_overrides` runs before numpy is imported:
when either is set, it replaces the process by the same command with both
removed from its environment (and nothing else changed). Only the benchmark's
own process is affected; tests and CI keep the machine's settings.
"""

import os
import sys

#: The variables removed for the benchmark's process.
OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
#: Set in the re-executed process: what was removed, for the printed header.
REMOVED = "SKMANUALNET_BENCH_REMOVED"


def reexec_without_overrides():
    """Re-execute this command without :data:`OVERRIDES`, if any is set."""
    found = [f"{name}={os.environ[name]}" for name in OVERRIDES if name in os.environ]
    if not found:
        return
    if "numpy" in sys.modules:
        raise RuntimeError("reexec_without_overrides must run before numpy loads")
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    env[REMOVED] = " ".join(found)
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def environment_line():
    """What the benchmark's process did with the overrides, in one line."""
    removed = os.environ.get(REMOVED)
    if removed:
        return f"BLAS environment: unset for this run: {removed}"
    left = [name for name in OVERRIDES if name in os.environ]
    if left:
        return f"BLAS environment: still set (not re-executed): {' '.join(left)}"
    return f"BLAS environment: {' and '.join(OVERRIDES)} not set"
