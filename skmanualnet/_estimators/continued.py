"""What a continued fit (warm start, partial_fit) keeps from the fitted model.

It starts from the fitted weights, so the layer widths, the output head and the
dtype of the weights stay; the history attributes are those of the solver it
runs now, which may not be the solver of the fit it continues.
"""

#: The attributes that only the stochastic solvers (sgd, adam) record.
STOCHASTIC_HISTORY = (
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "validation_loss_curve_",
    "best_validation_score_",
    "best_validation_loss_",
)

FRESH_NETWORK = "Set warm_start=False (or refit) to train a new network."


def fitted_dtype(estimator):
    """The dtype of the fitted weights, in which a continued fit computes."""
    return estimator.coefs_[0].dtype


def check_continuable(estimator, layout, head):
    """Continuing from the fitted weights needs the same layer widths and the
    same output head."""
    # the first width is that of X (an input embedding widens what W¹ sees)
    fitted = [estimator.n_features_in_, *(W.shape[1] for W in estimator.coefs_)]
    if list(layout.layer_units) != fitted:
        raise ValueError(
            f"The fitted network has layer widths {fitted} but "
            f"hidden_layer_sizes={estimator.hidden_layer_sizes!r} asks for "
            f"{list(layout.layer_units)}: warm_start and partial_fit continue "
            f"from the fitted weights, so the widths must stay. {FRESH_NETWORK}"
        )
    if head.name != estimator.out_activation_:
        raise ValueError(
            f"The fitted network's output is {estimator.out_activation_!r} but the "
            f"parameters now ask for {head.name!r}: warm_start and partial_fit "
            f"continue from the fitted weights, so the output must stay. "
            f"{FRESH_NETWORK}"
        )


def start_history(estimator, stochastic, fresh):
    """The history attributes a call of this solver extends: a fresh fit starts
    them anew, sgd and adam extend the loss curve (a new one after lbfgs), and
    lbfgs keeps none; nor does the optimizer state of an earlier stochastic
    fit, which no longer matches the weights lbfgs leaves."""
    if fresh or not stochastic:
        for name in STOCHASTIC_HISTORY:
            if hasattr(estimator, name):
                delattr(estimator, name)
        estimator._optimizer = estimator._stopping = None
    if fresh:
        estimator.n_iter_, estimator.t_ = 0, 0
    if stochastic and not hasattr(estimator, "loss_curve_"):
        estimator.loss_curve_ = []
