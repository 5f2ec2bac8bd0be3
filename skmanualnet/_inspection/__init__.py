"""Inspection: :func:`~skmanualnet.trace_step` (``trace.py``; how a trace reads,
``trace_format.py``, and is drawn, ``trace_plot.py``), the gradient check, the
training-curve display, the training monitor (``monitor.py``: the callback;
``monitor_stats.py``: what it measures; ``monitor_verdicts.py``: the rules of
thumb; ``monitor_display.py``: its panels), the training problem they start from
(``inspected.py``: the same one as ``fit``), and the loop-by-loop reference
(``reference.py``) that the tests hold the vectorised passes to.
"""
