import os

# scikit-learn's array-API estimator checks run only when scipy is imported with
# SCIPY_ARRAY_API=1; set it before anything imports scipy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
