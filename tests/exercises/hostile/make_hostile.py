"""Hostile notebooks: attacks on the grading machine, for the sandbox tests.

Each is the blank student notebook of re-initialization with one hostile code cell
inserted after its imports. They attack the machine, not the score: a blank notebook scores
zero anyway, and the grading tests check that each gets one row with a clear status and
leaves nothing behind (no process still running, no file outside its temporary folder).
Attacks on the score (cheats that try to get marks) are in ``tests/exercises/submissions``.

Every cell is a template: ``{marker}`` (a string unique to the test run, put in every file
name and process command line the attack makes, so the test can look for them),
``{targets}`` / ``{victims}`` (lists of host paths to write and delete) and ``{lure}`` (a
host file) are filled in by :func:`write_notebooks`. This module only defines strings:
importing it runs nothing.
"""

import json
from pathlib import Path

from exercises.catalog import ROOT, STUDENT

BASE = STUDENT / "reinitialization.ipynb"

# name -> (hostile cell, status the grading row must have)
CASES: dict[str, tuple[str, str]] = {
    # first in file order, so that its wait overlaps the others' grading
    "00-infinite-loop": ("while True:\n    pass\n", "timeout"),
    "01-os-exit": ("import os\nos._exit(3)\n", "error"),
    "02-sys-exit": ("import sys\nsys.exit(1)\n", "graded"),
    "03-fork-sleepers": (
        # forked children exec a sleeper whose command line carries the marker
        "import os, sys\n"
        "for _ in range(100):\n"
        "    if os.fork() == 0:\n"
        "        os.execv(sys.executable,\n"
        "                 [sys.executable, '-c', 'import time; time.sleep(1000)', '{marker}'])\n",
        "graded",
    ),
    "04-detached-daemon": (
        "import os, subprocess, sys\n"
        "sleeper = [sys.executable, '-c', 'import time; time.sleep(1000)', '{marker}']\n"
        "subprocess.Popen(sleeper, start_new_session=True, stdin=subprocess.DEVNULL,\n"
        "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "if os.fork() == 0:  # double fork: a daemon nobody waits for\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        os.execv(sys.executable, sleeper)\n"
        "    os._exit(0)\n",
        "graded",
    ),
    "05-write-outside": (
        "for target in {targets!r}:\n"
        "    try:\n"
        "        with open(target, 'w') as handle:\n"
        "            handle.write('escaped')\n"
        "    except OSError as error:\n"
        "        print('could not write', target, error)\n",
        "graded",
    ),
    "06-delete-files": (
        "import os, shutil\n"
        "for victim in {victims!r}:\n"
        "    try:\n"
        "        shutil.rmtree(victim) if os.path.isdir(victim) else os.remove(victim)\n"
        "    except OSError as error:\n"
        "        print('could not delete', victim, error)\n"
        "for name in os.listdir('.'):  # its own folder: allowed, and only its own\n"
        "    os.remove(name)\n",
        "graded",
    ),
    "07-allocate-64-gib": ("hoard = bytearray(64 << 30)\n", "graded"),
    "08-print-100-mb": (
        "import sys\nblock = 'x' * (1 << 20)\nfor _ in range(100):\n    sys.stdout.write(block)\n",
        "error",
    ),
    "09-peek": (
        # what a student could take from the grading machine: printed into the log
        "import glob, json, os, socket\n"
        "print('ENVIRONMENT', json.dumps(dict(os.environ)))\n"
        "for pattern in ['{root}/exercises/*/*.md', '{root}/exercises/*.py', '/root/*',\n"
        "                '{root}/.git/config', '{root}/_build/exercises/*']:\n"
        "    for path in glob.glob(pattern):\n"
        "        try:\n"
        "            print('READ', path, open(path, errors='replace').read()[:200])\n"
        "        except OSError:\n"
        "            pass\n"
        "try:\n"
        "    socket.create_connection(('pypi.org', 443), timeout=3)\n"
        "    print('CONNECTED')\n"
        "except OSError as error:\n"
        "    print('no network', error)\n",
        "graded",
    ),
    "10-answers-replaced-by-a-link": (
        # after the collector has written its answers, swap them for a link to a host file
        # (a file the grading machine can read, or one that never ends: /proc/kmsg)
        "import atexit, os\n"
        "def swap():\n"
        "    for name in os.listdir('.'):\n"
        "        if name.endswith('.json'):\n"
        "            os.remove(name)\n"
        "            os.symlink({lure!r}, name)\n"
        "atexit.register(swap)\n",
        "error",
    ),
}


def hostile_notebook(cell: str) -> dict:
    """Return the blank student notebook with ``cell`` inserted after its imports."""
    notebook = json.loads(BASE.read_text())
    cells = notebook["cells"]
    imports = next(
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and "from mlintro import" in "".join(c["source"])
    )
    hostile = {
        "cell_type": "code",
        "execution_count": None,
        "id": "hostile",
        "metadata": {},
        "outputs": [],
        "source": cell.splitlines(keepends=True),
    }
    cells.insert(imports + 1, hostile)
    return notebook


def write_notebooks(
    folder: Path, *, marker: str, targets: list[Path], victims: list[Path], lure: Path
) -> dict[str, str]:
    """Write one notebook per case into ``folder``; return ``{file name: expected status}``.

    ``lure`` is the host file that case 10 links its answers to: the grading must not
    read it.
    """
    expected = {}
    for name, (template, status) in CASES.items():
        cell = template.format(
            marker=marker,
            targets=[str(path) for path in targets],
            victims=[str(path) for path in victims],
            root=ROOT,
            lure=str(lure),
        )
        path = folder / f"{name}.ipynb"
        path.write_text(json.dumps(hostile_notebook(cell), indent=1))
        expected[path.name] = status
    return expected
