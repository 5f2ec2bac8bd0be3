"""ONNX export through skl2onnx: the registry of converters, and ``to_onnx``.

Each estimator that exports to ONNX is one :class:`OnnxConverter` in
``CONVERTERS``: the class, the alias skl2onnx knows it by, skl2onnx's two
callbacks (the shape calculator, which types the outputs, and the converter,
which writes the nodes) and the options they accept. Registering hands every
entry to ``skl2onnx.update_registered_converter``; after that,
``skl2onnx.to_onnx`` and ``convert_sklearn`` convert our estimators, alone or
inside a Pipeline. A new estimator's export is one more entry.

skl2onnx is imported only when a function of this module is called, so that
``import skmanualnet`` works without it. ``import skmanualnet.onnx`` registers
the converters (:mod:`skmanualnet.onnx`). Float32 input gives a float32 graph,
float64 input a float64 one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .._estimators.classifier import ManualMLPClassifier
from .._estimators.regressor import ManualMLPRegressor
from .._lazy_import import import_optional
from .onnx_classifier import (
    CLASSIFIER_OPTIONS,
    classifier_output_shapes,
    convert_classifier,
)
from .onnx_regressor import convert_regressor, regressor_output_shapes


@dataclass(frozen=True)
class OnnxConverter:
    """What skl2onnx needs to convert one estimator class.

    ``options`` are the converter options skl2onnx may pass (name → allowed
    values); ``defaults`` are those :func:`skmanualnet.to_onnx` sets unless
    the caller sets them.
    """

    estimator: type
    alias: str
    shape_calculator: Callable
    converter: Callable
    options: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)


#: Every estimator that exports, and how: registering reads only this.
CONVERTERS = (
    OnnxConverter(
        ManualMLPClassifier,
        "SkmanualnetManualMLPClassifier",
        classifier_output_shapes,
        convert_classifier,
        options=CLASSIFIER_OPTIONS,
        defaults={"zipmap": False},
    ),
    OnnxConverter(
        ManualMLPRegressor,
        "SkmanualnetManualMLPRegressor",
        regressor_output_shapes,
        convert_regressor,
    ),
)

_registered = set()


def import_skl2onnx():
    """skl2onnx, or an ImportError that says which extra installs it."""
    try:
        skl2onnx = import_optional("skl2onnx")
    except ImportError as error:
        raise ImportError(
            "ONNX export needs skl2onnx (and onnxruntime to run the result): "
            'pip install -e ".[onnx]"'
        ) from error
    return skl2onnx


def register_onnx_converter():
    """Register the shape calculator and converter of every skmanualnet
    estimator with skl2onnx.

    Idempotent; ``import skmanualnet.onnx`` calls it. Afterwards
    ``skl2onnx.to_onnx`` and ``skl2onnx.convert_sklearn`` convert a fitted
    ManualMLPClassifier or ManualMLPRegressor, alone or inside a Pipeline.
    The classifier's converter accepts
    skl2onnx's options ``zipmap`` (True, skl2onnx's default, False or
    "columns") and ``nocl`` (True: the labels are class indices, not
    ``classes_``).
    """
    skl2onnx = import_skl2onnx()
    for entry in CONVERTERS:
        if entry.estimator in _registered:
            continue
        skl2onnx.update_registered_converter(
            entry.estimator,
            entry.alias,
            entry.shape_calculator,
            entry.converter,
            options=entry.options,
        )
        _registered.add(entry.estimator)


def to_onnx(model, X=None, *, options=None, **kwargs):
    """Convert a fitted skmanualnet estimator, or a Pipeline holding one, to ONNX.

    Parameters
    ----------
    model : ManualMLPClassifier, ManualMLPRegressor, or a Pipeline ending in one
        The fitted model.
    X : array-like of shape (n_samples, n_features), default=None
        A sample of the input, used only for its dtype and number of columns
        (float32 gives a float32 graph, float64 a float64 one). Give
        ``initial_types=`` instead to name or type the input yourself.
    options : dict, default=None
        skl2onnx's converter options. Unless they say otherwise, every
        ManualMLPClassifier gets ``{"zipmap": False}``: the probabilities come
        out as an (N, n_classes) tensor, not a list of dicts.
    **kwargs
        Passed on to :func:`skl2onnx.to_onnx` (``target_opset``,
        ``initial_types``, ``name``, ...).

    Returns
    -------
    onx : onnx.ModelProto
        The model; a classifier's outputs are ``label`` and ``probabilities``,
        a regressor's ``variable`` (N, n_outputs).
    """
    skl2onnx = import_skl2onnx()
    register_onnx_converter()
    options = dict(options or {})
    for entry in CONVERTERS:
        if entry.defaults:
            given = options.get(entry.estimator, {})
            options[entry.estimator] = {**entry.defaults, **given}
    return skl2onnx.to_onnx(model, X, options=options, **kwargs)
