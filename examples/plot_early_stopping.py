"""
Training and validation loss curves with early stopping
=======================================================

With ``early_stopping=True`` a ``ManualMLPClassifier`` holds out part of the
training data and records, after every epoch, its accuracy
(``validation_scores_``) and its cross-entropy (``validation_loss_curve_``).
Plot both next to the training loss (``loss_curve_``) with
:class:`~skmanualnet.TrainingCurveDisplay`, see where a wide network starts to
overfit, and compare the model that early stopping keeps with one trained to
convergence.
"""

# %%
# A noisy three-class problem with 20 features, only 6 of them informative,
# and 600 training rows: a hidden layer of 128 units has more than enough
# capacity to memorise it.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier, TrainingCurveDisplay

X, y = make_classification(
    n_samples=800,
    n_features=20,
    n_informative=6,
    n_redundant=2,
    n_classes=3,
    class_sep=0.8,
    flip_y=0.05,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)


def network(**params):
    """StandardScaler, then 128 relu units trained by SGD (the defaults)."""
    return make_pipeline(
        StandardScaler(),
        ManualMLPClassifier((128,), validation_fraction=0.2, random_state=0, **params),
    )


# %%
# To watch the curves well past their best point, train with a patience of 100
# epochs: the fit stops only after 100 epochs without a lower validation loss
# (``early_stopping_metric="loss"``), and then restores the weights of the best
# epoch.
patient = network(
    early_stopping=True, early_stopping_metric="loss", n_iter_no_change=100
).fit(X_train, y_train)
mlp = patient[-1]
best_epoch = int(np.argmin(mlp.validation_loss_curve_)) + 1
print(f"epochs run: {mlp.n_iter_}, best validation loss at epoch {best_epoch}")

# %%
# With the default patience of 10 epochs, the fit stops soon after that best
# epoch. Without early stopping, it runs until the *training* loss stops
# improving.
stopped = network(early_stopping=True, early_stopping_metric="loss").fit(
    X_train, y_train
)
converged = network(max_iter=400).fit(X_train, y_train)
for name, model in [("early stopping", stopped), ("to convergence", converged)]:
    print(
        f"{name:>15}: {model[-1].n_iter_:3d} epochs, "
        f"test accuracy {model.score(X_test, y_test):.3f}"
    )

# %%
# :class:`~skmanualnet.TrainingCurveDisplay` draws what a fit recorded: the
# training loss per epoch (``loss_curve_``, L2 penalty included), the
# cross-entropy on the 20 % of the training rows held out
# (``validation_loss_curve_``) and, on a second axis, the accuracy there
# (``validation_scores_``), with the epoch whose weights the model kept. Left,
# the patient fit; right, the one with the default patience of 10 epochs.
fig, (ax_patient, ax_stopped) = plt.subplots(
    1, 2, figsize=(12, 4.8), layout="constrained"
)
TrainingCurveDisplay.from_estimator(patient, ax=ax_patient, name="patience 100")
TrainingCurveDisplay.from_estimator(stopped, ax=ax_stopped, name="patience 10")
plt.show()

# %%
# The reader should see the training loss fall steadily towards zero while the
# validation loss falls for the first 20 or so epochs and then climbs back
# above its starting value: from there on, the network memorises noise. The
# validation accuracy rises until about the same epoch and then wanders on a
# plateau; it only counts the arg-max, so it hardly registers the growing
# over-confidence that the validation loss measures, which is why
# ``early_stopping_metric="loss"`` can be the sharper signal. Early stopping
# with the default patience ends the fit ten epochs after the minimum and
# keeps the weights of the best epoch (the same epoch in both panels): about
# 0.72 test accuracy after about 30 epochs, against 0.70 after almost 300
# epochs of training to convergence.
