"""Class labels: the encoder that turns them into 0/1 targets, and the checks
that a continued fit sees only the classes it was started with."""

import numpy as np
from scipy import sparse
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import type_of_target, unique_labels

from .continued import FRESH_NETWORK


def new_label_binarizer(y, call, classes):
    """A ``LabelBinarizer`` fitted on ``classes`` when given (required by a
    first partial_fit of single-label y), else on y; one class is allowed."""
    multilabel = type_of_target(y).startswith("multilabel")
    if call == "partial_fit" and classes is None and not multilabel:
        raise ValueError("classes must be passed on the first call to partial_fit.")
    # one class is binarized into one all-zero column, as scikit-learn does
    binarizer = LabelBinarizer().fit(y if multilabel or classes is None else classes)
    unknown = sorted(set(unique_labels(y).tolist()) - set(binarizer.classes_))
    if unknown and not multilabel:
        raise ValueError(
            f"y has classes {unknown} that are not in classes_ "
            f"{binarizer.classes_.tolist()}, the classes passed to partial_fit."
        )
    return binarizer


def check_known_classes(known_classes, y, call, classes):
    """Labels of a continued fit must be among ``known_classes`` (and, for a
    warm-started fit, all of them present); ``classes``, if given, must be
    ``known_classes``."""
    known, found = known_classes.tolist(), unique_labels(y).tolist()
    if classes is not None and unique_labels(classes).tolist() != known:
        raise ValueError(
            f"classes={list(classes)!r} is not the same as classes_ {known} "
            "of the fitted model."
        )
    if call == "fit" and set(found) != set(known):
        raise ValueError(
            "warm_start needs y with the same classes as the previous fit, "
            f"{known}; got {found}."
        )
    unknown = sorted(set(found) - set(known))
    if unknown:
        raise ValueError(
            f"y has classes {unknown} that are not in classes_ {known} "
            "from the first call."
        )


def check_indicator_matrix(y):
    """A 2-D y is a label-indicator matrix: its entries must be 0 or 1."""
    found = np.unique(y.data if sparse.issparse(y) else y)
    if sparse.issparse(y) and y.nnz < y.shape[0] * y.shape[1]:
        found = np.union1d(found, [0])  # the entries a sparse y does not store
    if not np.isin(found, (0, 1)).all():
        shown = found[:6].tolist() + (["..."] if found.size > 6 else [])
        raise ValueError(
            f"y is 2-D, so it is read as a label-indicator matrix (one column per "
            f"label, 1 where the label applies), which holds 0 and 1 only; this y "
            f"holds {shown}. Pass one label per sample as a 1-D y, or encode "
            "the labels with sklearn.preprocessing.MultiLabelBinarizer."
        )


def check_same_task(binarizer, y):
    """A continued fit keeps the task of the fitted one: a label-indicator y
    with the same labels (multilabel), or one label per sample."""
    multilabel = binarizer.y_type_.startswith("multilabel")
    if y.ndim == 1 and not multilabel:
        return
    if y.ndim == 2 and multilabel and y.shape[1] == len(binarizer.classes_):
        return
    fitted = (
        f"a label-indicator y of {len(binarizer.classes_)} labels (multilabel)"
        if multilabel
        else f"one label per sample (classes {binarizer.classes_.tolist()})"
    )
    given = (
        "one label per sample"
        if y.ndim == 1
        else (f"a label-indicator y of {y.shape[1]} labels")
    )
    raise ValueError(
        f"The model was fitted on {fitted}, but this y is {given}: warm_start "
        f"and partial_fit continue the fitted task. {FRESH_NETWORK}"
    )
