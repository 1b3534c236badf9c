"""The grading sandbox (exercises/sandbox.py) against hostile programs.

Each hostile program runs through ``sandbox.run`` as a small Python script and must end
with a clear status and leave nothing behind: no process whose command line carries the
test's unique marker, and no file outside its workdir. The same attacks as notebooks,
through the real grading path, are in tests/exercises/hostile/.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from exercises import sandbox
from exercises.catalog import ROOT, masters
from tests.exercises.hostile import make_hostile

MASTER = masters()["reinitialization"]
KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}  # add_key, keyctl system calls


@pytest.fixture
def marker() -> str:
    """A string unique to one test, put in command lines and file names."""
    return f"sandbox-test-{uuid.uuid4().hex}"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def processes_with(marker: str) -> list[str]:
    """Command lines of the running processes that mention ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile
            continue
        if marker in cmdline:
            status = (entry / "status").read_text() if (entry / "status").exists() else ""
            if "State:\tZ" not in status:
                found.append(f"{entry.name}: {cmdline}")
    return found


def host_places(marker: str) -> list[Path]:
    """Host paths a hostile script tries to create (all outside its workdir)."""
    return [
        Path("/tmp") / marker,
        Path("/var/tmp") / marker,
        Path.home() / marker,
        ROOT / marker,
        ROOT / "exercises" / marker,
        ROOT / "lib" / marker,
    ]


TRY_EACH = """
def try_each(action, targets, done):
    for target in targets:
        try:
            action(target)
            print(done, target)
        except OSError as error:
            print("refused", target, type(error).__name__)
"""
"""A hostile script's helper: try ``action`` on each target, print what worked and what not."""


def run_script(source: str, marker: str, workdir: Path, **limits) -> "sandbox.SandboxResult":
    """Run a Python script in the sandbox; the marker is its first argument."""
    limits = {"timeout": 20, "memory_mb": 1024, **limits}
    argv = [sys.executable, "-c", textwrap.dedent(source), marker]
    result = sandbox.run(argv, workdir=workdir, **limits)
    assert processes_with(marker) == [], "processes outlived the sandbox"
    escaped = [place for place in host_places(marker) if place.exists()]
    for place in escaped:
        place.unlink()
    assert escaped == [], "files were written outside the workdir"
    return result


def test_a_plain_run_reports_its_output_and_exit_status(marker, workdir):
    workdir.chmod(0o700)  # as tempfile.mkdtemp makes them
    result = run_script(
        """
        import sys
        print("hello from", sys.argv[1])
        print("on stderr", file=sys.stderr)
        open("made-inside.txt", "w").write("kept")
        """,
        marker,
        workdir,
    )
    assert result.status == "ok", result
    assert result.returncode == 0
    assert f"hello from {marker}" in result.output and "on stderr" in result.output
    made = workdir / "made-inside.txt"
    assert made.read_text() == "kept"
    # run as root, the sandbox works as nobody and gives the folder back afterwards
    assert made.stat().st_uid == os.geteuid() and workdir.stat().st_uid == os.geteuid()


def test_os_exit_and_sys_exit_give_their_exit_status(marker, workdir):
    result = run_script("import os; print('bye', flush=True); os._exit(3)", marker, workdir)
    assert (result.status, result.returncode) == ("ok", 3)
    assert "bye" in result.output
    result = run_script("import sys; sys.exit('stopped on purpose')", marker, workdir)
    assert (result.status, result.returncode) == ("ok", 1)
    assert "stopped on purpose" in result.output
    result = run_script("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", marker, workdir)
    assert (result.status, result.returncode) == ("ok", 128 + 9)


def test_an_infinite_loop_is_killed_at_the_timeout(marker, workdir):
    start = time.monotonic()
    result = run_script("while True: pass", marker, workdir, timeout=1.5)
    assert result.status == "timeout" and result.returncode is None
    assert 1.5 <= result.seconds < 1.5 + 5
    assert time.monotonic() - start < 1.5 + 5
    assert "killed after 1.5 s" in result.output


def test_an_output_flood_is_cut_and_killed(marker, workdir):
    result = run_script(
        """
        import sys
        block = b"x" * (1 << 20)
        for _ in range(100):  # 100 MB
            sys.stdout.buffer.write(block)
        print("finished", file=sys.stderr)
        """,
        marker,
        workdir,
        output_limit_bytes=100_000,
    )
    assert result.status == "output-limit" and result.returncode is None
    assert result.output.startswith("x" * 100_000)
    assert len(result.output) < 100_000 + 200
    assert "finished" not in result.output
    assert sum(f.stat().st_size for f in workdir.rglob("*")) == 0


def test_a_64_gib_allocation_fails_cleanly(marker, workdir):
    result = run_script("buffer = bytearray(64 << 30)", marker, workdir, memory_mb=512)
    assert result.status == "memory", result
    assert result.returncode == 1 and "MemoryError" in result.output
    # the limit is the sandbox's, not the machine's: 1 GiB fails under a 512 MiB limit
    result = run_script("buffer = bytearray(1 << 30)", marker, workdir, memory_mb=512)
    assert result.status == "memory", result


def test_a_caught_allocation_failure_does_not_stop_the_program(marker, workdir):
    result = run_script(
        """
        try:
            buffer = bytearray(64 << 30)
        except MemoryError:
            print("no 64 GiB here")
        """,
        marker,
        workdir,
        memory_mb=512,
    )
    assert (result.status, result.returncode) == ("ok", 0)
    assert "no 64 GiB here" in result.output


def test_the_private_tmp_and_shm_in_memory_are_size_limited(marker, workdir):
    """They live in the machine's memory, outside the address-space limit."""
    result = run_script(
        """
        import errno
        for folder in ["/tmp", "/dev/shm"]:
            written = 0
            try:
                with open(f"{folder}/filler", "wb") as handle:
                    for _ in range(200):  # 200 MiB
                        handle.write(b"x" * (1 << 20))
                        handle.flush()
                        written += 1
            except OSError as error:
                print(folder, "full after", written, "MiB", errno.errorcode[error.errno])
        """,
        marker,
        workdir,
        memory_mb=128,
    )
    assert result.status == "ok", result.output
    lines = dict(line.split(" ", 1) for line in result.output.splitlines())
    assert lines["/tmp"].startswith("full after") and lines["/tmp"].endswith("ENOSPC")
    assert int(lines["/tmp"].split()[2]) <= 128
    assert int(lines["/dev/shm"].split()[2]) <= sandbox.SHM_MB


LINGERING = {
    # what the script leaves running: (script, what it prints once they are started)
    "300 forked sleepers": (
        """
        import os, time
        for _ in range(300):
            if os.fork() == 0:
                time.sleep(1000)
                os._exit(0)
        print("forked 300")
        """,
        "forked 300",
    ),
    "detached daemons": (
        """
        import os, subprocess, sys, time
        sleeper = [sys.executable, "-c", "import time; time.sleep(1000)", sys.argv[1]]
        subprocess.Popen(sleeper, start_new_session=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        if os.fork() == 0:  # classic double fork
            os.setsid()
            if os.fork() == 0:
                os.closerange(0, 3)
                time.sleep(1000)
            os._exit(0)
        time.sleep(0.3)
        print("daemons started")
        """,
        "daemons started",
    ),
}


@pytest.mark.parametrize("case", LINGERING)
def test_processes_left_running_die_with_the_sandbox(marker, workdir, case):
    source, started = LINGERING[case]
    result = run_script(source, marker, workdir)
    assert (result.status, result.returncode) == ("ok", 0)
    assert started in result.output
    # run_script checked that none of them is still running


def test_forked_sleepers_die_when_the_sandbox_times_out(marker, workdir):
    result = run_script(
        """
        import os, time
        for _ in range(50):
            if os.fork() == 0:
                break
        time.sleep(1000)
        """,
        marker,
        workdir,
        timeout=1,
    )
    assert result.status == "timeout"


def test_writing_outside_the_workdir_creates_nothing_on_the_host(marker, workdir):
    places = host_places(marker)
    try:
        script = f"""
            def write(place):
                with open(place, "w") as handle:
                    handle.write("escaped")
            try_each(write, {[str(p) for p in places]!r}, "wrote")
            """
        result = run_script(TRY_EACH + textwrap.dedent(script), marker, workdir)
        assert result.status == "ok"
        for place in places:
            assert not place.exists(), f"{place} was created on the host"
        # the sandbox's own /tmp (in memory) takes the write that is allowed there
        assert f"wrote /tmp/{marker}" in result.output
        assert f"refused {ROOT / 'lib' / marker} OSError" in result.output
    finally:
        for place in places:
            place.unlink(missing_ok=True)


def test_deleting_outside_the_workdir_has_no_effect(marker, workdir):
    # canaries only: a broken sandbox must not cost the project its files
    canaries = [
        Path("/tmp") / f"{marker}-canary",
        Path.home() / f"{marker}-canary",
        ROOT / "_build" / f"{marker}-canary" / "inside" / "file",
        workdir.parent / f"{marker}-canary",
    ]
    for canary in canaries:
        canary.parent.mkdir(parents=True, exist_ok=True)
        canary.write_text("still here")
    try:
        result = run_script(
            f"""
            import os, shutil
            for victim in {[str(c) for c in canaries]!r}:
                try:
                    os.remove(victim)
                    print("removed", victim)
                except OSError as error:
                    print("could not remove", victim, type(error).__name__)
            shutil.rmtree({str(ROOT / "_build" / f"{marker}-canary")!r}, ignore_errors=True)
            """,
            marker,
            workdir,
        )
        assert result.status == "ok"
        for canary in canaries:
            assert canary.read_text() == "still here"
    finally:
        for canary in canaries:
            canary.unlink(missing_ok=True)
        shutil.rmtree(ROOT / "_build" / f"{marker}-canary", ignore_errors=True)


def test_the_workdir_is_left_with_plain_files_only(marker, workdir):
    """Links, FIFOs and sockets could lead the caller, reading results, out of the folder."""
    result = run_script(
        """
        import os, socket, stat
        open("answers.json", "w").write("{}")
        os.symlink("/etc/passwd", "link-to-host-file")
        os.symlink("/proc/kmsg", "link-that-never-ends")
        os.symlink("/etc", "link-to-host-folder")
        os.mkfifo("fifo")
        socket.socket(socket.AF_UNIX).bind("socket")
        open("set-user-id", "w").write("#!/bin/sh")
        os.chmod("set-user-id", 0o6755)
        os.makedirs("locked/inner")
        os.symlink("/etc/shadow", "locked/inner/link")
        os.chmod("locked/inner", 0)
        os.chmod("locked", 0)
        os.chmod(".", 0)
        """,
        marker,
        workdir,
    )
    assert result.status == "ok", result.output
    left = {str(path.relative_to(workdir)): path.lstat().st_mode for path in workdir.rglob("*")}
    assert sorted(left) == ["answers.json", "locked", "locked/inner", "set-user-id"]
    assert (workdir / "answers.json").read_text() == "{}"
    assert not left["set-user-id"] & 0o6000
    assert all(path.lstat().st_uid == os.geteuid() for path in [workdir, *workdir.rglob("*")])


def test_solutions_the_project_and_host_folders_are_hidden(marker, workdir):
    assert MASTER.is_file()
    visible_on_host = Path("/tmp") / f"{marker}-host-file"
    visible_on_host.write_text("host /tmp")
    try:
        result = run_script(
            f"""
            import json, os
            seen = {{}}
            for path in [{str(MASTER)!r}, {str(visible_on_host)!r}]:
                try:
                    open(path).read()
                    seen[path] = "READ"
                except OSError as error:
                    seen[path] = type(error).__name__
            listing = {{
                folder: sorted(os.listdir(folder)) if os.path.isdir(folder) else None
                for folder in [{str(ROOT)!r}, "/root", "/home", "/run"]
            }}
            print(json.dumps({{"seen": seen, "listing": listing, "uid": os.getuid()}}))
            """,
            marker,
            workdir,
        )
    finally:
        visible_on_host.unlink()
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["seen"] == {
        str(MASTER): "FileNotFoundError",
        str(visible_on_host): "FileNotFoundError",
    }
    # of the project, only what the notebook needs to run: the environment and lib/;
    # of the other folders, at most the way to those, the Python installation and workdir
    assert set(report["listing"][str(ROOT)]) <= {".venv", "lib"}
    needed = [ROOT / ".venv", ROOT / "lib", Path(sys.base_prefix).resolve(), workdir]
    for folder, names in report["listing"].items():
        for name in names or []:
            assert any(path.is_relative_to(Path(folder) / name) for path in needed), (folder, name)
    if os.geteuid() == 0:
        assert report["uid"] == sandbox.SANDBOX_UID


def test_other_copies_of_the_course_anywhere_on_the_machine_are_invisible(marker, workdir):
    # CI grades in a fresh clone while the developer's checkout, with the same judge, lies
    # elsewhere; an instructor may keep copies in /opt, /srv or beside the project. Only
    # what the sandbox lists is visible, wherever the rest lives.
    places = [Path("/opt"), Path("/srv"), ROOT.parent, Path("/var/lib")]
    copies = [place / f"{marker}-copy" / "exercises" / "judge.py" for place in places]
    made = []
    try:
        for copy in copies:
            try:
                copy.parent.mkdir(parents=True)
            except OSError:
                continue  # a place this user cannot write to needs no test
            copy.write_text("SECRET-REFERENCE = factorial(h) * 2**h")
            made.append(copy)
        assert made, "no place to put a copy"
        result = run_script(
            f"""
            import glob
            for copy in {[str(c) for c in made]!r}:
                print(copy, "READ" if glob.glob(copy) else "absent")
            # nor does listing the folders that hold them show the copies
            found = [p for p in {[str(p) for p in places]!r} for p in glob.glob(p + "/*-copy")]
            print("scan", found)
            """,
            marker,
            workdir,
            timeout=60,
        )
    finally:
        for copy in made:
            shutil.rmtree(copy.parent.parent)
    assert result.status == "ok", result.output
    assert "READ" not in result.output and "absent" in result.output
    assert "scan []" in result.output, result.output


def test_the_command_has_no_privileges_and_cannot_gain_any(marker, workdir):
    result = run_script(
        """
        fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
        for name in ["Uid", "CapPrm", "CapEff", "CapAmb", "NoNewPrivs", "Seccomp"]:
            print(name, fields[name].split()[0])
        """,
        marker,
        workdir,
    )
    status = dict(line.split() for line in result.output.splitlines())
    assert status["CapPrm"] == status["CapEff"] == status["CapAmb"] == "0" * 16
    assert status["NoNewPrivs"] == "1"  # set-user-ID programs give nothing
    assert status["Seccomp"] == ("2" if os.uname().machine in KEYCTL else "0")
    assert status["Uid"] != "0"


@pytest.mark.skipif(os.uname().machine not in KEYCTL, reason="no seccomp filter on this CPU")
def test_no_user_namespaces_inside_but_threads_and_processes_work(marker, workdir):
    result = run_script(
        """
        import ctypes, errno, os, subprocess, sys, threading
        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.unshare(0x10000000)  # CLONE_NEWUSER
        print("unshare", failed, errno.errorcode.get(ctypes.get_errno()))
        done = []
        thread = threading.Thread(target=done.append, args=["thread ran"])
        thread.start()
        thread.join()
        print(*done)
        print(subprocess.run([sys.executable, "-c", "print('child ran')"],
                             capture_output=True, text=True).stdout.strip())
        if os.fork() == 0:
            os._exit(7)
        print("forked child exit", os.waitstatus_to_exitcode(os.wait()[1]))
        """,
        marker,
        workdir,
    )
    assert result.status == "ok", result.output
    assert "unshare -1 EPERM" in result.output
    for ran in ["thread ran", "child ran", "forked child exit 7"]:
        assert ran in result.output


def test_the_course_package_imports_from_the_read_only_project(marker, workdir):
    result = run_script(
        """
        import importlib.util, sys
        spec = importlib.util.find_spec("mlintro")
        print("mlintro at", spec.origin)
        print("prefix", sys.prefix)
        """,
        marker,
        workdir,
    )
    assert result.status == "ok", result.output
    assert f"mlintro at {ROOT / 'lib' / 'mlintro' / '__init__.py'}" in result.output


def test_the_environment_holds_no_secrets_of_the_machine(marker, workdir, monkeypatch):
    secret = f"hunter2-{marker}"
    monkeypatch.setenv("GRADER_API_TOKEN", secret)
    monkeypatch.setenv("GITHUB_TOKEN", secret)
    argv = [sys.executable, "-c", "import os, json; print(json.dumps(dict(os.environ)))", marker]
    result = sandbox.run(
        argv, workdir=workdir, timeout=20, memory_mb=1024, env={"CHOSEN_BY_CALLER": "yes"}
    )
    assert result.status == "ok"
    environment = json.loads(result.output.strip().splitlines()[-1])
    assert secret not in result.output
    assert environment["CHOSEN_BY_CALLER"] == "yes"
    assert {"PATH", "HOME", "LANG"} <= environment.keys()
    # nothing but the minimal set, the caller's choice, and what Python's start-up adds
    unexpected = environment.keys() - {"PATH", "HOME", "LANG", "TMPDIR", "PWD"}
    unexpected -= {"PYTHONDONTWRITEBYTECODE", "CHOSEN_BY_CALLER"}
    assert all(name not in os.environ or name in ("LANG", "PATH") for name in unexpected), (
        unexpected
    )


@pytest.mark.skipif(os.uname().machine not in KEYCTL, reason="system call numbers unknown")
def test_the_graders_session_keyring_is_out_of_reach(marker, workdir):
    """A process inherits its parent's session keyring, and with it the keys there."""
    add_key, keyctl = KEYCTL[os.uname().machine]
    secret = f"keyring-{marker}".encode()
    probe = f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        found = libc.syscall({keyctl}, 10, -3, b"user", b"{marker}", 0)  # KEYCTL_SEARCH
        print("search", found, ctypes.get_errno())
        if found > 0:
            buffer = ctypes.create_string_buffer(256)
            length = libc.syscall({keyctl}, 11, found, buffer, 256)  # KEYCTL_READ
            print("READ", buffer.raw[:length])
        """
    setup = f"""
        import ctypes, subprocess, sys
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        # a session keyring of this process only (KEYCTL_JOIN_SESSION_KEYRING), holding a key
        assert libc.syscall({keyctl}, 1, b"{marker}") > 0, ctypes.get_errno()
        secret = {secret!r}
        assert libc.syscall({add_key}, b"user", b"{marker}", secret, len(secret), -3) > 0
        from pathlib import Path
        from exercises import sandbox
        result = sandbox.run([sys.executable, "-c", {textwrap.dedent(probe)!r}],
                             workdir=Path({str(workdir)!r}), timeout=20, memory_mb=1024)
        print(result.output)
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(setup)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "search -1" in done.stdout
    assert secret.decode() not in done.stdout


def test_there_is_no_network(marker, workdir):
    script = """
        import socket
        print("interfaces", sorted(name for _, name in socket.if_nameindex()))
        hosts = [("pypi.org", 443), ("1.1.1.1", 53), ("8.8.8.8", 443)]
        try_each(lambda host: socket.create_connection(host, timeout=3).close(), hosts, "CONNECTED")
        """
    result = run_script(TRY_EACH + textwrap.dedent(script), marker, workdir)
    assert result.status == "ok"
    assert "interfaces ['lo']" in result.output
    assert "CONNECTED" not in result.output
    assert result.output.count("refused") == 3


def test_mount_and_namespace_tricks_do_not_reveal_or_change_the_host(marker, workdir):
    # unmounting what is visible must not reveal what lies beneath it on the host
    covers = " ".join([str(ROOT / "lib"), str(ROOT / ".venv"), "/usr", "/tmp"])
    script = f"""
        import subprocess
        for tricks in [
            ["mount", "-o", "remount,rw", "/"],
            ["sh", "-c", "umount -l {covers}"],
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
             "umount -l {ROOT / "lib"} {covers}; mount -o remount,rw /; "
             "mount -o remount,rw {ROOT / "lib"}; "
             "cat {MASTER}; touch {ROOT / "lib" / marker} /{marker}"],
        ]:
            done = subprocess.run(tricks, capture_output=True, text=True)
            print(tricks[0], done.returncode, done.stdout, done.stderr)
        """
    escapes = [ROOT / "lib" / marker, Path("/") / marker]
    try:
        result = run_script(script, marker, workdir)
        assert result.status == "ok"
        assert "Hidden tests" not in result.output and "BEGIN" not in result.output
        for escape in escapes:
            assert not escape.exists()
    finally:
        for escape in escapes:
            escape.unlink(missing_ok=True)


def test_a_command_that_cannot_start_is_an_error(workdir):
    result = sandbox.run(["no-such-program-here"], workdir=workdir, timeout=10, memory_mb=100)
    assert result.status == "error" and result.returncode is None
    assert "no-such-program-here" in result.output


def test_bad_arguments_are_refused_before_anything_runs(workdir):
    with pytest.raises(ValueError, match="argv is empty"):
        sandbox.run([], workdir=workdir, timeout=1, memory_mb=100)
    with pytest.raises(ValueError, match="not an existing folder"):
        sandbox.run(["true"], workdir=workdir / "missing", timeout=1, memory_mb=100)
    with pytest.raises(ValueError, match="holds the project"):
        sandbox.run(["true"], workdir=ROOT, timeout=1, memory_mb=100)
    with pytest.raises(ValueError, match="must be positive"):
        sandbox.run(["true"], workdir=workdir, timeout=0, memory_mb=100)


def test_without_bubblewrap_nothing_runs_and_the_message_says_what_to_do(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(sandbox.SandboxUnavailable, match="make sandbox"):
        sandbox.check.__wrapped__()


def test_a_bwrap_that_cannot_sandbox_stops_grading_with_what_to_do(monkeypatch, tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    advice = "--privileged" if os.geteuid() == 0 else "apparmor_restrict_unprivileged_userns"
    with pytest.raises(sandbox.SandboxUnavailable, match="No permissions") as raised:
        sandbox.check.__wrapped__()
    assert advice in str(raised.value) and "never run without it" in str(raised.value)


def test_an_old_bwrap_is_refused_by_name(monkeypatch, tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bubblewrap 0.4.1'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(sandbox.SandboxUnavailable, match=r"bubblewrap 0\.4\.1 is too old"):
        sandbox.check.__wrapped__()


def _user_namespaces_for(uid: int) -> bool:
    probe = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    probe += ["unshare", "--user", "--map-root-user", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="switches to another user: needs root")
def test_the_sandbox_works_for_a_normal_user_too(marker):
    """Run by ``nobody`` with a Python it can reach, through user namespaces."""
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin")
    if python is None or not _user_namespaces_for(sandbox.SANDBOX_UID):
        pytest.skip("no system python3, or unprivileged user namespaces are blocked here")
    workdir = Path(tempfile.mkdtemp(prefix=f"{marker}-"))  # pytest's folders are root's only
    workdir.chmod(0o755)
    shutil.chown(workdir, sandbox.SANDBOX_UID, sandbox.SANDBOX_UID)
    try:
        _run_as_nobody(python, workdir, marker)
    finally:
        shutil.rmtree(workdir)


def _run_as_nobody(python: str, workdir: Path, marker: str) -> None:
    places = host_places(marker)
    hostile = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", sys.argv[1]],
                         start_new_session=True)
        for place in {[str(p) for p in places]!r}:
            try:
                open(place, "w").write("escaped")
            except OSError:
                pass
        try:
            open({str(MASTER)!r}).read()
            print("READ MASTER")
        except OSError:
            pass
        print("uid", os.getuid(), "env", sorted(os.environ))
        """
    )
    driver = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from exercises import sandbox
        result = sandbox.run([sys.executable, "-c", {hostile!r}, {marker!r}],
                             workdir=Path({str(workdir)!r}), timeout=20, memory_mb=1024)
        print(json.dumps(result.__dict__))
        """
    )
    command = ["setpriv", f"--reuid={sandbox.SANDBOX_UID}", f"--regid={sandbox.SANDBOX_UID}"]
    command += ["--clear-groups", "--", python, "-c", driver]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "ok", result
    assert f"uid {sandbox.SANDBOX_UID}" in result["output"]
    assert "READ MASTER" not in result["output"]
    assert processes_with(marker) == []
    for place in places:
        assert not place.exists()


# ---- hostile notebooks through the real grading path (python -m exercises.grade) -------------

GRADING_TIMEOUT = 30  # seconds per notebook; the blank notebooks need a few


@pytest.fixture(scope="module")
def hostile_grading(tmp_path_factory):
    """Grade every hostile notebook once with exercises.grade; return what it left."""
    marker = f"sandbox-test-{uuid.uuid4().hex}"
    base = tmp_path_factory.mktemp("hostile")
    submissions, out = base / "submissions", base / "out"
    submissions.mkdir()
    out.mkdir()
    targets = [*host_places(marker), out / marker, submissions / marker]
    canary_dir = ROOT / "_build" / f"{marker}-canary-dir"
    victims = [
        Path("/tmp") / f"{marker}-canary",
        Path.home() / f"{marker}-canary",
        out / f"{marker}-canary",
        submissions / f"{marker}-canary",
        canary_dir,
    ]
    # a host file the grader can read: its access time shows whether anything read it
    lure = base / "lure.json"
    lure.write_text("[]")
    old = lure.stat().st_mtime - 1000
    os.utime(lure, (old, lure.stat().st_mtime))
    lure.read_text()
    atime_works = lure.stat().st_atime > old  # false on a noatime file system
    os.utime(lure, (old, lure.stat().st_mtime))
    other_submissions = [submissions / f"{name}.ipynb" for name in make_hostile.CASES]
    expected = make_hostile.write_notebooks(
        submissions,
        marker=marker,
        targets=targets,
        victims=[*victims, *other_submissions],
        lure=lure,
    )
    for victim in victims[:-1]:
        victim.write_text("still here")
    canary_dir.mkdir(parents=True)
    (canary_dir / "file").write_text("still here")
    originals = {path: path.read_bytes() for path in submissions.iterdir()}
    secret = f"{marker}-secret"
    env = {**os.environ, "GRADING_SECRET_TOKEN": secret}
    command = [sys.executable, "-m", "exercises.grade", str(submissions), str(out)]
    command += ["--workers", "2", "--timeout", str(GRADING_TIMEOUT)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=600, cwd=ROOT
        )
        leftovers = {
            "processes": processes_with(marker),
            "created": [str(path) for path in targets if path.exists()],
            "damaged": [
                str(path)
                for path in [*victims[:-1], canary_dir / "file"]
                if not path.exists() or path.read_text() != "still here"
            ]
            + [str(path) for path, data in originals.items() if path.read_bytes() != data],
        }
        lure_read = lure.stat().st_atime > old if atime_works else None
        with open(out / "gradebook.csv") as handle:
            rows = {row["submission"]: row for row in csv.DictReader(handle)}
        logs = {path.name: path.read_text() for path in (out / "logs").iterdir()}
        yield {
            "done": done,
            "expected": expected,
            "rows": rows,
            "logs": logs,
            "leftovers": leftovers,
            "secret": secret,
            "lure_read": lure_read,
        }
    finally:
        for path in [*targets, *victims[:-1]]:
            path.unlink(missing_ok=True)
        shutil.rmtree(canary_dir, ignore_errors=True)


@pytest.mark.slow
def test_hostile_notebooks_leave_nothing_behind(hostile_grading):
    assert hostile_grading["done"].returncode == 0, hostile_grading["done"].stderr
    assert hostile_grading["leftovers"] == {"processes": [], "created": [], "damaged": []}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(make_hostile.CASES))
def test_each_hostile_notebook_gets_one_row_with_a_clear_status(hostile_grading, case):
    row = hostile_grading["rows"][f"{case}.ipynb"]
    assert row["status"] == hostile_grading["expected"][f"{case}.ipynb"], row
    assert float(row["score"]) == 0.0  # blank answers: nothing to gain from the attack
    if row["status"] != "graded":
        assert row["message"], "a row that is not graded must say why"


@pytest.mark.slow
def test_hostile_notebooks_find_no_secrets_solutions_or_network(hostile_grading):
    log = hostile_grading["logs"]["09-peek.log"]
    assert "ENVIRONMENT" in log and "no network" in log  # the cell ran
    assert hostile_grading["secret"] not in "".join(hostile_grading["logs"].values())
    assert "CONNECTED" not in log
    # collect.py is mounted on purpose (it runs the notebook; it decides no score)
    read = [line.split()[1] for line in log.splitlines() if line.startswith("READ ")]
    assert read == [str(ROOT / "exercises" / "collect.py")]


@pytest.mark.slow
def test_the_grader_does_not_follow_links_the_notebook_left(hostile_grading):
    # the grader runs outside the sandbox, with the user's rights (root in CI): a link
    # in the workdir to /proc/kmsg would block it forever, one to a secret would be read
    if hostile_grading["lure_read"] is None:
        pytest.skip("access times are not updated on this file system (noatime)")
    assert hostile_grading["lure_read"] is False, "the grader read a host file through a link"
