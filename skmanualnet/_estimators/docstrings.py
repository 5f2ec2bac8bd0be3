"""The parameter documentation every estimator shares, written once."""

#: The parameters every estimator shares, for their numpydoc docstrings.
SHARED_PARAMETERS_DOC = """\
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Width of each hidden layer.
    activation : str, CustomActivation, or list or tuple of them, default="relu"
        Hidden activation φ: one of "relu", "leaky_relu", "elu", "gelu",
        "silu", "softplus", "mish", "tanh", "logistic", "identity", or a
        :class:`~skmanualnet.CustomActivation`; for every hidden layer, or a
        sequence with one per hidden layer (as long as ``hidden_layer_sizes``).
    weight_init : {"glorot_uniform", "glorot_normal", "he_uniform", \
            "he_normal"}, default="glorot_uniform"
        How the initial weights are drawn from ``random_state``.
        "glorot_uniform" is scikit-learn's scheme (the same model for the same
        seed): weights and biases uniform in ±√(6 / (fan_in + fan_out)),
        ±√(2 / (fan_in + fan_out)) for logistic layers. "glorot_normal" draws
        the weights from N(0, 2 / (fan_in + fan_out)), "he_uniform" uniform in
        ±√(6 / fan_in) and "he_normal" from N(0, 2 / fan_in), all three with
        zero biases; He's schemes suit deep relu-like networks.
    solver : {"sgd", "adam", "lbfgs"}, default="sgd"
        Optimizer: mini-batch SGD (momentum, Nesterov), Adam, or full-batch L-BFGS
        (scipy's L-BFGS-B on the same loss and gradient).
    alpha : float, default=1e-4
        L2 penalty; the loss carries ``(α / (2Σs)) Σ‖W‖²``, biases unpenalised.
    weight_decay : float, default=0.0
        Decoupled weight decay λ (AdamW, SGDW; sgd and adam only): after each
        optimizer step the weights shrink, ``W ← W − η λ W``, with η the
        step's scheduled learning rate (before Adam's bias correction); biases
        and the other parameters that ``alpha`` spares are left alone. Unlike
        ``alpha`` it is not part of the loss, so Adam does not rescale it.
    batch_size : int or "auto", default="auto"
        Rows per mini-batch; "auto" is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive", "cosine", \
            "flat_cosine", "cosine_restarts"}, default="constant"
        Schedule of the step size. "constant", "invscaling" and "adaptive" are
        scikit-learn's SGD schedules (adam ignores them). The others follow
        the training progress p, batch steps taken over ``max_iter`` × batches
        per epoch, at every step, for sgd and adam: "cosine" η₀ ½ (1 + cos πp),
        "flat_cosine" η₀ until p = ½ then a cosine to 0, "cosine_restarts"
        four cosine cycles of 1, 2, 4 and 8 fifteenths of training. Each fit
        (a warm start too) runs the schedule from p = 0; ``partial_fit``
        calls carry p on, ``max_iter`` of them making one schedule (η stays
        at its end value after). Early stopping may stop before p = 1.
    learning_rate_init : float or "auto", default="auto"
        Initial step size η₀. "auto" is 0.001 for adam, and for sgd
        0.05 / (max(1, RMS of X) · max(1, RMS of the targets)): 0.05 on
        standardized X and class indicators (scikit-learn's 0.001 is tuned for
        adam and too small for SGD), smaller for unscaled inputs or targets.
        Measured once by a fresh fit, on all the rows it is given;
        ``partial_fit`` and warm start keep it.
    power_t : float, default=0.5
        Exponent of the invscaling schedule.
    max_iter : int, default=200
        Maximum number of epochs (sgd, adam) or iterations (lbfgs).
    shuffle : bool, default=True
        Shuffle the rows before each epoch (sgd, adam).
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the early-stopping split.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement.
    verbose : bool, default=False
        Print the loss after each epoch.
    warm_start : bool, default=False
        Start ``fit`` from the current weights.
    momentum : float, default=0.9
        μ of SGD's momentum.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop when its score
        (accuracy for a classifier, R² for a regressor) stops improving; the
        best weights are kept.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's decay rates.
    epsilon : float, default=1e-8
        Adam's ε.
    n_iter_no_change : int, default=10
        Epochs without improvement of at least ``tol`` before stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations (lbfgs).
    penalty_scaling : {"batch", "mean_batch"}, default="batch"
        What each mini-batch divides the penalty α by (sgd, adam): its own
        weight sum Σs_b ("batch", scikit-learn's convention), or the weight of
        a mean full batch, (Σs / n) · ``batch_size`` ("mean_batch"), the same
        for every batch. Under "batch" a remainder batch of r < B rows carries
        B / r times the penalty of a full one; "mean_batch" is the same model
        whenever every batch is full and unweighted, and for lbfgs.
    dropout : float or sequence of float, default=0.0
        Inverted dropout after each hidden activation, a rate p in [0, 1) for
        every hidden layer or one per hidden layer: in training each unit is
        kept with probability 1 − p and scaled by 1 / (1 − p), the masks drawn
        from ``random_state``; the identity at predict. Needs sgd or adam.
    normalization : {"batch", "layer"} or None, default=None
        Normalise each hidden layer's pre-activations: over the batch with
        running statistics for predict ("batch"), or over each row's units
        ("layer"), each followed by a learned scale γ and shift β.
    input_scale : bool, default=False
        Multiply each feature by a learned factor (starting at 1) before the
        first layer (dense X only).
    input_embedding : {"periodic", "piecewise_linear"} or None, default=None
        Embed each feature in ``embedding_size`` numbers before the first
        layer (dense X only): cos(2π w x + b) with learned frequencies w and
        phases b, then a learned linear map per feature ("periodic"), or its
        piecewise-linear encoding over bins at the training rows' quantiles
        ("piecewise_linear").
    embedding_size : int, default=16
        Frequencies per feature ("periodic"), the most bins per feature
        ("piecewise_linear"), and the length of each category's learned
        vector (``categorical_features``).
    parametric_activation : bool, default=False
        Each hidden unit's activation becomes z + α (φ(z) − z), with α learned
        (starting at 1, the plain activation).
    categorical_features : array-like of int or bool, default=None
        The columns of X that hold category codes 0, 1, 2, … (as
        :class:`~sklearn.preprocessing.OrdinalEncoder` writes them; negative
        for missing): indices, or a boolean mask. Each category is looked up
        as a learned vector of ``embedding_size`` numbers (dense X only); a
        code not seen in training, or negative, takes a shared vector that
        starts at 0.
"""


def document_shared_parameters(cls):
    """Put :data:`SHARED_PARAMETERS_DOC` where the class docstring says
    ``%(shared_parameters)s`` (a class decorator)."""
    cls.__doc__ = cls.__doc__.replace(
        "    %(shared_parameters)s\n", SHARED_PARAMETERS_DOC
    )
    return cls
