"""The estimators: :class:`~skmanualnet.ManualMLPClassifier` and
:class:`~skmanualnet.ManualMLPRegressor` on their shared base (``base.py``:
fit, partial_fit, warm start), their parameters and the constraints and
defaults that resolve them (``params.py``, ``activation_param.py``), the layer
options that become a network (``architecture.py``), the input, label and
sample-weight checks (``validation.py``, ``labels.py``, ``continued.py``) and
the docstrings they share. An estimator validates, builds a training problem,
hands it to a loop of :mod:`skmanualnet._training` and stores what it returns.
"""
