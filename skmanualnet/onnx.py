"""Export to ONNX: importing this module registers skmanualnet's converters
with skl2onnx.

Needs the ``onnx`` extra (``pip install -e ".[onnx]"``). After the one
import line, the sklearn-onnx calls that convert scikit-learn's own models
convert ours too, alone or inside a Pipeline::

    import skmanualnet.onnx  # noqa: F401  (registers the converters)
    import skl2onnx

    onx = skl2onnx.to_onnx(model_or_pipeline, X[:1].astype(np.float32))

skl2onnx's default for a classifier is a ZipMap output (one dict of
probabilities per row); pass ``options={"zipmap": False}`` for a plain
(N, n_classes) tensor, which :func:`skmanualnet.to_onnx` gives by default.
``import skmanualnet`` alone does not import skl2onnx.
"""

from ._export.converters import register_onnx_converter, to_onnx

register_onnx_converter()

__all__ = ["register_onnx_converter", "to_onnx"]
