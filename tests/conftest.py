"""Shared fixtures."""

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261127)


def with_intercept(X: np.ndarray) -> np.ndarray:
    """[1, X]: the design matrix of a model with an intercept."""
    return np.c_[np.ones(len(X)), X]
