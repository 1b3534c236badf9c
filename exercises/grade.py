"""Grade a folder of submitted notebooks locally: each run sandboxed, judged outside.

Usage::

    python -m exercises.grade SUBMISSIONS OUT [--workers N] [--timeout S] [--memory-mb M]

Every ``*.ipynb`` directly in ``SUBMISSIONS`` gets exactly one row in
``OUT/gradebook.csv``: ``submission, score, max_score, status, message``, the
assignment, then one column per question. For each submission:

1. **Collect, sandboxed.** The notebook is copied into its own temporary folder and run
   there by ``collect.py`` inside the sandbox (``sandbox.py``: bubblewrap, read-only
   system, no network, own process namespace, minimal environment, wall-clock timeout,
   memory limit). After the last cell, ``collect.py`` calls the student's functions on
   inputs made from a seed drawn here (fresh for every submission, unknown to the
   notebook) and writes plain JSON answers into the folder.
2. **Judge, here.** This process, which never runs student code, reads that JSON
   (size-limited) and judges it with ``judge.py``: it rebuilds the inputs from its own
   seed and computes every reference itself. The graded checks are never inside the
   sandbox's view (the sandbox hides the project; only ``collect.py`` is mounted).

``status`` is ``graded`` (answers were collected and judged), ``timeout`` (killed after
``--timeout`` seconds of wall clock) or ``error`` (not a notebook, an unknown assignment,
or the notebook ended the collecting process or exceeded a limit before its answers were
written; ``message`` says why). ``message`` of a graded row names each question that lost
points and what was wrong. ``OUT/results/<submission>.json`` holds each question's verdict
and the seed; ``OUT/logs/<submission>.log`` the notebook's output. Rows are sorted by file
name and hold no times, seeds or paths, so grading the same folder again gives the same
gradebook.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from exercises import judge, sandbox
from exercises.build import JAX_CACHE, JUDGE_CACHE, jax_cache_env
from exercises.catalog import EXERCISES, ROOT

COLLECT = EXERCISES / "collect.py"  # mounted alone in the sandbox, run there as a script
PYTHON = os.path.abspath(sys.executable)  # the virtual environment's, mounted in the sandbox
FIELDS = ["submission", "score", "max_score", "status", "message", "assignment"]
NOTEBOOK = "submission.ipynb"
ANSWERS = "answers.json"
OUTPUT_LIMIT = 1_000_000  # bytes of notebook output kept; more kills the run
SANDBOX_ENV = {
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/tmp/matplotlib",
    "IPYTHONDIR": "/tmp/ipython",
    "PYTHONHASHSEED": "0",
    "PYTHONPATH": str(ROOT / "lib"),
}


@dataclass
class Row:
    """One line of the gradebook."""

    submission: str
    status: str
    message: str = ""
    assignment: str = ""
    score: float | None = None
    max_score: float | None = None
    questions: dict[str, float] = field(default_factory=dict)


def inspect_submission(path: Path, forced: str | None) -> tuple[str | None, str | None]:
    """Return the assignment of a readable notebook, or an error message."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, f"cannot read the file: {error.strerror}"
    if not raw.strip():
        return None, "empty file"
    try:
        notebook = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        return None, f"not a notebook: invalid JSON ({type(error).__name__}: {error})"
    if (
        not isinstance(notebook, dict)
        or not isinstance(notebook.get("cells"), list)
        or notebook.get("nbformat") != 4
    ):
        return None, "not a notebook: JSON without nbformat 4 cells"
    if forced:
        return forced, None
    metadata = notebook.get("metadata")
    otter = metadata.get("otter") if isinstance(metadata, dict) else None
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    if name not in judge.POINTS:
        known = ", ".join(sorted(judge.POINTS))
        return None, f"unknown assignment {name!r} in the notebook metadata (known: {known})"
    return name, None


def collect(
    path: Path,
    name: str,
    seed: int,
    log_path: Path,
    *,
    timeout: float,
    memory_mb: int,
    hide: list[Path],
):
    """Run the notebook in the sandbox; return ``(status, message, collected data)``."""
    scratch = Path(tempfile.mkdtemp(prefix="grade-"))
    work = scratch / "work"  # private to this process's user; only work/ is given to the sandbox
    try:
        work.mkdir()
        shutil.copyfile(path, work / NOTEBOOK)
        env, read_only = dict(SANDBOX_ENV), [COLLECT]
        if JAX_CACHE.is_dir():  # compiled by `make exercises`; read-only, so never poisoned
            env.update(jax_cache_env(JAX_CACHE))
            read_only.append(JAX_CACHE)
        result = sandbox.run(
            [PYTHON, str(COLLECT), NOTEBOOK, name, str(seed), ANSWERS],
            workdir=work,
            timeout=timeout,
            memory_mb=memory_mb,
            output_limit_bytes=OUTPUT_LIMIT,
            env=env,
            hide=hide,
            read_only=read_only,
        )
        log_path.write_text(result.output.replace(str(work), "<tmp>"))
        if result.status == "timeout":
            return "timeout", f"killed after {timeout:g} s of wall clock", None
        if result.status == "output-limit":
            return "error", f"killed for writing more than {OUTPUT_LIMIT} bytes of output", None
        data, problem = judge.load_answers(work / ANSWERS)
        if problem is None:
            return "graded", "", data
        if result.status == "memory":
            problem = f"no answers collected: ran out of memory (limit {memory_mb} MiB)"
        elif result.status == "error":
            problem = "no answers collected: the sandbox could not run it"
        elif result.returncode != 0:
            problem = (
                "no answers collected: the notebook ended the grading process "
                f"(exit status {result.returncode})"
            )
        return "error", problem, None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def grade_one(path: Path, forced: str | None, out: Path, options: argparse.Namespace) -> Row:
    """Grade one submission file; never raises."""
    row = Row(submission=path.name, status="error")
    try:
        name, problem = inspect_submission(path, forced)
        if problem:
            row.message = problem
            return row
        points = judge.POINTS[name]
        row.assignment, row.max_score = name, float(sum(points.values()))
        row.score = 0.0
        seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
        status, message, data = collect(
            path,
            name,
            seed,
            out / "logs" / f"{path.stem}.log",
            timeout=options.timeout,
            memory_mb=options.memory_mb,
            hide=[out.resolve(), options.submissions.resolve()],
        )
        row.status, row.message = status, message
        if status != "graded":
            return row
        verdicts = judge.judge(name, seed, data)
        row.questions = {q: float(v.score) for q, v in verdicts.items()}
        row.score = sum(row.questions.values())
        lost = [
            f"{q} ({v.score:g}/{v.points:g}): {v.message}"
            for q, v in verdicts.items()
            if not v.passed
        ]
        row.message = "points lost on " + "; ".join(lost) if lost else ""
        record = {
            "assignment": name,
            "seed": seed,
            "questions": {q: vars(v) | {"passed": v.passed} for q, v in verdicts.items()},
        }
        (out / "results" / f"{path.stem}.json").write_text(json.dumps(record, indent=2))
    except sandbox.SandboxUnavailable:
        raise
    except Exception as error:  # the grader itself must never stop on one submission
        row.status, row.message = "error", f"grader failure: {type(error).__name__}: {error}"
        row.score = 0.0 if row.assignment else None
    return row


def write_gradebook(rows: list[Row], path: Path) -> None:
    """Write one CSV row per submission, sorted by file name."""
    used = sorted({row.assignment for row in rows if row.assignment})
    prefix = len(used) > 1
    columns = [
        (name, q, f"{name}:{q}" if prefix else q) for name in used for q in judge.POINTS[name]
    ]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FIELDS + [label for _, _, label in columns])
        for row in sorted(rows, key=lambda r: r.submission):
            values = [
                row.submission,
                "" if row.score is None else f"{row.score:g}",
                "" if row.max_score is None else f"{row.max_score:g}",
                row.status,
                row.message,
                row.assignment,
            ]
            for name, q, _ in columns:
                value = row.questions.get(q) if row.assignment == name else None
                if value is None and row.assignment == name:
                    value = 0.0
                values.append("" if value is None else f"{value:g}")
            writer.writerow(values)


def main(argv: list[str] | None = None) -> int:
    """Grade the folder given on the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        description="Grade every .ipynb in SUBMISSIONS (sandboxed); write OUT/gradebook.csv."
    )
    parser.add_argument("submissions", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("out", type=Path, help="output folder (created if needed)")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="parallel gradings (default: cores)",
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per submission")
    parser.add_argument("--memory-mb", type=int, default=4096, help="address space per process")
    parser.add_argument("--assignment", help="grade every notebook as this assignment")
    parser.add_argument(
        "--seed", type=int, help="seed of the graded inputs (default: a fresh one per submission)"
    )
    args = parser.parse_args(argv)

    if not args.submissions.is_dir():
        parser.error(f"SUBMISSIONS {str(args.submissions)!r} is not a folder")
    if args.workers < 1 or args.timeout <= 0 or args.memory_mb < 256:
        parser.error("need --workers >= 1, --timeout > 0 and --memory-mb >= 256")
    if args.assignment and args.assignment not in judge.POINTS:
        parser.error(f"unknown assignment {args.assignment!r}; known: {sorted(judge.POINTS)}")
    if args.out.resolve() == args.submissions.resolve():
        parser.error("OUT must differ from SUBMISSIONS")
    try:
        sandbox.check()
    except sandbox.SandboxUnavailable as error:
        parser.error(f"cannot grade without the sandbox: {error}")
    for sub in ("results", "logs"):
        shutil.rmtree(args.out / sub, ignore_errors=True)
        (args.out / sub).mkdir(parents=True)
    judge.use_compilation_cache(JUDGE_CACHE)

    files = sorted(p for p in args.submissions.glob("*.ipynb") if p.is_file())
    print(f"grading {len(files)} notebooks from {args.submissions} with {args.workers} workers")
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(grade_one, path, args.assignment, args.out, args) for path in files]
        judge.warm_up()  # compile the references while the first notebooks run
        rows = []
        for future in concurrent.futures.as_completed(futures):
            row = future.result()
            rows.append(row)
            score = "" if row.score is None else f" {row.score:g}/{row.max_score:g}"
            print(f"  {row.submission}: {row.status}{score} {row.message}".rstrip(), flush=True)
    write_gradebook(rows, args.out / "gradebook.csv")
    elapsed = time.monotonic() - start
    print(f"wrote {args.out / 'gradebook.csv'} ({len(rows)} rows) in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
