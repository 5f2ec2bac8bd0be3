"""TrainingCurveDisplay: the loss per epoch, and with early stopping the
validation loss and score, in scikit-learn's Display style.

A display holds the curves it draws (``__init__`` stores them), draws them in
``plot`` (which sets ``ax_`` and ``figure_``) and is usually made by
``from_estimator``. matplotlib is imported only when drawing.
"""

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._lazy_import import import_optional


def _curve(values, name, length=None):
    """``values`` as a 1-d float array (None stays None), checked."""
    if values is None:
        return None
    curve = np.asarray(values, dtype=float)
    if curve.ndim != 1 or curve.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-d sequence, got shape {curve.shape}."
        )
    if length is not None and curve.size != length:
        raise ValueError(
            f"{name} must have one value per epoch of loss_curve ({length}), "
            f"got {curve.size}."
        )
    return curve


def best_epoch_of(estimator):
    """The epoch (from 1) whose weights early stopping kept, or None without it:
    the best validation loss with ``early_stopping_metric="loss"``, else the best
    validation score (the first such epoch, as the stopping rule keeps it)."""
    scores = getattr(estimator, "validation_scores_", None)
    losses = getattr(estimator, "validation_loss_curve_", None)
    if getattr(estimator, "early_stopping_metric", "score") == "loss" and losses:
        return int(np.argmin(losses)) + 1
    return int(np.argmax(scores)) + 1 if scores else None


def _score_name(estimator):
    if is_classifier(estimator):
        return "validation accuracy"
    return "validation R²" if is_regressor(estimator) else "validation score"


class TrainingCurveDisplay:
    """Training curves of an MLP: the loss per epoch and, with early stopping,
    the validation loss and the validation score, the best epoch marked.

    Use :meth:`from_estimator` to make one from a fitted model. All parameters
    are stored as attributes.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        The training loss after each epoch (``loss_curve_``), penalty included.
    validation_loss_curve : array-like of shape (n_epochs,), default=None
        The loss on the held-out split after each epoch
        (``validation_loss_curve_``).
    validation_scores : array-like of shape (n_epochs,), default=None
        The score on the held-out split after each epoch (``validation_scores_``),
        drawn on a second y axis.
    best_epoch : int, default=None
        The epoch (counted from 1) to mark, for early stopping the one whose
        weights the model kept.
    score_name : str, default="validation score"
        The label of the score axis.
    name : str, default=None
        The model's name, used as the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the loss curves.
    score_ax_ : matplotlib Axes or None
        The second y axis, of the validation score (None without scores).
    figure_ : matplotlib Figure
        The figure holding the axes.
    lines_ : dict of matplotlib Line2D
        The drawn curves, under ``"loss"``, ``"validation_loss"`` and
        ``"validation_score"``.
    best_epoch_line_ : matplotlib Line2D or None
        The vertical line at the best epoch.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the number
        of training samples.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skmanualnet import ManualMLPClassifier, TrainingCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> model = ManualMLPClassifier(early_stopping=True, random_state=0).fit(X, y)
    >>> display = TrainingCurveDisplay.from_estimator(model)
    >>> len(display.lines_["loss"].get_xdata()) == model.n_iter_
    True
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        best_epoch=None,
        score_name="validation score",
        name=None,
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.best_epoch = best_epoch
        self.score_name = score_name
        self.name = name

    def plot(self, ax=None, *, name=None, loss_kw=None, validation_loss_kw=None,
             score_kw=None, best_epoch_kw=None):  # fmt: skip
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        name : str, default=None
            A title that overrides ``self.name``.
        loss_kw, validation_loss_kw, score_kw, best_epoch_kw : dict, default=None
            Keyword arguments for the ``plot`` calls of the training loss, the
            validation loss and the validation score, and for the ``axvline``
            of the best epoch.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with ``ax_``, ``figure_`` and the drawn artists.
        """
        loss, validation_loss, scores = self._checked_curves()
        try:
            plt = import_optional("matplotlib.pyplot")
        except ImportError as error:
            raise ImportError(
                "TrainingCurveDisplay.plot needs matplotlib: pip install matplotlib"
            ) from error
        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        epochs = np.arange(1, loss.size + 1)
        styles = {
            "loss": ({"label": "training loss", "color": "tab:blue"}, loss_kw),
            "validation_loss": (
                {"label": "validation loss", "color": "tab:orange"},
                validation_loss_kw,
            ),
        }
        self.lines_ = {}
        for key, values in (("loss", loss), ("validation_loss", validation_loss)):
            if values is not None:
                style, user = styles[key]
                (self.lines_[key],) = ax.plot(
                    epochs, values, **{**style, **(user or {})}
                )
        self.best_epoch_line_ = None
        if self.best_epoch is not None:
            style = {"color": "k", "linestyle": "--", "linewidth": 1,
                     "label": f"best epoch ({self.best_epoch}), kept"}  # fmt: skip
            self.best_epoch_line_ = ax.axvline(
                self.best_epoch, **{**style, **(best_epoch_kw or {})}
            )
        self.score_ax_ = None
        if scores is not None:
            self.score_ax_ = ax.twinx()
            style = {"label": self.score_name, "color": "tab:green"}
            (self.lines_["validation_score"],) = self.score_ax_.plot(
                epochs, scores, **{**style, **(score_kw or {})}
            )
            self.score_ax_.set_ylabel(self.score_name)
        self._decorate(ax, name)
        return self

    def _checked_curves(self):
        """(loss, validation loss, scores) as arrays of one length, checked."""
        loss = _curve(self.loss_curve, "loss_curve")
        validation_loss = _curve(
            self.validation_loss_curve, "validation_loss_curve", loss.size
        )
        scores = _curve(self.validation_scores, "validation_scores", loss.size)
        if self.best_epoch is not None and not 1 <= self.best_epoch <= loss.size:
            raise ValueError(
                f"best_epoch must be an epoch between 1 and {loss.size}, "
                f"got {self.best_epoch!r}."
            )
        return loss, validation_loss, scores

    def _decorate(self, ax, name):
        """Axis labels, one legend for both y axes, the title; ``ax_``, ``figure_``."""
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        handles = [*self.lines_.values()]
        if self.best_epoch_line_ is not None:
            handles.append(self.best_epoch_line_)
        # under the axes, where no curve of either y axis can run through it
        top = ax if self.score_ax_ is None else self.score_ax_
        top.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13),
                   ncols=2, fontsize="small", frameon=False)  # fmt: skip
        title = name if name is not None else self.name
        if title is not None:
            ax.set_title(title)
        self.ax_, self.figure_ = ax, ax.figure

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **plot_kwargs):
        """Draw the training curves of a fitted model.

        Parameters
        ----------
        estimator : estimator or Pipeline
            A fitted MLP trained by a stochastic solver (it has ``loss_curve_``:
            ours, or scikit-learn's ``MLPClassifier`` and ``MLPRegressor``), or
            a pipeline ending in one.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        name : str, default=None
            The title; the model's class name when None.
        **plot_kwargs
            Passed on to :meth:`plot`.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        model = estimator[-1] if isinstance(estimator, Pipeline) else estimator
        check_is_fitted(model)
        if getattr(model, "loss_curve_", None) is None:
            raise ValueError(
                "TrainingCurveDisplay needs a model trained by a stochastic solver "
                "(sgd or adam), which records loss_curve_; this "
                f"{type(model).__name__} has none "
                f"(solver={getattr(model, 'solver', None)!r})."
            )
        display = cls(
            loss_curve=model.loss_curve_,
            validation_loss_curve=getattr(model, "validation_loss_curve_", None),
            validation_scores=getattr(model, "validation_scores_", None),
            best_epoch=best_epoch_of(model),
            score_name=_score_name(model),
            name=type(model).__name__ if name is None else name,
        )
        return display.plot(ax=ax, **plot_kwargs)
