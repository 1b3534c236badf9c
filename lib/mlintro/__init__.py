"""Shared code for the course book *Introduction to machine learning*.

One module per idea:

- :mod:`mlintro.config`: the lecture's training settings (``LECTURE``) and the
  activation functions, with the default one (``DEFAULT_ACTIVATION``).
- :mod:`mlintro.data`: the training data, y = x^(1/3) on [0, 1].
- :mod:`mlintro.models`: the 10-parameter model in scalar, vector and
  matrix form, its parameters by name (``neurons``), and the general neural
  network ``nn`` with its hidden layers.
- :mod:`mlintro.least_squares`: the fit with :func:`scipy.optimize.least_squares`,
  of the 10-parameter model and of a network of any depth.
- :mod:`mlintro.training`: Adam (optax) with the whole training loop compiled.
- :mod:`mlintro.analysis`: gradient, Hessian and its spectrum at a fit.
- :mod:`mlintro.expansions`: sums of activation functions, fitted by least squares:
  the view of a one-layer network as an expansion in a basis.
- :mod:`mlintro.fourier`: the Fourier cosine series, the expansion the lesson starts from.
- :mod:`mlintro.sweep`: hyperparameter sweeps, one trained network per setting, as a table.
- :mod:`mlintro.plotting`: the figures of the lessons, a sweep's animation among them.
- :mod:`mlintro.widgets`: the ipywidgets explorer that trains a network for the chosen setting.

Importing the package turns on 64-bit floats in JAX (``jax_enable_x64``), so
that the numbers match the NumPy/autograd original of the lecture.
"""

import jax

jax.config.update("jax_enable_x64", True)

__all__ = ["__version__"]
__version__ = "0.1.0"
