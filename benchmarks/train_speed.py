"""Time training the 1-3-1 network to the tolerance: the lecture's autograd code vs mlintro.

Both start from the same parameters (``init_params(jax.random.key(0), (1, 3, 1))``) and use
the lecture's settings: Adam with step size 0.01, epochs of 50 steps, stop once the mean
squared error is below 2e-5 (at most 500 epochs). The time per Adam step is the wall time of
a whole training run (the per-epoch loss checks included) divided by the steps it took.

(a) The lecture's code: ``autograd.misc.optimizers.adam`` called once per epoch from a
    Python loop, as in the original notebook.
(b) ``mlintro.training.adam_fit``: one jitted call; its first call includes compiling,
    the later calls are the steady state.

The last line printed is the summary read by scripts:
``per_step_us=... autograd_per_step_us=... speedup=... compile_s=...``.
"""

import argparse
import importlib.metadata
import os
import platform
import statistics
import time

import autograd
import autograd.numpy as anp
import jax
import numpy as np
from autograd.misc.optimizers import adam
from mlintro import data, models, training
from mlintro.config import LECTURE

# the lecture's settings, for its own autograd loop below
STEP_SIZE = LECTURE.step_size
STEPS_PER_EPOCH = LECTURE.steps_per_epoch
MAX_EPOCHS = LECTURE.max_epochs
TOLERANCE = LECTURE.tolerance


# ---- (a) the lecture's code, as written there (autograd + NumPy) --------------------------
X, Y = data.X, data.Y


def nn(params, inputs, activation=anp.tanh):
    for W, b in params[:-1]:
        outputs = anp.dot(inputs, W) + b
        inputs = activation(outputs)
    W, b = params[-1]
    return anp.dot(inputs, W) + b


def init_random_params(scale, layer_sizes, rs=None):
    """The lecture's initialiser (here with an explicit RandomState instead of a shared default)."""
    rs = np.random.RandomState(0) if rs is None else rs
    return [
        (rs.randn(insize, outsize) * scale, rs.randn(outsize) * scale)
        for insize, outsize in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)  # noqa: RUF007
    ]


def objective(params, step=None):
    pred = nn(params, anp.array([X]).T)
    err = anp.array([Y]).T - pred
    return anp.mean(err**2)


def train_autograd(params):
    """The lecture's epoch loop; returns (params, epochs, final loss)."""
    epochs = 0
    while epochs < MAX_EPOCHS:
        epochs += 1
        params = adam(
            autograd.grad(objective), params, step_size=STEP_SIZE, num_iters=STEPS_PER_EPOCH
        )
        loss = objective(params)
        if loss < TOLERANCE:
            break
    return params, epochs, float(loss)


# ---- (b) mlintro ----------------------------------------------------------------------------
def train_lib(params):
    fit = training.adam_fit(params, data.X, data.Y, settings=LECTURE, progress=False)
    jax.block_until_ready(fit.params)
    return fit


def spread(values):
    return f"median {statistics.median(values):.4g}, min {min(values):.4g}, max {max(values):.4g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib-runs", type=int, default=20, help="steady-state runs of mlintro")
    parser.add_argument("--autograd-runs", type=int, default=3, help="runs of the lecture code")
    parser.add_argument("--compile-runs", type=int, default=3, help="first calls of mlintro")
    args = parser.parse_args()
    if min(args.lib_runs, args.autograd_runs, args.compile_runs) < 1:
        parser.error("--lib-runs, --autograd-runs and --compile-runs must be at least 1")

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, jax {jax.__version__},"
        f" autograd {importlib.metadata.version('autograd')}"
    )
    print(f"CPU cores {os.cpu_count()}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}")
    print("load average (1, 5, 15 min) at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    start = models.init_params(jax.random.key(0), (1, 3, 1))
    # both codes start from the same numbers: mlintro's draw, converted to NumPy arrays with
    # the shapes the lecture's init_random_params makes
    start_np = [(np.array(w), np.array(b)) for w, b in start]
    lecture_shapes = [(w.shape, b.shape) for w, b in init_random_params(0.1, [1, 3, 1])]
    assert [(w.shape, b.shape) for w, b in start_np] == lecture_shapes

    # (b) first call: compile + one run (wall and CPU time of this process), repeated after
    # clearing JAX's caches so that one unlucky moment of background load does not decide it
    first_calls, first_calls_cpu = [], []
    for _ in range(args.compile_runs):
        jax.clear_caches()
        t0, c0 = time.perf_counter(), time.process_time()
        fit = train_lib(start)
        first_calls.append(time.perf_counter() - t0)
        first_calls_cpu.append(time.process_time() - c0)
    for _ in range(3):  # warm-up, not timed: the first runs after compiling are slower
        train_lib(start)

    # steady state: mlintro runs in blocks around each run of the lecture's code, so both
    # see the same background load of the machine
    lib_times, lib_cpu, ag_times = [], [], []
    blocks = np.array_split(np.arange(args.lib_runs), args.autograd_runs + 1)
    for block_index, block in enumerate(blocks):
        for _ in block:
            t0, c0 = time.perf_counter(), time.process_time()
            fit = train_lib(start)
            lib_times.append(time.perf_counter() - t0)
            lib_cpu.append(time.process_time() - c0)
        if block_index < args.autograd_runs:
            t0 = time.perf_counter()
            ag_params, ag_epochs, ag_loss = train_autograd(start_np)
            ag_times.append(time.perf_counter() - t0)

    lib_steps = fit.epochs * STEPS_PER_EPOCH
    lib_us = [1e6 * t / lib_steps for t in lib_times]
    compiles = [t - statistics.median(lib_times) for t in first_calls]
    compiles_cpu = [t - statistics.median(lib_cpu) for t in first_calls_cpu]
    compile_s = statistics.median(compiles)
    print(
        f"mlintro.adam_fit: {fit.epochs} epochs ({lib_steps} Adam steps),"
        f" final loss {fit.losses[-1]:.3g}, converged {fit.converged}"
    )
    print(f"  first call = compile + one run; compile, {len(compiles)} times:")
    print(f"    wall s {spread(compiles)}; CPU s {spread(compiles_cpu)}")
    print(f"  steady state, {len(lib_times)} runs: run time s {spread(lib_times)}")
    print(f"  us per Adam step: {spread(lib_us)}")

    ag_steps = ag_epochs * STEPS_PER_EPOCH
    ag_us = [1e6 * t / ag_steps for t in ag_times]
    print(
        f"lecture autograd code: {ag_epochs} epochs ({ag_steps} Adam steps),"
        f" final loss {ag_loss:.3g}, converged {ag_loss < TOLERANCE}"
    )
    print(f"  {len(ag_times)} runs: run time s {spread(ag_times)}")
    print(f"  us per Adam step: {spread(ag_us)}")

    lib_flat = np.asarray(models.flat_from_params(fit.params))
    ag_flat = np.asarray(models.flat_from_params(ag_params))
    print(
        f"same algorithm: epochs {fit.epochs} vs {ag_epochs},"
        f" max |parameter difference| {np.abs(lib_flat - ag_flat).max():.2g}"
    )
    if not (fit.converged and ag_loss < TOLERANCE):
        raise SystemExit("a run did not reach the tolerance: the timings are not comparable")

    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    per_step = statistics.median(lib_us)
    ag_per_step = statistics.median(ag_us)
    print(
        f"per_step_us={per_step:.1f} autograd_per_step_us={ag_per_step:.1f}"
        f" speedup={ag_per_step / per_step:.1f} compile_s={compile_s:.2f}"
    )


if __name__ == "__main__":
    main()
