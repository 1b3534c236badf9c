"""Shared fixtures for the unit tests: the lecture's data and one least-squares fit."""

import jax
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # no display in tests; must precede any pyplot import

from mlintro import data, least_squares


@pytest.fixture(scope="session")
def lecture_data() -> tuple[np.ndarray, np.ndarray]:
    """The lecture's 50 points of x^(1/3) on [0, 1]."""
    return data.X, data.Y


@pytest.fixture(scope="session")
def ls_fit():
    """The least-squares fit from the start drawn with ``jax.random.key(0)``."""
    return least_squares.fit(least_squares.initial_guess(jax.random.key(0)), data.X, data.Y)
