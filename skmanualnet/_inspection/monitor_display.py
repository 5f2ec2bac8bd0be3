"""TrainingMonitorDisplay: what a :class:`~skmanualnet.TrainingMonitor`
recorded, one panel per statistic, in scikit-learn's Display style.

matplotlib is imported only when drawing.
"""

import numpy as np

from .._lazy_import import import_optional
from .monitor import STATISTICS, MonitorRecord
from .monitor_verdicts import record_html, verdict_lines

#: Each panel's title, whether its y axis is logarithmic, and what it says
#: when no layer has the statistic.
PANELS = {
    "activation_mean": ("mean of aˡ", False, None),
    "activation_std": ("std of aˡ", False, None),
    "saturated_fraction": ("saturated share (tanh, logistic)", False,
                           "no tanh or logistic layer"),
    "dead_fraction": ("dead relu units", False, "no relu layer"),
    "gradient_norm": ("‖W̄ˡ‖ (gradient norm)", True, None),
    "update_ratio": ("‖ΔWˡ‖ / ‖Wˡ‖ (update ratio)", True, None),
}  # fmt: skip
#: The rule-of-thumb update ratio, drawn on its panel.
RATIO_GUIDE = 1e-3


class TrainingMonitorDisplay:
    """Per-layer training statistics, one panel per statistic, layers as lines.

    Use :meth:`from_callback` to make one from a
    :class:`~skmanualnet.TrainingMonitor` that watched a fit. All parameters
    are stored as attributes.

    Parameters
    ----------
    epochs : ndarray of shape (n_measured,)
        The epoch after which each row was measured.
    statistics : dict
        Statistic name (``"dead_fraction"``, …) → array of shape
        (n_measured, n_layers).
    activations : list of str
        The activation of each hidden layer.
    verdicts : list of str
        The rules of thumb broken at the last epoch, or the one sentence
        saying that none is.
    name : str, default=None
        The figure's title.

    Attributes
    ----------
    axes_ : dict
        Statistic name → its matplotlib Axes.
    lines_ : dict
        Statistic name → list of the lines drawn (one per layer).
    guide_line_ : matplotlib Line2D
        The 1e-3 line of the update-ratio panel.
    verdict_text_ : matplotlib Text
        The verdicts under the panels.
    figure_ : matplotlib Figure
    """

    def __init__(self, *, epochs, statistics, activations, verdicts, name=None):
        self.epochs = epochs
        self.statistics = statistics
        self.activations = activations
        self.verdicts = verdicts
        self.name = name

    @classmethod
    def from_callback(cls, monitor, *, record=-1, ax=None, name=None):
        """Draw what ``monitor`` recorded of one fit.

        Parameters
        ----------
        monitor : TrainingMonitor
            A monitor that watched at least one fit.
        record : int, default=-1
            Which of its ``records_`` (the last fit by default).
        ax : array-like of 6 matplotlib Axes, default=None
            Where to draw the six panels; a new figure when None.
        name : str, default=None
            The title; the estimator's class name when None.

        Returns
        -------
        display : TrainingMonitorDisplay
        """
        if not getattr(monitor, "records_", None):
            raise ValueError(
                "TrainingMonitorDisplay.from_callback needs a TrainingMonitor that "
                "watched a fit: set it with set_callbacks, then fit."
            )
        watched = monitor.records_[record]
        display = cls(
            epochs=watched.array("epochs"),
            statistics={key: watched.array(key) for key in STATISTICS},
            activations=list(watched.activations),
            verdicts=verdict_lines(watched),
            name=watched.estimator if name is None else name,
        )
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the six panels and the verdicts.

        Parameters
        ----------
        ax : array-like of 6 matplotlib Axes, default=None
            Where to draw, in the order mean, std, saturated, dead, gradient
            norm, update ratio; a new 2 × 3 figure when None.

        Returns
        -------
        display : TrainingMonitorDisplay
            The display, with ``axes_``, ``lines_``, ``guide_line_``,
            ``verdict_text_`` and ``figure_``.
        """
        try:
            plt = import_optional("matplotlib.pyplot")
        except ImportError as error:
            raise ImportError(
                "TrainingMonitorDisplay.plot needs matplotlib: pip install matplotlib"
            ) from error
        if ax is None:
            figure, ax = plt.subplots(2, 3, figsize=(12, 6.5), layout="constrained")
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size != len(PANELS):
            raise ValueError(
                f"ax must hold {len(PANELS)} Axes, one per statistic, got {axes.size}."
            )
        self.axes_ = dict(zip(PANELS, axes, strict=True))
        self.lines_ = {key: self._panel(key, self.axes_[key]) for key in PANELS}
        self.guide_line_ = self.axes_["update_ratio"].axhline(
            RATIO_GUIDE, color="k", linestyle="--", linewidth=1, label="1e-3 guide"
        )
        self.axes_["update_ratio"].legend(fontsize="small")
        self.figure_ = axes[0].figure
        if self.name is not None:
            self.figure_.suptitle(self.name)
        self.verdict_text_ = self.figure_.supxlabel(
            "\n".join(self.verdicts), fontsize="medium"
        )
        return self

    def _panel(self, key, ax):
        """One statistic's lines, one per layer that has it."""
        title, log, missing = PANELS[key]
        values = np.asarray(self.statistics[key], dtype=float)
        lines = []
        for l in range(values.shape[1] if values.ndim == 2 else 0):
            column = values[:, l]
            if np.all(np.isnan(column)):
                continue
            label = self._layer_label(key, l, values.shape[1])
            (line,) = ax.plot(self.epochs, column, marker=".", label=label)
            lines.append(line)
        if lines:
            ax.legend(fontsize="small")
            if log:
                ax.set_yscale("log")
        elif missing:
            ax.text(0.5, 0.5, missing, ha="center", va="center",
                    transform=ax.transAxes)  # fmt: skip
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel("epoch")
        return lines

    def _layer_label(self, key, l, n_columns):
        """``layer 2 (tanh)`` for a hidden layer, ``W3 (output)`` for a weight."""
        if key in ("gradient_norm", "update_ratio"):
            return f"W{l + 1}" + (" (output)" if l == n_columns - 1 else "")
        return f"layer {l + 1} ({self.activations[l]})"

    def _repr_html_(self):
        rows = {"epochs": list(self.epochs)}
        rows.update({key: list(self.statistics[key]) for key in STATISTICS})
        shown = MonitorRecord(self.name or "", {}, self.activations, rows)
        return record_html(shown)
