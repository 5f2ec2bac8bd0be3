"""Compiled, fused kernels for training (the ``fast`` extra: numba).

Imported only by :mod:`skmanualnet._training.accelerate`, at the first fit that uses
it, never by ``import skmanualnet``. Each kernel replaces a group of the
readable numpy functions inside the epoch loop, and ``tests/test_fast.py``
holds each equal to the functions it replaces.
"""

from .training import FusedKernels, FusedTraining

__all__ = ["FusedKernels", "FusedTraining"]
