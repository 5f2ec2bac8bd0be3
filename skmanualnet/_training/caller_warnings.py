"""Warnings that point at the caller's line, not at this package's."""

import os
import sys
import warnings

#: skmanualnet's folder (this file sits in its _training sub-package)
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _outside_package_stacklevel():
    """The stacklevel of the first frame outside skmanualnet and outside
    scikit-learn's ``_fit_context`` wrapper, counted from the caller of
    :func:`warn`."""
    frame, level = sys._getframe(2), 1
    while frame is not None:
        code = frame.f_code
        ours = os.path.abspath(code.co_filename).startswith(_PACKAGE)
        fit_wrapper = code.co_name == "wrapper" and code.co_filename.endswith(
            os.path.join("sklearn", "base.py")
        )
        if not (ours or fit_wrapper):
            return level
        frame, level = frame.f_back, level + 1
    return level


def warn(message, category=UserWarning):
    """``warnings.warn`` with the stacklevel of the user's call."""
    warnings.warn(message, category, stacklevel=_outside_package_stacklevel() + 1)
