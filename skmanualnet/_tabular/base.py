"""What the tabular estimators share: a table as it comes, through
:class:`TabularPreprocessor`, into a :class:`ManualMLPClassifier` /
:class:`ManualMLPRegressor` with the tabular recipe's layers and training.

The recipe (defaults measured in ``benchmarks/bench_tabular.py``): category
codes looked up as learned vectors, numbers through periodic embeddings,
three hidden layers of 256 with parametric activations and dropout, Adam with
β₂ = 0.95, and the best epoch on a held-out fifth of the training rows.
"""

import warnings
from numbers import Integral, Real

from sklearn.base import BaseEstimator, _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._estimators.params import training_rows
from .preprocessor import TabularPreprocessor, checked_table, with_table_input

#: the recipe's settings of the network that are not the estimator's parameters
FIXED = dict(solver="adam", beta_1=0.9, tol=0.0)
#: the parameters of the preparation and of the hold-out rule; every other
#: parameter is the network's, under the same name
TABLE_ONLY = ("categorical_features", "one_hot_max_categories", "early_stopping")
#: "auto" holds rows out for the best epoch from this many training rows on
AUTO_HOLD_OUT_ROWS = 500
#: the fitted network's history, shown on the estimator
HISTORY = (
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "validation_loss_curve_",
    "best_validation_score_",
)

TABULAR_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions({"relu", "tanh", "gelu", "silu", "mish", "selu"})],
    "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
    "one_hot_max_categories": [Interval(Integral, 1, None, closed="left")],
    "input_embedding": [StrOptions({"periodic"}), None],
    "embedding_size": [Interval(Integral, 1, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "parametric_activation": ["boolean"],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "learning_rate": [
        StrOptions({"constant", "cosine", "flat_cosine", "cosine_restarts"})
    ],  # fmt: skip
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "early_stopping": [StrOptions({"auto"}), "boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


class BaseTabularMLP(CallbackSupportMixin, BaseEstimator):
    """What the tabular classifier and regressor share: the preprocessing,
    the network's parameters, fit and the fitted history."""

    _parameter_constraints: dict = TABULAR_CONSTRAINTS

    def __init__(
        self,
        hidden_layer_sizes=(256, 256, 256),
        activation="relu",
        *,
        categorical_features="from_dtype",
        one_hot_max_categories=8,
        input_embedding="periodic",
        embedding_size=8,
        dropout=0.15,
        parametric_activation=True,
        alpha=0.0,
        weight_decay=0.0,
        batch_size=256,
        learning_rate="flat_cosine",
        learning_rate_init=1e-3,
        beta_2=0.95,
        max_iter=100,
        early_stopping="auto",
        validation_fraction=0.2,
        n_iter_no_change=20,
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.categorical_features = categorical_features
        self.one_hot_max_categories = one_hot_max_categories
        self.input_embedding = input_embedding
        self.embedding_size = embedding_size
        self.dropout = dropout
        self.parametric_activation = parametric_activation
        self.alpha = alpha
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.beta_2 = beta_2
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose

    def _network(self, n_rows, code_columns):
        """The unfitted network of the recipe for ``n_rows`` training rows
        whose prepared columns ``code_columns`` hold category codes."""
        params = {
            name: value for name, value in self.get_params(deep=False).items()
            if name not in TABLE_ONLY
        }  # fmt: skip
        hold_out = self.early_stopping
        if hold_out == "auto":
            hold_out = n_rows >= AUTO_HOLD_OUT_ROWS
        network = self._network_class(
            **FIXED,
            **params,
            early_stopping=hold_out,
            early_stopping_metric="loss",
            categorical_features=code_columns or None,
        )
        # batch_size is at most so many rows: no warning when there are fewer
        batch_size = min(self.batch_size, training_rows(network, n_rows)[0])
        return network.set_params(batch_size=max(batch_size, 1))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Prepare the table and train the network on it.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The table: numbers, categories, missing values.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights (the preprocessing's quartiles, and the loss).

        Returns
        -------
        self
        """
        X = checked_table(self, X, reset=True)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        # two tasks: prepare the table, train the network (which takes the
        # callbacks that propagate, such as a progress bar or a monitor)
        context = self._init_callback_context(max_subtasks=2)
        context.call_on_fit_task_begin(estimator=self, X=X, y=y)
        prepare = context.subcontext(task_name="prepare-table")
        prepare.call_on_fit_task_begin(estimator=self, X=X, y=y)
        self.preprocessor_ = TabularPreprocessor(
            categorical_features=self.categorical_features,
            one_hot_max_categories=self.one_hot_max_categories,
        ).fit(X, sample_weight=sample_weight)
        Z = self.preprocessor_.transform(X)
        prepare.call_on_fit_task_end(estimator=self, X=X, y=y)
        network = self._network(Z.shape[0], self.preprocessor_.code_columns_)
        target = self._fit_target(y, sample_weight)
        train = context.subcontext(task_name="fit-network")
        with train.propagate_callback_context(network), warnings.catch_warnings():
            # the recipe runs its epochs (or stops early): the last epoch
            # reached is its plan, not a failure to converge
            warnings.filterwarnings(
                "ignore", "Stochastic Optimizer: Maximum", ConvergenceWarning
            )
            train.call_on_fit_task_begin(estimator=self, X=Z, y=target)
            self.network_ = network.fit(Z, target, sample_weight)
            train.call_on_fit_task_end(estimator=self, X=Z, y=target)
        context.call_on_fit_task_end(estimator=self, X=X, y=y)
        for name in HISTORY:
            if hasattr(self.network_, name):
                setattr(self, name, getattr(self.network_, name))
        return self

    def _prepared(self, X):
        """(the fitted network, new X checked against the fitted table and
        prepared as the network's input)."""
        check_is_fitted(self)
        X = self.preprocessor_.transform(checked_table(self, X, reset=False))
        return self.network_, X

    def __sklearn_tags__(self):
        return with_table_input(super().__sklearn_tags__())
