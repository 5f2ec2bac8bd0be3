"""Out of the box, scaled and unscaled: default ManualMLPClassifier against sklearn's.

Scores default-constructed models on seven small datasets (stratified 60/40
split, seeds 0–2), once behind a StandardScaler ("scaled") and once on the raw
features ("unscaled"): scikit-learn's MLPClassifier with its default adam,
ManualMLPClassifier with its defaults (sgd, ``learning_rate_init="auto"``) and,
for comparison, ManualMLPClassifier at constant step sizes (``--rates``; 0.05
was "auto" before it measured the input's scale). Each model is fitted in
float64 and in float32 on the same rows. Prints, per dataset, the step that
"auto" resolved to (median over the seeds), the median test accuracy of the
float64 fits, and Δp: the largest absolute difference between the
predict_proba of the two fits over the test rows and the seeds (1e-5 is
float32 rounding; a large Δp means the two runs of the same training part
ways). Run:
``python benchmarks/bench_defaults.py`` (about 4 minutes), or
``--datasets iris wine --seeds 1`` for a few seconds.

Sample output (2-vCPU AMD EPYC VM, OpenBLAS 0.3.31 Haswell kernels, numpy
2.4.6, scikit-learn 1.9.1, seeds 0-2, skmanualnet 1252be1)::

    scaled: make_pipeline(StandardScaler(), model)
    dataset        η auto     ours     adam sgd-0.05     Δp ours     Δp adam Δp sgd-0.05
    moons          0.0500    0.908    0.858    0.908     5.9e-06     2.9e-06     5.9e-06
    circles        0.0500    0.875    0.867    0.875     4.7e-06     1.4e-04     4.7e-06
    linear         0.0500    0.958    0.900    0.958     7.1e-05     1.3e-04     7.1e-05
    digits         0.0500    0.974    0.975    0.974     2.9e-05     1.1e-04     2.9e-05
    iris           0.0500    0.983    0.983    0.983     2.3e-07     4.1e-07     2.3e-07
    breast_cancer  0.0500    0.965    0.965    0.965     7.9e-05     4.8e-04     7.9e-05
    wine           0.0500    0.972    0.972    0.972     4.5e-07     1.9e-05     4.5e-07

    unscaled: the model on the raw features
    dataset        η auto     ours     adam sgd-0.05     Δp ours     Δp adam Δp sgd-0.05
    moons          0.0500    0.883    0.850    0.883     5.4e-05     2.6e-07     5.4e-05
    circles        0.0500    0.875    0.842    0.875     2.1e-07     1.2e-05     2.1e-07
    linear         0.0404    0.925    0.817    0.958     2.0e-07     3.5e-06     1.7e-04
    digits         0.0065    0.969    0.969    0.943     7.3e-04     2.4e-01     1.0e+00
    iris           0.0125    1.000    0.983    0.967     2.8e-06     6.0e-07     3.4e-01
    breast_cancer  0.0002    0.934    0.952    0.627     4.2e-03     1.8e-05     1.2e-06
    wine           0.0002    0.667    0.861    0.403     1.6e-06     3.5e-05     4.3e-08

Scaled, "auto" is 0.05 (StandardScaler's output has an RMS of at most 1), so
the first table is the constant 0.05's. Unscaled, a constant 0.05 trains
chaotically on digits and iris (the float32 and float64 fits of the same rows
disagree on whole test rows: Δp of 1.0 and 0.34) and leaves breast cancer and
wine at the majority class (0.627 and 0.403). The scaled step trains all
seven with Δp ≤ 4.2e-3; it matches or beats adam on five, is 1.8 points behind
on breast cancer and far behind on wine (0.667 against 0.861), whose columns
range from 0.13 to 1680: one step for all weights cannot make up for that,
adam's per-weight steps or a StandardScaler can. On linear it gives up 3.3
points to the constant 0.05 (0.925 against 0.958), still ahead of adam.
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_classification,
    make_moons,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier

DATASETS = {
    "moons": lambda: make_moons(300, noise=0.2, random_state=0),
    "circles": lambda: make_circles(300, noise=0.2, factor=0.5, random_state=0),
    "linear": lambda: make_classification(
        300,
        n_features=2,
        n_redundant=0,
        n_informative=2,
        random_state=1,
        n_clusters_per_class=1,
    ),
    "digits": lambda: load_digits(return_X_y=True),
    "iris": lambda: load_iris(return_X_y=True),
    "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
    "wine": lambda: load_wine(return_X_y=True),
}

#: This machine sets these for all processes; they slow current OpenBLAS.
BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def score(model, X, y, seed, scaled=True):
    """Test accuracy of ``model`` (behind a StandardScaler when ``scaled``) on
    the stratified 60/40 split drawn by ``seed``."""
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.4, stratify=y, random_state=seed
    )
    pipeline = make_pipeline(StandardScaler(), model) if scaled else model
    return pipeline.fit(X_tr, y_tr).score(X_te, y_te)


def fit_both_dtypes(make_model, X, y, seed, scaled):
    """(test accuracy of the float64 fit, the largest absolute difference of
    the float64 and float32 fits' predict_proba on the test rows, the fitted
    float64 model) for one split."""
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.4, stratify=y, random_state=seed
    )
    fits = []
    for dtype in (np.float64, np.float32):
        model = make_model(seed)
        pipeline = make_pipeline(StandardScaler(), model) if scaled else model
        pipeline.fit(X_tr.astype(dtype), y_tr)
        X_test = X_te.astype(dtype)
        proba = pipeline.predict_proba(X_test).astype(np.float64)
        fits.append((pipeline.score(X_test, y_te), proba, model))
    (accuracy, p64, model), (_, p32, _) = fits
    return accuracy, float(np.max(np.abs(p64 - p32))), model


def models(rates):
    """name -> seed -> an unfitted model: ours, adam, and ours at each rate."""
    named = {
        "ours": lambda s: ManualMLPClassifier(random_state=s),
        "adam": lambda s: MLPClassifier(random_state=s),
    }
    for rate in rates:
        named[f"sgd-{rate:g}"] = lambda s, r=rate: ManualMLPClassifier(
            learning_rate_init=r, random_state=s
        )
    return named


def table(names, rates, seeds, scaled):
    """Print one table: a row per dataset."""
    candidates = models(rates)
    header = f"{'dataset':<14}{'η auto':>7}" + "".join(f"{m:>9}" for m in candidates)
    print(header + "".join(f"{'Δp ' + m:>12}" for m in candidates))
    for name in names:
        X, y = DATASETS[name]()
        accuracy, delta, eta = {}, {}, []
        for label, make in candidates.items():
            runs = [fit_both_dtypes(make, X, y, s, scaled) for s in range(seeds)]
            accuracy[label] = np.median([run[0] for run in runs])
            delta[label] = max(run[1] for run in runs)
            if label == "ours":
                eta = [run[2]._optimizer.learning_rate_init for run in runs]
        row = f"{name:<14}{np.median(eta):>7.4f}"
        row += "".join(f"{accuracy[m]:>9.3f}" for m in candidates)
        print(row + "".join(f"{delta[m]:>12.1e}" for m in candidates))


def clean_blas_environment():
    """Re-run this script without the machine's OpenBLAS overrides (this
    process only), then say which BLAS kernel threadpoolctl finds."""
    if any(name in os.environ for name in BLAS_OVERRIDES):
        env = {k: v for k, v in os.environ.items() if k not in BLAS_OVERRIDES}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        print('BLAS: unknown (pip install -e ".[benchmark]")')
        return
    for lib in threadpool_info():
        if lib["user_api"] == "blas":
            print(
                f"BLAS: {lib['internal_api']} {lib['version']} {lib['architecture']}, "
                f"{lib['num_threads']} threads ({Path(lib['filepath']).parent.name})"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS))
    parser.add_argument("--rates", type=float, nargs="*", default=[0.05])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    clean_blas_environment()
    warnings.simplefilter("ignore", ConvergenceWarning)
    names = args.datasets or list(DATASETS)
    for scaled in (True, False):
        print()
        print(
            "scaled: make_pipeline(StandardScaler(), model)"
            if scaled
            else "unscaled: the model on the raw features"
        )
        table(names, args.rates, args.seeds, scaled)


if __name__ == "__main__":
    main()
