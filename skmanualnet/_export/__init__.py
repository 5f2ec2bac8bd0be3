"""Export to ONNX: the converters that :mod:`skmanualnet.onnx` registers with
skl2onnx (``converters.py``), the forward pass they share
(``onnx_graph.py``, ``onnx_activations.py``) and each estimator's output nodes
(``onnx_classifier.py``, ``onnx_regressor.py``). skl2onnx is imported only
when a converter runs.
"""
