"""How a :class:`~skmanualnet._inspection.range_test.LearningRateRangeTest`
is drawn: the loss against η on a log axis, raw and smoothed, the suggested
learning rate marked (scikit-learn's Display style: ``ax_``, ``figure_``)."""

from .._lazy_import import import_optional


def _pyplot():
    try:
        return import_optional("matplotlib.pyplot")
    except ImportError as error:
        raise ImportError(
            "LearningRateRangeTest.plot needs matplotlib: pip install matplotlib"
        ) from error


def plot_range_test(result, ax, name, loss_kw, smoothed_kw, suggested_kw):
    """Draw ``result`` on ``ax`` (a new figure when None); returns ``result``
    with ``ax_``, ``figure_`` and ``lines_`` set."""
    if ax is None:
        _, ax = _pyplot().subplots(layout="constrained")
    rates = result.learning_rates_
    raw = {"color": "tab:blue", "alpha": 0.35, "linewidth": 1, "label": "batch loss"}
    smooth = {"color": "tab:blue", "label": "smoothed loss"}
    mark = {"color": "k", "linestyle": "--", "linewidth": 1,
            "label": f"suggested η = {result.suggested_learning_rate:.2g}"}  # fmt: skip
    (loss_line,) = ax.plot(rates, result.losses_, **{**raw, **(loss_kw or {})})
    (smooth_line,) = ax.plot(
        rates, result.smoothed_losses_, **{**smooth, **(smoothed_kw or {})}
    )
    suggested = ax.axvline(
        result.suggested_learning_rate, **{**mark, **(suggested_kw or {})}
    )
    ax.set_xscale("log")
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(f"training loss ({result.solver})")
    ax.legend(fontsize="small", frameon=False)
    if name is not None:
        ax.set_title(name)
    result.lines_ = {"loss": loss_line, "smoothed": smooth_line, "suggested": suggested}
    result.ax_, result.figure_ = ax, ax.figure
    return result
