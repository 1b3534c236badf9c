"""The data of the lecture: samples of y = x^(1/3)."""

import numpy as np

__all__ = ["N_POINTS", "X", "Y", "cube_root", "extrapolation_grid", "training_data"]

N_POINTS = 50
"""How many points the lecture samples, as ``np.linspace`` does by default."""


def cube_root(x: np.ndarray) -> np.ndarray:
    """Return the function the data come from, y = x^(1/3), for x >= 0.

    Examples
    --------
    >>> cube_root(np.array([0.0, 8.0]))
    array([0., 2.])
    """
    x = np.asarray(x, dtype=np.float64)
    if np.any(x < 0):
        raise ValueError("cube_root is defined here for x >= 0 only, as in the lecture")
    return x ** (1.0 / 3.0)


def training_data(*, n_points: int = N_POINTS, stop: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n_points`` evenly spaced samples of x^(1/3) on [0, ``stop``].

    Parameters
    ----------
    n_points
        Number of samples, including both ends of the interval.
    stop
        The right end of the interval: 1 in the lecture; larger to train on a
        wider range.

    Returns
    -------
    x, y : ndarray
        One-dimensional float64 arrays of length ``n_points``.

    Examples
    --------
    >>> x, y = training_data(n_points=3)
    >>> x
    array([0. , 0.5, 1. ])
    >>> y.round(3)
    array([0.   , 0.794, 1.   ])
    >>> training_data(n_points=3, stop=8.0)[1]
    array([0.        , 1.58740105, 2.        ])
    """
    if n_points < 2:
        raise ValueError(f"n_points must be at least 2, got {n_points}")
    if not stop > 0:
        raise ValueError(f"stop must be positive, got {stop}")
    x = np.linspace(0.0, stop, n_points)
    return x, cube_root(x)


def extrapolation_grid(*, stop: float = 10.0, n_points: int = N_POINTS) -> np.ndarray:
    """Return points on [0, ``stop``], well beyond the training range [0, 1].

    Examples
    --------
    >>> extrapolation_grid(stop=10.0, n_points=3)
    array([ 0.,  5., 10.])
    """
    return np.linspace(0.0, stop, n_points)


X, Y = training_data()
"""The lecture's training set: 50 points of x^(1/3) on [0, 1]."""
