"""Time grading: one submission end to end, then a folder of 40 with 2 workers.

Each timing runs ``python -m exercises.grade`` as an instructor would (for every submission a
fresh sandboxed process that imports JAX and runs the notebook, then the judge in the
grading process, which retrains from the student's seeds) on reference submissions made
by ``tests/exercises/submissions/make_submissions.py``. Needs ``make exercises`` and bubblewrap.

Usage: ``python -m exercises.bench_grading [--count 40] [--workers 2]``
"""

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exercises.catalog import ROOT
from tests.exercises.submissions import make_submissions


def grade(folder: Path, out: Path, workers: int) -> tuple[float, float, list[dict[str, str]]]:
    """Grade ``folder``; return wall-clock seconds, the grading process's CPU seconds, the rows.

    The CPU time counts the grading process itself (the judge), not the sandboxed notebook runs:
    the sandbox's processes are not the grading process's waited-for children.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "exercises.grade", folder, out, "--workers", str(workers)],
        check=True,
        capture_output=True,
        cwd=ROOT,
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
    cases = ["reinit-reference", "nonu-reference"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sources = make_submissions.write_all(tmp / "sources", cases)
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
