"""Package-wide settings: whether training runs on the compiled kernels.

One setting, ``accelerate``, read at the start of each stochastic fit:

* ``"auto"`` (the default): the fused kernels of the ``fast`` extra (numba)
  when it is installed and the fit is large enough to repay loading them;
* ``True``: the fused kernels for every fit they apply to (numba required);
* ``False``: the numpy reference, always.

The environment variable ``SKMANUALNET_ACCELERATE`` (``auto``, ``1`` or ``0``)
sets the value a process starts with, so that a whole run (a test suite, a
worker process) can be switched without touching code. A setting and not an
estimator parameter: it changes how fast a model is fitted, not which model
(results agree to floating-point reassociation), so it stays out of
``get_params``, grid searches and pickles.
"""

import os
from contextlib import contextmanager

ENVIRONMENT_VARIABLE = "SKMANUALNET_ACCELERATE"
_FROM_TEXT = {"auto": "auto", "1": True, "true": True, "0": False, "false": False}


def _check_accelerate(value, name):
    if value is True or value is False or value == "auto":
        return value
    raise ValueError(
        f"{name} must be 'auto', True or False, got {value!r}. 'auto' uses the "
        "compiled kernels when numba is installed and the fit is large enough, "
        "True uses them for every fit, False never."
    )


def _from_environment():
    text = os.environ.get(ENVIRONMENT_VARIABLE)
    if text is None:
        return "auto"
    value = _FROM_TEXT.get(text.strip().lower())
    if value is None:
        raise ValueError(
            f"The environment variable {ENVIRONMENT_VARIABLE}={text!r} is not "
            f"one of {', '.join(_FROM_TEXT)} (auto: the compiled kernels when "
            "numba is installed and the fit is large enough; 1: always; 0: never)."
        )
    return value


_config = {"accelerate": _from_environment()}


def get_config():
    """The current settings, as a new dict.

    Returns
    -------
    config : dict
        ``{"accelerate": "auto" | True | False}``; see :func:`set_config`.

    Examples
    --------
    >>> from skmanualnet import get_config
    >>> sorted(get_config())
    ['accelerate']
    """
    return dict(_config)


def set_config(accelerate=None):
    """Change the package-wide settings (for this process, all its threads).

    Parameters
    ----------
    accelerate : {"auto", True, False}, default=None
        Which kernels stochastic fits (sgd, adam) train on. ``"auto"``: the
        fused compiled kernels of the ``fast`` extra (``pip install -e
        ".[fast]"`` in a clone, numba) when installed and when the fit is large
        enough (``max_iter`` × batches per epoch, weighted by the network's
        size) for their expected saving to repay loading them;
        ``True``: those kernels for every such fit, and an ``ImportError`` at
        fit when numba is missing; ``False``: the numpy reference. Fitted
        models agree either way up to floating-point reassociation. None
        leaves the setting as it is.

    Examples
    --------
    >>> from skmanualnet import get_config, set_config
    >>> before = get_config()["accelerate"]
    >>> set_config(accelerate=False)
    >>> get_config()["accelerate"]
    False
    >>> set_config(accelerate=before)
    """
    if accelerate is not None:
        _config["accelerate"] = _check_accelerate(accelerate, "accelerate")


@contextmanager
def config_context(*, accelerate=None):
    """The settings of :func:`set_config` inside a ``with`` block, restored after.

    Parameters
    ----------
    accelerate : {"auto", True, False}, default=None
        See :func:`set_config`; None keeps the current value.

    Examples
    --------
    >>> from skmanualnet import config_context, get_config
    >>> with config_context(accelerate=False):
    ...     get_config()["accelerate"]
    False
    """
    previous = get_config()
    set_config(accelerate=accelerate)
    try:
        yield
    finally:
        _config.update(previous)
