"""The tables ``bench_tabular.py`` prints: errors per table, then a summary per task.

``results[table][model]`` holds the medians over seeds: ``fit_s``,
``predict_s``, ``{split}_error`` (classification error, or regression nRMSE),
``{split}_logloss`` (classification) and ``MiB`` (when memory was traced).
"""

import numpy as np
from scipy.stats import rankdata

try:  # run as a script
    import tabular_data as data
except ModuleNotFoundError:  # imported as benchmarks.tabular_report
    from . import tabular_data as data

#: the model every other one is counted against in ``beats-sk``
BASELINE = "sklearn-MLP"
#: errors below this count as this much in the ratios (an error of 0 on a table)
FLOOR = 1e-4


def by_task(results):
    """task -> the names of its tables in ``results``, in order."""
    tasks = {}
    for name in results:
        tasks.setdefault(data.TABLES[name].task, []).append(name)
    return tasks


def matrix(results, tables, models, key):
    """tables × models array of one measure."""
    return np.array([[results[t][m].get(key, np.nan) for m in models] for t in tables])


def print_per_table(results, tables, models, key, title):
    """One row per table, one column per model; ``*`` marks the lowest."""
    values = matrix(results, tables, models, key)
    print(f"\n{title}")
    print(f"{'table':<16}" + "".join(f"{m:>13}" for m in models))
    for name, row in zip(tables, values, strict=True):
        best = np.nanmin(row)
        cells = [f"{v:>12.4f}{'*' if v == best else ' '}" for v in row]
        print(f"{name:<16}" + "".join(cells))


def ratio_to_best(values):
    """Each error divided by the lowest of its row (table), floored at FLOOR."""
    values = np.maximum(values, FLOOR)
    return values / np.nanmin(values, axis=1, keepdims=True)


def geometric_mean(values, axis=0):
    return np.exp(np.nanmean(np.log(values), axis=axis))


def summary_rows(results, tables, models, split):
    """model -> the summary's cells for one task."""
    errors = matrix(results, tables, models, f"{split}_error")
    ranks = np.array([rankdata(row) for row in errors]).mean(axis=0)
    ratios = geometric_mean(ratio_to_best(errors))
    logloss = matrix(results, tables, models, f"{split}_logloss")
    ll_ratios = (
        geometric_mean(ratio_to_best(logloss)) if np.isfinite(logloss).any() else None
    )
    base = models.index(BASELINE) if BASELINE in models else None
    rows = {}
    for j, model in enumerate(models):
        beats = (
            np.mean(errors[:, j] < errors[:, base]) if base not in (None, j) else None
        )
        rows[model] = {
            "err÷best": ratios[j],
            "rank": ranks[j],
            "ll÷best": None if ll_ratios is None else ll_ratios[j],
            "beats-sk": beats,
            "fit s": np.sum(matrix(results, tables, [model], "fit_s")),
            "pred s": np.sum(matrix(results, tables, [model], "predict_s")),
            "MiB": np.max(matrix(results, tables, [model], "MiB")),
        }
    return rows


SUMMARY = {  # column -> (width, format)
    "err÷best": (9, ".3f"), "rank": (6, ".2f"), "ll÷best": (9, ".3f"),
    "beats-sk": (9, ".0%"), "fit s": (8, ".1f"), "pred s": (8, ".2f"),
    "MiB": (7, ".1f"),
}  # fmt: skip


def format_cell(value, width, spec):
    if value is None or not np.isfinite(value):
        return f"{'-':>{width}}"
    return f"{value:>{width}{spec}}"


def print_summary(results, models, split):
    """Per task and model: error ratio, rank, log-loss ratio, wins, time, memory."""
    print(
        f"\nsummary ({split} split): error ÷ best per table, geometric mean over"
        " tables; rank: mean rank of the error (1 = best); beats-sk: share of"
        f" tables with a lower error than {BASELINE}; fit s, pred s: summed over"
        " tables; MiB: the largest peak"
    )
    print(f"{'task':<6}{'model':<14}{'tables':>6}" + "".join(
        f"{c:>{w}}" for c, (w, _) in SUMMARY.items()))  # fmt: skip
    for task, tables in by_task(results).items():
        for model, cells in summary_rows(results, tables, models, split).items():
            line = "".join(format_cell(cells[c], w, f) for c, (w, f) in SUMMARY.items())
            print(f"{task[:5]:<6}{model:<14}{len(tables):>6}" + line)


def print_report(results, models, split):
    """Errors per table (and log-loss for classification), then the summary."""
    for task, tables in by_task(results).items():
        what = "classification error" if task == "classification" else "nRMSE"
        print_per_table(
            results, tables, models, f"{split}_error", f"{what} ({split} split)"
        )
        if task == "classification":
            print_per_table(
                results, tables, models, f"{split}_logloss", f"log-loss ({split} split)"
            )
    print_summary(results, models, split)


def print_ablation(results, base, split):
    """What each ingredient buys: per task, the error (and log-loss) of each
    variant (an ingredient taken out, or switched on, or changed) over that of
    ``base`` (the recipe's defaults), geometric mean over tables, and the share
    of tables where the variant's error is higher."""
    print(f"\nablation ({split} split): error of the variant ÷ error of {base}, "
          "geometric mean over tables (> 1: the default is better)")  # fmt: skip
    print(f"{'task':<6}{'variant':<16}{'err ratio':>10}{'ll ratio':>10}"
          f"{'worse on':>10}")  # fmt: skip
    for task, tables in by_task(results).items():
        models = [m for m in results[tables[0]] if m.startswith("Tab:")]
        full = np.maximum(matrix(results, tables, [base], f"{split}_error"), FLOOR)
        for model in models:
            errors = np.maximum(
                matrix(results, tables, [model], f"{split}_error"), FLOOR
            )
            ratio = geometric_mean(errors / full)[0]
            ll = None
            if task == "classification":
                ll = geometric_mean(
                    matrix(results, tables, [model], f"{split}_logloss")
                    / matrix(results, tables, [base], f"{split}_logloss")
                )[0]
            worse = np.mean(errors > full)
            print(f"{task[:5]:<6}{model[4:]:<16}{ratio:>10.3f}"
                  f"{format_cell(ll, 10, '.3f')}{worse:>10.0%}")  # fmt: skip
