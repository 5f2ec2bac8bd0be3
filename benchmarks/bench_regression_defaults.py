"""Out-of-the-box regression: default ManualMLPRegressor against sklearn's default.

Scores default-constructed models on six bundled or synthetic regression sets
(StandardScaler on X, targets as they come, 75/25 split, seeds 0–2):
scikit-learn's MLPRegressor with its default adam, and ManualMLPRegressor with
its defaults (SGD, ``learning_rate_init="auto"``). Prints the median test R²
per dataset. Run: ``python benchmarks/bench_regression_defaults.py``.

Sample output (this machine kind, scikit-learn 1.9.1, median of seeds 0-2)::

    dataset        sklearn-adam   ours-default
    diabetes             -1.290          0.371
    linnerud           -192.886         -1.252
    friedman1             0.702          0.893
    friedman2            -0.285          0.994
    friedman3             0.772          0.818
    regression            0.956          0.995

Targets are left unscaled on purpose: that is what users pass. sklearn's adam
takes steps of about 0.001 per weight and does not reach targets in the
hundreds within 200 epochs; the 'auto' SGD step divides 0.05 by the targets'
root mean square. Linnerud has 20 rows for 3 targets: neither model
generalises.
"""

import argparse
import warnings

import numpy as np
from sklearn.datasets import (
    load_diabetes,
    load_linnerud,
    make_friedman1,
    make_friedman2,
    make_friedman3,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPRegressor

#: name -> (X, y) for a seed
DATASETS = {
    "diabetes": lambda seed: load_diabetes(return_X_y=True),
    "linnerud": lambda seed: load_linnerud(return_X_y=True),
    "friedman1": lambda seed: make_friedman1(1000, noise=1.0, random_state=seed),
    "friedman2": lambda seed: make_friedman2(1000, noise=10, random_state=seed),
    "friedman3": lambda seed: make_friedman3(1000, noise=0.1, random_state=seed),
    "regression": lambda seed: make_regression(
        1000, n_features=20, n_informative=10, noise=10, random_state=seed
    ),
}


def score(model, name, seed):
    """Test R² of StandardScaler + ``model`` on a 75/25 split of the set."""
    X, y = DATASETS[name](seed)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline = make_pipeline(StandardScaler(), model).fit(X_tr, y_tr)
    return float(pipeline.score(X_te, y_te))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'dataset':<12}{'sklearn-adam':>15}{'ours-default':>15}")
    for name in DATASETS:
        seeds = range(args.seeds)
        theirs = [score(MLPRegressor(random_state=s), name, s) for s in seeds]
        ours = [score(ManualMLPRegressor(random_state=s), name, s) for s in seeds]
        print(f"{name:<12}{np.median(theirs):>15.3f}{np.median(ours):>15.3f}")


if __name__ == "__main__":
    main()
