"""Scale-out on existing engines: a grid search on a dask cluster, and out-of-core
training with dask-ml's Incremental (our partial_fit, chunk by chunk).

The cluster is a LocalCluster on the loopback interface (127.0.0.1, its
dashboard on a free port, so that a busy 8787 does not stop it), started and
closed by each test that uses it.
"""

import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris, make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
Incremental = pytest.importorskip("dask_ml.wrappers").Incremental


@pytest.fixture(params=["threads", "processes"])
def client(request):
    """A two-worker LocalCluster on 127.0.0.1: in this process, or in two others."""
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=request.param == "processes",
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
    )
    with cluster, distributed.Client(cluster) as client:
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        yield client


def _grid_search(n_jobs):
    model = make_pipeline(
        StandardScaler(), ManualMLPClassifier(max_iter=60, random_state=0)
    )
    grid = {
        "manualmlpclassifier__hidden_layer_sizes": [(4,), (16,)],
        "manualmlpclassifier__alpha": [1e-4, 1e-1],
        "manualmlpclassifier__activation": ["relu", "tanh"],
    }
    return GridSearchCV(model, grid, cv=3, n_jobs=n_jobs)


def test_grid_search_on_a_dask_cluster_matches_the_sequential_search(client):
    X, y = load_iris(return_X_y=True)
    sequential = _grid_search(n_jobs=1).fit(X, y)
    with (
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_backend("dask"),
    ):
        on_cluster = _grid_search(n_jobs=-1).fit(X, y)
    assert tasks.data, "no task ran on the cluster"
    assert on_cluster.best_params_ == sequential.best_params_
    assert on_cluster.cv_results_["params"] == sequential.cv_results_["params"]
    scores = [k for k in sequential.cv_results_ if k.endswith("test_score")]
    assert len(scores) == 3 + 3  # split0..2, mean, std, rank
    for key in scores:
        assert_array_equal(on_cluster.cv_results_[key], sequential.cv_results_[key])
    assert on_cluster.best_score_ > 0.9


def test_a_regressor_grid_search_on_the_cluster_matches_the_sequential_one(client):
    X, y = make_friedman1(n_samples=150, random_state=0)
    grid = {"alpha": [1e-4, 1.0], "loss": ["squared_error", "huber"]}

    def search(n_jobs):
        model = make_pipeline(
            StandardScaler(), ManualMLPRegressor((8,), max_iter=30, random_state=0)
        )
        grid_ = {f"manualmlpregressor__{k}": v for k, v in grid.items()}
        return GridSearchCV(model, grid_, cv=3, n_jobs=n_jobs)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sequential = search(1).fit(X, y)
        with joblib.parallel_backend("dask"):
            on_cluster = search(-1).fit(X, y)
    assert on_cluster.best_params_ == sequential.best_params_
    assert_array_equal(
        on_cluster.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
    )


def _blob(n_samples, seed=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=20,
        n_informative=10,
        n_classes=3,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


def _dask(X, y, rows):
    return da.from_array(X, chunks=(rows, -1)), da.from_array(y, chunks=rows)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_incremental_over_chunks_of_one_batch_is_the_in_memory_fit(solver):
    """Unshuffled chunks of one batch each: partial_fit on chunk after chunk,
    epoch after epoch, is the very same computation as fit (the optimizer
    state carries over between partial_fit calls), so the weights are equal.
    The step is given: 'auto' would be found from the first chunk by
    partial_fit and from all rows by fit."""
    X, y = _blob(1000)
    params = dict(solver=solver, batch_size=200, shuffle=False, random_state=0)
    params["learning_rate_init"] = 0.05 if solver == "sgd" else 0.001
    in_memory = ManualMLPClassifier((16,), max_iter=5, n_iter_no_change=5, **params)
    in_memory.fit(X, y)
    out_of_core = Incremental(
        ManualMLPClassifier((16,), **params), shuffle_blocks=False
    )
    dX, dy = _dask(X, y, rows=200)
    for _ in range(5):
        out_of_core.partial_fit(dX, dy, classes=np.unique(y))
    fitted = out_of_core.estimator_
    assert fitted.t_ == in_memory.t_ == 5 * len(X)
    for a, b in zip(
        fitted.coefs_ + fitted.intercepts_,
        in_memory.coefs_ + in_memory.intercepts_,
        strict=True,
    ):
        assert_array_equal(a, b)


def test_incremental_with_shuffled_chunks_matches_in_memory_accuracy():
    X, y = _blob(5000)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    epochs = 20
    in_memory = ManualMLPClassifier((32,), max_iter=epochs, random_state=0)
    in_memory.fit(X_train, y_train)
    out_of_core = Incremental(
        ManualMLPClassifier((32,), random_state=0),
        shuffle_blocks=True,
        random_state=np.random.RandomState(0),  # a new block order every epoch
    )
    dX, dy = _dask(X_train, y_train, rows=500)
    assert dX.numblocks == (7, 1)
    for _ in range(epochs):
        out_of_core.partial_fit(dX, dy, classes=np.unique(y))
    assert out_of_core.estimator_.t_ == epochs * len(X_train)
    memory_accuracy = in_memory.score(X_test, y_test)
    chunked_accuracy = accuracy_score(y_test, out_of_core.predict(X_test))
    assert memory_accuracy > 0.85
    assert abs(chunked_accuracy - memory_accuracy) <= 0.01
    # dask in, dask out: predicting a dask array is lazy, chunk by chunk
    lazy = out_of_core.predict(da.from_array(X_test, chunks=(500, -1)))
    assert isinstance(lazy, da.Array)
    assert_array_equal(lazy.compute(), out_of_core.predict(X_test))
