"""Time grading: one submission end to end, then a folder of 40 with 2 workers.

Each timing runs ``exercises/grade.py`` as an instructor would (for every submission a
fresh sandboxed process that imports JAX and runs the notebook, then the judge in the
grading process, which retrains from the student's seeds) on reference submissions made
by ``tests/exercises/submissions/make_submissions.py``. Needs ``make exercises`` and bubblewrap.

Usage: ``python exercises/bench_grading.py [--count 40] [--workers 2]``
"""

import argparse
import csv
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _submissions_module():
    path = ROOT / "tests" / "exercises" / "submissions" / "make_submissions.py"
    spec = importlib.util.spec_from_file_location("make_submissions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def grade(folder: Path, out: Path, workers: int) -> tuple[float, float, list[dict[str, str]]]:
    """Grade ``folder``; return wall-clock seconds, the grading process's CPU seconds, the rows.

    The CPU time counts ``grade.py`` itself (the judge), not the sandboxed notebook runs:
    the sandbox's processes are not the grading process's waited-for children.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, ROOT / "exercises" / "grade.py", folder, out, "--workers", str(workers)],
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(out / "gradebook.csv", newline="") as handle:
        return elapsed, cpu, list(csv.DictReader(handle))


def main() -> None:
    """Run both timings and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="submissions in the folder")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    subs = _submissions_module()
    cases = ["reinit-reference", "nonu-reference"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sources = subs.write_all(tmp / "sources", cases)
        for case in cases:
            one = tmp / f"one-{case}"
            one.mkdir()
            (one / f"{case}.ipynb").write_bytes(sources[case].read_bytes())
            load = os.getloadavg()[0]
            elapsed, cpu, rows = grade(one, tmp / f"out-{case}", 1)
            assert rows[0]["status"] == "graded", rows
            print(
                f"one submission ({case}), 1 worker: {elapsed:.1f} s wall, {cpu:.1f} s CPU judging "
                f"(load average before: {load:.1f})",
                flush=True,
            )
        if args.count < 1:
            return
        folder = tmp / "class"
        folder.mkdir()
        for i in range(args.count):
            case = cases[i % len(cases)]
            (folder / f"student{i:03d}-{case}.ipynb").write_bytes(sources[case].read_bytes())
        load = os.getloadavg()[0]
        elapsed, cpu, rows = grade(folder, tmp / "out-class", args.workers)
        graded = sum(row["status"] == "graded" for row in rows)
        print(
            f"{args.count} submissions, {args.workers} workers: {elapsed:.0f} s wall, "
            f"{cpu:.0f} s CPU judging ({elapsed / args.count:.1f} s per submission, "
            f"{graded} graded; "
            f"load average before: {load:.1f}, after: {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
