"""Products with a sparse X, written into the workspace without a temporary of
the result's size (scipy's sparse × dense product has no ``out=``): on the numpy
reference a block of the result's columns at a time, on the fused kernels
(``skmanualnet._training._fast.sparse``) straight from X's stored entries."""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse

from skmanualnet._nn.kernels import matmul_into, sparse_matmul_into
from skmanualnet._nn.network import weight_gradient

DTYPES = [np.float64, np.float32]


def batch(fmt="csr", dtype=np.float64, n=40, d=30, seed=0):
    X = sparse.random(n, d, density=0.2, format=fmt, random_state=seed, dtype=dtype)
    X = X.tolil()
    X[3, :] = 0  # an empty row
    return X.asformat(fmt)


def tol(dtype):
    if dtype == np.float64:
        return dict(rtol=1e-12, atol=1e-12)
    return dict(rtol=2e-5, atol=1e-5)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("block_bytes", [1, 200, 2**20])
def test_sparse_product_by_blocks_is_the_product(fmt, dtype, block_bytes):
    X = batch(fmt, dtype)
    W = np.random.default_rng(1).standard_normal((30, 17)).astype(dtype)
    out = np.full((40, 17), np.nan, dtype=dtype)
    sparse_matmul_into(out, X, W, block_bytes=block_bytes)
    assert_allclose(out, X.toarray() @ W, **tol(dtype))
    Z = np.random.default_rng(2).standard_normal((40, 9)).astype(dtype)
    out_t = np.full((30, 9), np.nan, dtype=dtype)
    assert sparse_matmul_into(out_t, X.T, Z, block_bytes=block_bytes) is out_t
    assert_allclose(out_t, X.toarray().T @ Z, **tol(dtype))


def test_matmul_into_takes_sparse_a_by_blocks(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "skmanualnet._nn.kernels.sparse_matmul_into",
        lambda out, a, b: calls.append(a) or out,
    )
    X, W = batch(), np.ones((30, 4))
    matmul_into(np.empty((40, 4)), X, W)
    assert calls == [X]


def test_sparse_weight_gradient_makes_no_copy_of_its_size():
    """W̄¹ = Xᵀ Z̄¹ of a sparse batch: a product of W̄¹'s size, then copied into
    the workspace, would double the gradient's memory for the first layer."""
    X = batch(n=200, d=784, seed=3)
    z_bar = np.random.default_rng(4).standard_normal((200, 256))
    out = np.empty((784, 256))
    tracemalloc.start()
    weight_gradient(X, z_bar, out=out)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < out.nbytes / 2
    assert_allclose(out, X.toarray().T @ z_bar, rtol=1e-12, atol=1e-12)


def unsorted_batch(dtype, index_dtype):
    """A CSR batch whose rows list their entries out of column order."""
    X = batch("csr", dtype)
    for i in range(X.shape[0]):
        row = slice(X.indptr[i], X.indptr[i + 1])
        X.indices[row], X.data[row] = X.indices[row][::-1], X.data[row][::-1]
    X.indices, X.indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    X.has_sorted_indices = False
    return X


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_fused_sparse_products_are_the_reference_products(dtype, index_dtype):
    fused = pytest.importorskip("skmanualnet._training._fast.sparse")  # the fast extra
    X = unsorted_batch(dtype, index_dtype)
    rng = np.random.default_rng(5)
    W = rng.standard_normal((30, 17)).astype(dtype)
    Z_bar = rng.standard_normal((40, 17)).astype(dtype)
    z, W_bar = np.full((40, 17), np.nan, dtype), np.full((30, 17), np.nan, dtype)
    assert fused.kernel_takes(X, dtype) and not fused.kernel_takes(X.tocsc(), dtype)
    assert fused.product_into(z, X, W) is z
    assert fused.weight_gradient_into(X, Z_bar, W_bar) is W_bar
    assert_allclose(z, matmul_into(np.empty_like(z), X, W), **tol(dtype))
    assert_allclose(
        W_bar, weight_gradient(X, Z_bar, np.empty_like(W_bar)), **tol(dtype)
    )
    dense = X.toarray()  # and the dense product, through the reference
    assert_allclose(fused.product_into(z, dense, W), dense @ W, **tol(dtype))
