"""Grade a folder of submitted notebooks locally with ``otter run``, without Docker.

Usage::

    python exercises/grade.py SUBMISSIONS OUT [--workers N] [--timeout S] [--memory-mb M]

Every ``*.ipynb`` directly in ``SUBMISSIONS`` gets exactly one row in
``OUT/gradebook.csv``: ``submission, score, max_score, status, message``, the
assignment, then one column per question. ``status`` is ``graded`` (otter ran the
notebook and its tests), ``timeout`` (killed after ``--timeout`` seconds of wall clock)
or ``error`` (the file is empty, not JSON, not a notebook, of an unknown assignment, or
grading itself failed; ``message`` says why). otter's ``results.json`` of each graded
submission is kept as ``OUT/results/<submission>.json`` and the grading output as
``OUT/logs/<submission>.log``.

Each submission is copied into its own temporary directory and graded there by its own
``otter run`` process (a new process group, killed as a whole on timeout) with a limit on
its address space; the original files are only read. Rows are sorted by file name and
hold no times or paths, so grading the same folder again gives the same gradebook.

The assignment of a notebook is read from its metadata (``otter.assignment_name``, set
by ``otter assign``) and its autograder zip taken from ``--autograder-dir``
(``_build/exercises``, written by ``make exercises``).
"""

import argparse
import concurrent.futures
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OTTER_FAILURES = ("Autograder Failed", "Autograder Error", "Autograder Exception")
FIELDS = ["submission", "score", "max_score", "status", "message", "assignment"]
LIMIT_CHILD = (
    "import os, resource, sys\n"
    "limit = int(sys.argv[1])\n"
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


@dataclass
class Autograder:
    """An assignment's autograder zip and its questions' point values."""

    name: str
    zip_path: Path
    points: dict[str, float]

    @property
    def max_score(self) -> float:
        """Return the total points of the assignment."""
        return sum(self.points.values())


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


def load_autograders(directory: Path) -> dict[str, Autograder]:
    """Find ``<name>-autograder.zip`` files and read the points of their tests."""
    found = {}
    for zip_path in sorted(directory.glob("*-autograder.zip")):
        name = zip_path.name.removesuffix("-autograder.zip")
        points = {}
        with zipfile.ZipFile(zip_path) as archive:
            for member in sorted(archive.namelist()):
                if re.fullmatch(r"tests/[^/]+\.py", member):
                    source = archive.read(member).decode()
                    match = re.search(r"^points = ([0-9.]+)$", source, flags=re.MULTILINE)
                    points[Path(member).stem] = float(match[1]) if match else 0.0
        found[name] = Autograder(name, zip_path, dict(sorted(points.items())))
    return found


def inspect_submission(path: Path, autograders: dict[str, Autograder], forced: str | None):
    """Return the assignment of a readable notebook, or an error message."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, f"cannot read the file: {error.strerror}"
    if not raw.strip():
        return None, "empty file"
    try:
        notebook = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
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
    if name is None and len(autograders) == 1:
        return next(iter(autograders)), None
    if name not in autograders:
        known = ", ".join(sorted(autograders))
        return None, f"unknown assignment {name!r} in the notebook metadata (known: {known})"
    return name, None


def run_otter(path: Path, autograder: Autograder, log_path: Path, timeout: float, memory: int):
    """Grade one notebook in a temporary directory; return ``(status, message, results)``."""
    work = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        (work / "submission").mkdir()
        (work / "out").mkdir()
        (work / "tmp").mkdir()
        submission = work / "submission" / f"{autograder.name}.ipynb"
        shutil.copyfile(path, submission)
        shutil.copyfile(autograder.zip_path, work / "autograder.zip")
        otter = Path(sys.executable).parent / "otter"
        command = [sys.executable, "-c", LIMIT_CHILD, str(memory), str(otter), "run"]
        command += ["-a", "autograder.zip", "-o", "out", "--no-logo", str(submission)]
        env = {**os.environ, "TMPDIR": str(work / "tmp"), "PYTHONHASHSEED": "0"}
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return "timeout", f"killed after {timeout:g} s of wall clock", None
            finally:
                try:  # the kernel and anything else the submission started
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        results_path = work / "out" / "results.json"
        results = None
        if results_path.is_file():
            try:
                results = json.loads(results_path.read_text())
            except (OSError, json.JSONDecodeError):
                results = None
        if returncode != 0 or results is None:
            reason = last_error_line(log_path.read_text(errors="replace"), work)
            return "error", f"otter run failed (exit code {returncode}): {reason}", results
        return "graded", "", results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def last_error_line(log: str, work: Path) -> str:
    """Return the most telling line of a failed run's output, without temporary paths."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^[A-Za-z_.]*(Error|Exception|Exit)\b", line)]
    line = (errors or lines or ["no output"])[-1]
    return line.replace(str(work), "<tmp>")[:300]


def grade_one(path: Path, autograders, forced, out: Path, timeout: float, memory: int) -> Row:
    """Grade one submission file; never raises."""
    row = Row(submission=path.name, status="error")
    try:
        name, problem = inspect_submission(path, autograders, forced)
        if problem:
            row.message = problem
            return row
        autograder = autograders[name]
        row.assignment, row.max_score = name, autograder.max_score
        status, message, results = run_otter(
            path, autograder, out / "logs" / f"{path.stem}.log", timeout, memory
        )
        row.status, row.message = status, message
        if results is not None:
            (out / "results" / f"{path.stem}.json").write_text(json.dumps(results, indent=2))
        failures = [
            test.get("name")
            for test in (results or {}).get("tests", [])
            if test.get("name") in OTTER_FAILURES
        ]
        if status == "graded" and failures:
            status, row.status = "error", "error"
            row.message = (
                f"otter reported {failures[0]!r}: running the notebook gave no test results "
                "(did it delete or overwrite files it needs?)"
            )
        if status == "graded":
            scores = {
                test["name"]: float(test.get("score") or 0.0)
                for test in results.get("tests", [])
                if test.get("name") in autograder.points
            }
            row.questions = {q: scores.get(q, 0.0) for q in autograder.points}
            row.score = sum(row.questions.values())
            lost = [
                f"{q} ({s:g}/{p:g})"
                for q, p in autograder.points.items()
                if (s := row.questions[q]) < p
            ]
            if lost:
                row.message = "points lost on " + ", ".join(lost)
        else:
            row.score = 0.0
    except Exception as error:  # the grader itself must never stop
        row.status, row.message = "error", f"grader failure: {type(error).__name__}: {error}"
    return row


def write_gradebook(rows: list[Row], autograders: dict[str, Autograder], path: Path) -> None:
    """Write one CSV row per submission, sorted by file name."""
    used = sorted({row.assignment for row in rows if row.assignment})
    prefix = len(used) > 1
    columns = [
        (name, q, f"{name}:{q}" if prefix else q) for name in used for q in autograders[name].points
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
                values.append("" if value is None else f"{value:g}")
            writer.writerow(values)


def main(argv: list[str] | None = None) -> int:
    """Grade the folder given on the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        description="Grade every .ipynb in SUBMISSIONS with otter run; write OUT/gradebook.csv."
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
    parser.add_argument("--memory-mb", type=int, default=4096, help="address space per grading")
    parser.add_argument(
        "--autograder-dir",
        type=Path,
        default=ROOT / "_build" / "exercises",
        help="folder with <name>-autograder.zip files (from `make exercises`)",
    )
    parser.add_argument("--assignment", help="grade every notebook as this assignment")
    args = parser.parse_args(argv)

    if not args.submissions.is_dir():
        parser.error(f"SUBMISSIONS {str(args.submissions)!r} is not a folder")
    if args.workers < 1 or args.timeout <= 0 or args.memory_mb < 256:
        parser.error("need --workers >= 1, --timeout > 0 and --memory-mb >= 256")
    autograders = load_autograders(args.autograder_dir)
    if not autograders:
        parser.error(f"no *-autograder.zip in {args.autograder_dir}: run `make exercises` first")
    if args.assignment and args.assignment not in autograders:
        parser.error(f"unknown assignment {args.assignment!r}; known: {sorted(autograders)}")
    if args.out.resolve() == args.submissions.resolve():
        parser.error("OUT must differ from SUBMISSIONS")
    for sub in ("results", "logs"):
        shutil.rmtree(args.out / sub, ignore_errors=True)
        (args.out / sub).mkdir(parents=True)

    files = sorted(p for p in args.submissions.glob("*.ipynb") if p.is_file())
    print(f"grading {len(files)} notebooks from {args.submissions} with {args.workers} workers")
    start = time.monotonic()
    memory = args.memory_mb * 1024 * 1024
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = {
            pool.submit(
                grade_one, path, autograders, args.assignment, args.out, args.timeout, memory
            ): path
            for path in files
        }
        rows = []
        for future in concurrent.futures.as_completed(futures):
            row = future.result()
            rows.append(row)
            score = "" if row.score is None else f" {row.score:g}/{row.max_score:g}"
            print(f"  {row.submission}: {row.status}{score} {row.message}".rstrip(), flush=True)
    write_gradebook(rows, autograders, args.out / "gradebook.csv")
    elapsed = time.monotonic() - start
    print(f"wrote {args.out / 'gradebook.csv'} ({len(rows)} rows) in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
