"""
SGD, momentum, Nesterov and Adam, and when training diverges
=============================================================

Train the same network on the digits with each update rule that
``ManualMLPClassifier`` implements, then with each learning-rate schedule, and
compare their training loss per epoch (``loss_curve_``). Finally, set the
learning rate far too high and watch the fit stop with a
:class:`~skmanualnet.DivergenceError` instead of training on blown-up weights.
"""

# %%
# Standardised digits and a hidden layer of 32 relu units. Unless told
# otherwise, every fit runs exactly 40 epochs (``n_iter_no_change`` larger than
# ``max_iter`` turns the stopping rule off), so that the curves have the same
# length; the ``ConvergenceWarning`` that this triggers on purpose is silenced.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skmanualnet import DivergenceError, ManualMLPClassifier

X, y = load_digits(return_X_y=True)
X_scaled = StandardScaler().fit_transform(X)


def loss_curve(**params):
    """Training loss per epoch of a fit of at most 40 epochs."""
    params = {"max_iter": 40, "n_iter_no_change": 50, **params}
    model = ManualMLPClassifier((32,), random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_scaled, y)
    return model.loss_curve_


# %%
# The update rules, each at its ``learning_rate_init="auto"`` step size (0.05
# for SGD, 0.001 for Adam):
#
# * plain SGD, ``W ← W − η W̄`` (``momentum=0``);
# * momentum, ``v ← μv − η W̄``, ``W ← W + v`` (``nesterovs_momentum=False``);
# * Nesterov, ``W ← W + μv − η W̄`` with the same velocity (the default);
# * Adam, a step per weight scaled by running moments of W̄ and W̄².
solvers = {
    "plain SGD": dict(momentum=0.0),
    "momentum 0.9": dict(nesterovs_momentum=False),
    "Nesterov 0.9 (default)": dict(),
    "Adam": dict(solver="adam"),
}
solver_curves = {name: loss_curve(**params) for name, params in solvers.items()}

# %%
# The schedules of SGD's step size η, each at a starting η₀ that suits it:
#
# * ``constant`` (the default): η = η₀ = 0.05 throughout;
# * ``invscaling``: η = η₀ / (t + 1)^0.5 after each epoch, with t the samples
#   seen; t is already 1797 after one epoch, so η₀ = 1 is divided by 42 at once;
# * ``adaptive``: η₀ = 0.2, divided by 5 each time the loss has not improved by
#   ``tol`` for ``n_iter_no_change`` epochs in a row (here 0.01 and 2); the fit
#   ends once η falls to 1e-6.
schedules = {
    "constant (η₀ = 0.05)": dict(),
    "invscaling (η₀ = 1)": dict(learning_rate="invscaling", learning_rate_init=1.0),
    "adaptive (η₀ = 0.2)": dict(
        learning_rate="adaptive", learning_rate_init=0.2, tol=1e-2, n_iter_no_change=2
    ),
}
schedule_curves = {name: loss_curve(**params) for name, params in schedules.items()}

fig, (ax_solver, ax_schedule) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, curves, title in [
    (ax_solver, solver_curves, "Update rules"),
    (ax_schedule, schedule_curves, "SGD learning-rate schedules"),
]:
    for name, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), curve, label=name)
    ax.set(xlabel="epoch", yscale="log", title=title)
    ax.legend()
ax_solver.set_ylabel("training loss (loss_curve_)")
fig.tight_layout()
plt.show()

# %%
# Far too large a step on unscaled pixels (0 to 16) makes the loss explode
# within the first epoch. The fit stops at the first batch whose loss is not
# finite or more than 1000 times the starting loss, and says what to try.
try:
    ManualMLPClassifier((32,), learning_rate_init=50.0, random_state=0).fit(X, y)
except DivergenceError as error:
    print(f"{type(error).__name__}: {error}")

# %%
# The reader should see plain SGD lag far behind, momentum and Nesterov
# momentum fall fastest, so close together that their curves overlap, and
# Adam, at its much smaller default step, close to plain SGD. Among the
# schedules, invscaling has the lowest loss after the first epoch (η₀ = 1),
# jumps up at the second and then declines slowly, its step already tiny; the
# adaptive schedule falls well below the constant one within ten epochs, then
# flattens as its step is cut again and again, and ends before epoch 40. The
# last cell prints a ``DivergenceError`` that names the epoch, the learning
# rate and the remedy.
