"""Compiled, fused kernels for training (the ``fast`` extra: numba).

Imported only by :mod:`skmanualnet._training.accelerate`, at the first fit that uses
it, never by ``import skmanualnet``. Each kernel replaces a group of the
readable numpy functions inside the epoch loop, and ``tests/test_fast.py``
holds each equal to the functions it replaces.
"""

from numba.core.registry import cpu_target

from .training import FusedKernels, FusedTraining

# numba imports the rest of its typing and lowering registries lazily, at the
# first compile or cache load; a Ctrl-C in that import leaves the registries
# half filled, and every later compile fails ("duplicate registration"). Done
# here, the import is part of this package's, which import_optional undoes
# whole when it is interrupted.
cpu_target.target_context.refresh()

__all__ = ["FusedKernels", "FusedTraining"]
