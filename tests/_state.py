"""The whole state of an estimator, to tell whether a call changed it.

``snapshot`` deep-copies every attribute that is not a parameter nor callback
plumbing (the fitted attributes, the label encoder, the optimizer's moments, the
stopping rule, ...); ``assert_same_state`` compares two such snapshots value by
value, descending into lists, dicts and objects, so that "a failed call changes
nothing" is checked on everything a later call could read.
"""

import copy

import numpy as np
from numpy.testing import assert_array_equal


def snapshot(estimator):
    """Deep copies of the estimator's parameters and of its other attributes."""
    params = estimator.get_params(deep=False)
    state = {
        key: value
        for key, value in vars(estimator).items()
        if key not in params and "callback" not in key
    }
    return copy.deepcopy({"params": params, "state": state})


def assert_same_state(after, before, where="estimator"):
    """``after == before``, recursively; arrays compared with their dtypes."""
    if isinstance(before, np.ndarray):
        assert_array_equal(after, before, err_msg=where, strict=True)
    elif isinstance(before, dict):
        assert isinstance(after, dict), where
        assert after.keys() == before.keys(), f"{where}: {after.keys() ^ before.keys()}"
        for key in before:
            assert_same_state(after[key], before[key], f"{where}[{key!r}]")
    elif isinstance(before, list | tuple):
        assert type(after) is type(before) and len(after) == len(before), where
        for i, (a, b) in enumerate(zip(after, before, strict=True)):
            assert_same_state(a, b, f"{where}[{i}]")
    elif isinstance(before, float | np.floating):
        assert type(after) is type(before), where
        assert after == before or (np.isnan(after) and np.isnan(before)), where
    elif before is None or isinstance(before, str | int | bool | np.integer | type):
        assert type(after) is type(before) and after == before, where
    elif isinstance(before, np.random.RandomState):
        assert_same_state(after.get_state(), before.get_state(), where)
    else:
        assert type(after) is type(before), where
        assert_same_state(after.__getstate__(), before.__getstate__(), where)


def assert_same_weights(model, reference):
    """The two models have the same weights, bit for bit and dtype for dtype."""
    for W, W_ref in zip(
        model.coefs_ + model.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert_array_equal(W, W_ref, strict=True)
