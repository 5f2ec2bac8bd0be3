"""Optional dependencies, imported at first use, all or nothing.

An import that fails halfway, by an error or by Ctrl-C (a KeyboardInterrupt
raised between any two lines of the imported code), leaves the modules it had
begun in ``sys.modules``: a later import of the same name returns the
half-initialised module, and every later fit of the session fails (``partially
initialized module 'numba.core.types' has no attribute 'misc'``).
:func:`import_optional` removes every module that the failed import added, so
that the next call imports it afresh. Every import of an optional dependency
(numba through ``skmanualnet._training._fast``, threadpoolctl, matplotlib, skl2onnx,
onnx) goes through it.
"""

import importlib
import sys


def import_optional(name):
    """The module ``name``, imported; if the import raises, the modules it
    added to ``sys.modules`` are removed before the exception propagates.

    Parameters
    ----------
    name : str
        The absolute dotted name of the module, such as ``"numba"`` or
        ``"matplotlib.pyplot"``.

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    BaseException
        Whatever the import raised (ImportError, KeyboardInterrupt, ...),
        unchanged.
    """
    before = set(sys.modules)  # µs: no cost beside the calls that need the module
    try:
        return importlib.import_module(name)
    except BaseException:
        _forget_modules_since(before)
        raise


def _forget_modules_since(before):
    """Remove from ``sys.modules`` every name not in ``before``; a second
    Ctrl-C while it runs only makes it start again."""
    while True:
        try:
            for added in [name for name in sys.modules if name not in before]:
                sys.modules.pop(added, None)
            return
        except KeyboardInterrupt:
            continue
