"""Peak memory of a fit, traced: no more than scikit-learn's for the same model.

``tracemalloc`` counts every array the call allocates (X, made before, is not
counted; a copy of it would be). The target encoding of a classifier is one
peak, the training loop's buffers another: a buffer of one float per row of X
kept across either shows here.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skmanualnet import ManualMLPClassifier

PARAMS = dict(
    hidden_layer_sizes=(64,), batch_size=200, solver="sgd", learning_rate_init=0.01,
    max_iter=1, random_state=0,
)  # fmt: skip


def _peak_bytes(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[:400], y[:400])  # warm-up: imports and caches are not the fit's
        tracemalloc.start()
        try:
            model.fit(X, y)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_fit_peaks_no_higher_than_sklearns(dtype):
    X, y = make_classification(
        20000, 50, n_informative=20, n_classes=10, random_state=0
    )
    X = X.astype(dtype)
    ours = _peak_bytes(ManualMLPClassifier(**PARAMS), X, y)
    theirs = _peak_bytes(MLPClassifier(**PARAMS), X, y)
    # a float64 per row is 160 kB here; a few kB of bookkeeping is not
    assert ours <= theirs + 16 * 1024, (ours, theirs)
