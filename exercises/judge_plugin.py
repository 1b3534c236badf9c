"""otter-grader plugin that makes the autograder zip grade with the judge, as ``make grade`` does.

Built into every ``<name>-autograder.zip`` (``otter_config.json``: ``"plugins":
["judge_plugin.JudgePlugin"]``) next to ``judge.py`` and ``collect.py``. Gradescope runs
``python /autograder/source/run_otter.py``, so ``/autograder/source`` is on ``sys.path`` and
``otter run``'s process imports this plugin before the student's notebook runs. Then:

1. ``__init__`` (otter process, no student code yet): imports the judge and everything it
   uses (NumPy, JAX, ``mlintro`` from the zip's ``files/``), compiles its training, and
   deletes ``judge.py`` from disk, so the kernel that runs the notebook cannot read the
   graded checks. It also replaces the ``pickle`` that otter would use to read the kernel's
   results file: that file is written by the student's process, and unpickling it would run
   whatever code it names in this process. The plugin builds the results itself. For the
   same reason it replaces how otter's logging server (a TCP port in this process, whose
   address the kernel knows) reads log records: :func:`unpickle_log_record` accepts only
   plain data, as :class:`logging.handlers.SocketHandler` sends (a dict of strings and
   numbers), and never imports or calls anything a record names.
2. ``before_grading``: deletes a submitted ``.OTTER_LOG`` (otter would unpickle it too).
3. ``before_execution``: picks a seed with :mod:`secrets` and appends one cell to the
   notebook that runs ``collect.py``'s source on the notebook's globals and writes plain
   JSON answers.
4. ``after_grading``: first kills every process started since ``__init__`` that is not this
   process or one of its ancestors (:func:`kill_strays`): the kernel has exited by then, so
   what is left was started by the notebook, for example a detached daemon (double fork,
   ``setsid``) waiting to rewrite ``results.json`` after otter writes it. Then it reads the
   JSON (size-limited) and judges it here, with the references computed in this process;
   each question's score and message come from the judge.

The public tests in the zip's ``tests/`` still run in the kernel (otter appends them); they
decide nothing. Limits (Gradescope): the kernel runs as the same user in the same container
as this process. The judge's source is gone from disk and its modules are imported before
the kernel starts, but a kernel with the rights to read another process's memory or to
change files this process imports later could still interfere; ``make grade``'s sandbox
does not have that gap. :func:`kill_strays` assumes the container starts no process of its
own while the notebook runs (Gradescope's harness waits for ``run_autograder``): it would
be killed too. It kills processes of this user, or of every user when this process is
root (as on Gradescope), since a root notebook could change its user to hide a daemon.
"""

import io
import os
import pickle
import secrets
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from otter.plugins import AbstractOtterPlugin
from otter.test_files import GradingResults
from otter.test_files.abstract_test import TestCase, TestCaseResult, TestFile

__all__ = ["JudgePlugin", "boot_ticks", "kill_strays", "stray_processes", "unpickle_log_record"]

HERE = Path(__file__).resolve().parent
ANSWERS = ".judge-answers.json"


class JudgedQuestion(TestFile):
    """One question's result as the judge gave it, in otter's form."""

    @classmethod
    def from_file(cls, path: str) -> "JudgedQuestion":
        raise NotImplementedError

    @classmethod
    def from_metadata(cls, s: Any, path: str) -> "JudgedQuestion":
        raise NotImplementedError

    def run(self, global_environment: dict[str, Any]) -> None:
        raise NotImplementedError


class _ResultsInsteadOfPickle:
    """Stands in for the ``pickle`` module in ``otter.execute``: never unpickles."""

    def __init__(self, results: GradingResults) -> None:
        self.results = results

    def load(self, handle: Any) -> GradingResults:
        return self.results


class _PlainDataUnpickler(pickle.Unpickler):
    """An unpickler for data only: any class or function a pickle names is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"log records are plain data, not {module}.{name}")


def unpickle_log_record(handler: Any, data: bytes) -> dict[str, Any]:
    """Read one log record sent to otter's logging server, without running any code.

    Replaces ``otter.execute.logging.LogRecordStreamHandler.unpickle``, which calls
    :func:`pickle.loads` on whatever reaches the server's port.

    Parameters
    ----------
    handler : otter.execute.logging.LogRecordStreamHandler
        The connection's handler (unused: this is a method).
    data : bytes
        The pickle, as :meth:`logging.handlers.SocketHandler.makePickle` makes it.

    Returns
    -------
    dict
        The record's attributes.

    Raises
    ------
    pickle.UnpicklingError
        If the pickle names a class or function, or is not a dict.

    Examples
    --------
    >>> import logging.handlers
    >>> record = logging.LogRecord("otter", logging.INFO, "f.py", 1, "hi %s", ("you",), None)
    >>> data = logging.handlers.SocketHandler("localhost", 0).makePickle(record)[4:]
    >>> unpickle_log_record(None, data)["msg"]
    'hi you'
    >>> unpickle_log_record(None, pickle.dumps(print))
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: log records are plain data, not builtins.print
    """
    record = _PlainDataUnpickler(io.BytesIO(data)).load()
    if not isinstance(record, dict):
        raise pickle.UnpicklingError(f"a log record is a dict, not {type(record).__name__}")
    return record


def boot_ticks() -> int:
    """Clock ticks since boot now, the clock of a process's start time in ``/proc/<pid>/stat``.

    Examples
    --------
    >>> boot_ticks() >= _started(os.getpid())
    True
    """
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * os.sysconf("SC_CLK_TCK"))


def _stat(pid: int) -> tuple[str, int, int]:
    """State, parent pid and start time (clock ticks since boot) of ``pid``; OSError if gone."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and ")"
    return fields[0], int(fields[1]), int(fields[19])


def _started(pid: int) -> int:
    return _stat(pid)[2]


def _ancestors() -> set[int]:
    """Return the pids of this process and its ancestors, up to PID 1 (included)."""
    pids = {1}
    pid = os.getpid()
    while pid > 1 and pid not in pids:
        pids.add(pid)
        try:
            pid = _stat(pid)[1]
        except (OSError, ValueError, IndexError):
            break  # an ancestor exited; older processes are spared by their start time anyway
    return pids


def stray_processes(since: int) -> list[int]:
    """Live processes started after ``since`` that are not this process or its ancestors.

    Only processes of this user are listed, or of every user if this process is root.
    Zombies are left out (they run nothing), as are processes that vanish while listed.

    Parameters
    ----------
    since : int
        A moment, in clock ticks since boot (:func:`boot_ticks`).

    Returns
    -------
    list of int
        Their pids.

    Examples
    --------
    >>> me = _ancestors()
    >>> me & set(stray_processes(0))
    set()
    """
    spared = _ancestors()
    root = os.geteuid() == 0
    strays = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in spared:
            continue
        pid = int(entry)
        try:
            state, _, started = _stat(pid)
            owner = os.stat(f"/proc/{pid}").st_uid
        except (OSError, ValueError, IndexError):
            continue  # exited while listed
        if started > since and state != "Z" and (root or owner == os.getuid()):
            strays.append(pid)
    return strays


def kill_strays(since: int, *, rounds: int = 50) -> set[int]:
    """SIGKILL every process :func:`stray_processes` lists, until none is left.

    Each pid is signalled through a pidfd opened before its start time is checked, so a pid
    reused by an older process between the listing and the signal is never hit. Children
    a stray forks while the others are killed are found by the next round.

    Parameters
    ----------
    since : int
        A moment, in clock ticks since boot (:func:`boot_ticks`), before the notebook ran.
    rounds : int
        Most listings; a round that finds nothing ends it.

    Returns
    -------
    set of int
        The pids signalled.
    """
    killed: set[int] = set()
    for _ in range(rounds):
        strays = stray_processes(since)
        if not strays:
            break
        for pid in strays:
            try:
                handle = os.pidfd_open(pid)
            except OSError:
                continue
            try:
                if _started(pid) > since:
                    signal.pidfd_send_signal(handle, signal.SIGKILL)
                    killed.add(pid)
            except OSError:
                pass  # exited, or not ours to signal
            finally:
                os.close(handle)
        time.sleep(0.01)  # let the signalled die before the next listing
    return killed


class JudgePlugin(AbstractOtterPlugin):
    """Collect answers in the kernel, judge them in the ``otter run`` process."""

    def __init__(self, submission_path: str, submission_metadata: Any, plugin_config: Any):
        super().__init__(submission_path, submission_metadata, plugin_config)
        files = HERE / "files"
        if files.is_dir() and str(files) not in sys.path:
            sys.path.insert(0, str(files))  # mlintro, as the zip ships it
        import judge  # the graded checks, read before any student code runs

        self.judge = judge
        self.collector = (HERE / "collect.py").read_text()
        judge.warm_up()
        for secret in [HERE / "judge.py", HERE / "__pycache__"]:
            if secret.is_dir():
                shutil.rmtree(secret, ignore_errors=True)
            elif secret.exists():
                secret.unlink()
        self.assignment = str(plugin_config.get("assignment"))
        self.seed = secrets.randbelow(2**31)
        self.answers = Path(submission_path).resolve().parent / ANSWERS
        self.results = GradingResults([])
        self.started = boot_ticks()  # processes started later are the notebook's
        import otter.execute
        import otter.execute.logging

        otter.execute.pickle = _ResultsInsteadOfPickle(self.results)
        otter.execute.logging.LogRecordStreamHandler.unpickle = unpickle_log_record

    def before_grading(self, config: Any) -> None:
        """Remove files otter would unpickle and stale answers."""
        for name in [".OTTER_LOG", ANSWERS]:
            path = self.answers.parent / name
            if path.exists():
                path.unlink()

    def before_execution(self, submission: Any) -> Any:
        """Append the collection cell to the notebook."""
        import nbformat

        source = (
            f"_judge_collect = {{'__name__': 'judge_collect'}}\n"
            f"exec(compile({self.collector!r}, 'collect.py', 'exec'), _judge_collect)\n"
            f"_judge_collect['write_answers']({self.assignment!r}, {self.seed}, globals(), "
            f"{str(self.answers)!r})\n"
        )
        submission.cells.append(nbformat.v4.new_code_cell(source))
        return submission

    def after_grading(self, results: GradingResults) -> None:
        """Judge the collected answers; put one result per question into ``results``."""
        kill_strays(self.started)
        data, problem = self.judge.load_answers(self.answers)
        verdicts = self.judge.judge(self.assignment, self.seed, data if problem is None else {})
        results.results = {}
        for question, verdict in verdicts.items():
            message = verdict.message if problem is None else problem
            case = TestCase(
                name=f"{question} graded checks",
                body="",
                hidden=True,
                points=verdict.points,
                success_message="passed",
                failure_message=None,
            )
            test = JudgedQuestion(question, question, [case], all_or_nothing=True)
            test.test_case_results = [
                TestCaseResult(test_case=case, message=message, passed=verdict.passed)
            ]
            results.results[question] = test
        try:
            os.unlink(self.answers)
        except OSError:
            pass
