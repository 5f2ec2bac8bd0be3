"""
Handwritten digits in a pipeline, with a confusion matrix
=========================================================

Classify the 8×8 digit images bundled with scikit-learn with a
``Pipeline(StandardScaler(), ManualMLPClassifier())``, check the score by
cross-validation, and look at which digits the network confuses with
:class:`~sklearn.metrics.ConfusionMatrixDisplay`.
"""

# %%
# The 1,797 images are flattened into 64 pixel intensities each. A stratified
# quarter of them is held out for the final test.
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"train {X_train.shape}, test {X_test.shape}")

# %%
# The pipeline scales each pixel to zero mean and unit variance, then trains a
# hidden layer of 64 relu units and a softmax over the ten digits by the
# default mini-batch SGD with Nesterov momentum. As an ordinary scikit-learn
# estimator it goes straight into ``cross_val_score``; each fold refits a
# clone of the whole pipeline, scaler included.
model = make_pipeline(
    StandardScaler(), ManualMLPClassifier(hidden_layer_sizes=(64,), random_state=0)
)
scores = cross_val_score(model, X_train, y_train, cv=3)
print(f"3-fold accuracy on the training part: {scores.mean():.3f} ± {scores.std():.3f}")

# %%
# Fit on the whole training part and score the held-out quarter. The fitted
# network sits in the pipeline's last step, with scikit-learn's attribute names.
model.fit(X_train, y_train)
mlp = model[-1]
print(f"weights {[W.shape for W in mlp.coefs_]}, epochs run {mlp.n_iter_}")
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# The confusion matrix counts, for each true digit (row), how often each digit
# was predicted (column); the diagonal holds the correct answers.
disp = ConfusionMatrixDisplay.from_estimator(
    model, X_test, y_test, cmap="Blues", colorbar=False
)
disp.ax_.set_title("ManualMLPClassifier on the digits test set")
plt.show()

# %%
# The reader should see a cross-validated and a test accuracy of about 0.97,
# and a confusion matrix with almost every count on the diagonal (39 to 45 per
# digit) and a handful of scattered off-diagonal ones, mostly single mistakes
# between digits that look alike, such as 8 read as 1 or 9 read as 3.
