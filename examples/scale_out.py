"""
Scale-out: a grid search on a dask cluster, and out-of-core training
====================================================================

Two ways to use more than one core or more data than fits in memory, with
existing engines (the ``dask`` extra, ``pip install -e ".[dask]"``):

1. ``GridSearchCV`` sends its fits to a dask cluster through joblib's "dask"
   backend. Here the cluster is a ``LocalCluster`` of two workers on
   127.0.0.1; point ``Client`` at a real scheduler's address to use many
   machines. The results are the same as a sequential search.
2. dask-ml's ``Incremental`` feeds a dask array to ``partial_fit`` one chunk at
   a time, so that only one chunk is in memory at once. Each call of
   ``Incremental.partial_fit`` is one pass over all chunks (one epoch), and the
   optimizer (velocities, Adam moments) carries over from chunk to chunk.
"""

import time
import warnings

import dask.array as da
import joblib
import numpy as np
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier


def grid_search_on_a_cluster():
    """Eight configurations × three folds, run by two dask workers."""
    X, y = load_digits(return_X_y=True)
    search = GridSearchCV(
        make_pipeline(
            StandardScaler(), ManualMLPClassifier(max_iter=30, random_state=0)
        ),
        {
            "manualmlpclassifier__hidden_layer_sizes": [(32,), (64,)],
            "manualmlpclassifier__alpha": [1e-4, 1e-2],
            "manualmlpclassifier__activation": ["relu", "tanh"],
        },
        cv=3,
        n_jobs=-1,
    )
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,  # workers are threads here; True: processes
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
        joblib.parallel_backend("dask"),
        # 30 epochs on purpose; scikit-learn hands this filter on to the workers
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", ConvergenceWarning)
        print(f"cluster: {client.scheduler.address}, 2 workers")
        search.fit(X, y)
    print(f"grid search: {time.perf_counter() - start:.1f} s")
    print(f"  best: {search.best_params_}")
    print(f"  cross-validated accuracy: {search.best_score_:.3f}")


def out_of_core_training(epochs=10):
    """partial_fit chunk by chunk over a dask array, against an in-memory fit."""
    X, y = make_classification(
        n_samples=30_000, n_features=20, n_informative=12, n_classes=4, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    # Here the dask array wraps numpy; in practice it would be lazy, e.g.
    # da.from_zarr(...) or dask.dataframe.read_parquet(...).to_dask_array(lengths=True)
    dX = da.from_array(X_train, chunks=(2_000, -1))
    dy = da.from_array(y_train, chunks=2_000)
    model = Incremental(
        ManualMLPClassifier((64,), random_state=0),
        shuffle_blocks=True,
        random_state=np.random.RandomState(0),  # a new chunk order every epoch
    )
    start = time.perf_counter()
    for _ in range(epochs):
        model.partial_fit(dX, dy, classes=np.unique(y))
    print(
        f"out-of-core, {dX.numblocks[0]} chunks × {epochs} epochs: "
        f"{time.perf_counter() - start:.1f} s, "
        f"test accuracy {model.estimator_.score(X_test, y_test):.3f}"
    )
    in_memory = ManualMLPClassifier((64,), max_iter=epochs, random_state=0)
    start = time.perf_counter()
    with warnings.catch_warnings():  # 10 epochs on purpose: not converged
        warnings.simplefilter("ignore", ConvergenceWarning)
        in_memory.fit(X_train, y_train)
    print(
        f"in memory, fit with max_iter={epochs}: "
        f"{time.perf_counter() - start:.1f} s, "
        f"test accuracy {in_memory.score(X_test, y_test):.3f}"
    )
    # predicting a dask array is lazy too: one chunk at a time
    labels = model.predict(da.from_array(X_test, chunks=(2_000, -1)))
    print(f"lazy predictions: {labels!r}")


if __name__ == "__main__":  # needed: worker processes re-import this file
    grid_search_on_a_cluster()
    out_of_core_training()
