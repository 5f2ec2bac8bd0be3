"""Sphinx configuration for the skmanualnet documentation.

Build (from the repository root, offline)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Pages make no request to the network: MathJax is bundled
(``sphinx-mathjax-offline``), so a built site opened from ``file://`` shows
typeset formulas; ``docs/check_offline.py`` checks this in a browser.

Cross-links to numpy, scipy, scikit-learn, matplotlib and Python need their
inventories from the web; set ``SKMANUALNET_DOCS_INTERSPHINX=1`` to fetch them.
Without it the build makes no network request and those names render as plain
code (every link into this package is still checked: ``nitpicky``).
"""

import os
import re
import sys
from pathlib import Path

import skmanualnet

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # benchmarks/, whose docstrings benchmarks.rst shows

project = "skmanualnet"
author = "skmanualnet developers"
copyright = "skmanualnet developers"
release = skmanualnet.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # copies MathJax 3.2.2 into _static/mathjax and points mathjax_path at it
    # (over any value set here or with -D), instead of a CDN
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # Markdown (benchmarks/README.md on the benchmarks page)
    "myst_parser",
]

exclude_patterns = ["_build"]
root_doc = "index"
default_role = "literal"
highlight_language = "text"
nitpicky = True
# benchmarks/README.md is included from below its "# Benchmarks" title (the page
# has its own), so that its sections start at "##"; myst says so, and that is meant
suppress_warnings = ["myst.header"]

# -- autodoc, autosummary, numpydoc ------------------------------------------

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- intersphinx: only when asked, so that an offline build stays warning-free --

INTERSPHINX = os.environ.get("SKMANUALNET_DOCS_INTERSPHINX", "") not in ("", "0")
intersphinx_mapping = (
    {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
    }
    if INTERSPHINX
    else {}
)
intersphinx_timeout = 10
# Offline, names from the projects above cannot resolve; those below have no
# inventory at all. Neither is reported.
EXTERNAL = r"(builtins|numpy|np|scipy|sklearn|matplotlib|pandas|dataclasses)(\..*)?"
NO_INVENTORY = r"(skl2onnx|onnx|onnxruntime|skops|dask|distributed|rich)(\..*)?"
nitpick_ignore_regex = [(r"py:.*", NO_INVENTORY)]
if not INTERSPHINX:
    nitpick_ignore_regex += [
        (r"py:.*", EXTERNAL),
        (r"py:.*", r"(array-like|ndarray|dict|list|float|int|str|bool|None)"),
        # labels of scikit-learn's user guide, in docstrings inherited from it
        (r"std:ref", r"accuracy_score"),
    ]

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skmanualnet {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": []}
html_show_sourcelink = False

# -- sphinx-gallery ----------------------------------------------------------
# examples/plot_*.py are the gallery; quickstart.py is shown in "Getting
# started", and scale_out.py starts a dask cluster, so neither is run here.

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "ignore_pattern": r"(quickstart|scale_out)\.py",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skmanualnet",),
    "backreferences_dir": "generated/backreferences",
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "show_memory": False,
    "download_all_examples": False,
    "min_reported_time": 1,
}

# -- parts of pages that exist only when their source does -------------------
# benchmarks/README.md is rendered on the benchmarks page when present;
# the front page shows a gallery figure when the examples have been run (not
# with -D plot_gallery=0).

BENCHMARK_README = ROOT / "benchmarks" / "README.md"
FRONT_FIGURE = "auto_examples/images/sphx_glr_plot_activation_boundaries_001.png"


def _fill_placeholders(app, docname, source):
    if docname == "benchmarks" and BENCHMARK_README.exists():
        app.env.note_dependency(str(BENCHMARK_README))
        # rendered by myst-parser, from below its "# Benchmarks" title
        block = (
            "Full results\n------------\n\n"
            "The method, the workloads and the measured tables, from\n"
            "``benchmarks/README.md``.\n\n"
            ".. include:: ../benchmarks/README.md\n"
            "   :parser: myst_parser.sphinx_\n"
            "   :start-line: 1\n"
        )
        source[0] = source[0].replace(".. benchmark-readme", block)
    if docname == "index" and (DOCS / FRONT_FIGURE).exists():
        block = (
            f".. figure:: {FRONT_FIGURE}\n"
            "   :target: auto_examples/plot_activation_boundaries.html\n"
            "   :alt: Decision boundaries of relu, tanh, logistic and identity\n"
            "         networks on moons, circles and blobs\n"
            "   :width: 80%\n"
            "   :align: center\n\n"
            "   One network per hidden activation on three toy problems, from\n"
            "   :ref:`sphx_glr_auto_examples_plot_activation_boundaries.py`.\n"
        )
        source[0] = source[0].replace(".. gallery-figure", block)


# sphinx-gallery's computation-times pages (sg_execution_times) open with a raw
# HTML block that loads jQuery, DataTables and Bootstrap from CDNs, only to make
# their table sortable. Without it the page is the same table, slowest example
# first, and needs no network.

RAW_HTML_BLOCK = re.compile(
    r"^(?P<indent> *)\.\. raw:: html\n(?:(?:(?P=indent) +\S.*)?\n)*", re.M
)


def _drop_remote_scripts(app, docname, source):
    if docname.rpartition("/")[2] == "sg_execution_times":
        source[0] = RAW_HTML_BLOCK.sub("", source[0])


def setup(app):
    app.connect("source-read", _fill_placeholders)
    app.connect("source-read", _drop_remote_scripts)
