"""Run an untrusted command in a bubblewrap sandbox with a timeout and resource limits.

Used by ``exercises/grade.py`` to run each submission. ``run(argv, workdir=...)`` starts
``argv`` under ``bwrap`` (Debian package ``bubblewrap``; ``make sandbox`` installs it)
and returns a :class:`SandboxResult` once the command has ended or was killed.

Inside the sandbox the command sees:

- only what it needs to run, read-only: the system's programs, libraries and settings
  (``SYSTEM_PATHS``: ``/usr``, ``/etc``, ``/sys`` and the ``/bin``, ``/lib``... links or
  folders), the project's virtual environment and ``lib/``, the Python installation the
  environment was made from, and the caller's ``read_only`` paths; ``workdir`` is
  mounted read-write. Nothing else of the host exists inside: not the project (its
  masters, judge and tests), not other checkouts of it anywhere on the machine, not
  ``/root``, ``/home``, ``/tmp``, ``/var``, ``/run``, ``/mnt``, ``/srv`` or ``/opt``. (A
  list of folders to hide would miss whatever the list does not name, such as another
  copy of the course.) The sandbox's own root is an empty, read-only folder. A ``hide``
  path of the caller inside a visible one is covered by an empty folder;
- its own ``/tmp`` and ``/dev/shm`` (in memory, size-limited), its own ``/proc`` and a
  minimal ``/dev``;
- no network (a new, empty network namespace), its own PID, IPC and UTS namespaces:
  when the command exits or is killed, every process it started is killed by the kernel;
- an environment holding only ``PATH``, ``HOME``, ``LANG``, ``TMPDIR``,
  ``PYTHONDONTWRITEBYTECODE`` and what the caller passes in ``env``;
- no capabilities and no way to gain any (``no_new_privs``). Run as root, bubblewrap
  keeps only the right to change user, and the command runs as ``nobody`` (uid 65534):
  root has no user namespace of its own to map to, and a command running as root could
  use root's rights on anything still mounted. The workdir is given to ``nobody`` for
  the run;
- no kernel keyrings: a seccomp filter makes their system calls fail, since a process
  inherits its parent's session keyring and the keys in it.

When the run ends, ``workdir`` holds only plain files and folders of its owner: links,
FIFOs and sockets are deleted and set-user-ID bits cleared, so that the caller, reading
the results with its own rights, is never led outside the folder.

Limits: ``timeout`` seconds of wall clock (then the whole sandbox is killed),
``memory_mb`` of address space per process (``RLIMIT_AS``), ``FILE_SIZE_LIMIT_MB`` per
written file, ``PROCESS_LIMIT`` processes and threads, and ``output_limit_bytes`` of
combined stdout and stderr (read into a capped buffer; the sandbox is killed when the
command writes more).
"""

import errno
import functools
import json
import os
import re
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FILE_SIZE_LIMIT_MB",
    "PROCESS_LIMIT",
    "SANDBOX_UID",
    "SHM_MB",
    "TMP_MB",
    "SandboxResult",
    "SandboxStillRunning",
    "SandboxUnavailable",
    "check",
    "run",
]

ROOT = Path(__file__).resolve().parent.parent
#: uid the command runs as when the caller is root (``nobody``).
SANDBOX_UID = 65534
#: largest file the command may write (``RLIMIT_FSIZE``), in MiB.
FILE_SIZE_LIMIT_MB = 1024
#: processes and threads (``RLIMIT_NPROC``): counted per user in the sandbox's user
#: namespace, or for all of ``nobody``'s processes when run as root.
PROCESS_LIMIT = 2048
#: size of the sandbox's private ``/dev/shm`` (Python's multiprocessing needs one), in MiB.
SHM_MB = 64
#: largest size of the sandbox's private ``/tmp``, in MiB (at most ``memory_mb``): it is
#: kept in the machine's memory, outside the address-space limit; big files belong in
#: the workdir.
TMP_MB = 1024
#: host paths visible (read-only) inside every sandbox: the system, without its data
#: folders; links among them (``/bin`` -> ``usr/bin`` on a merged-usr system) stay links.
SYSTEM_PATHS = ("/usr", "/etc", "/sys", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
MEMORY_ERRORS = re.compile(
    r"\bMemoryError\b|std::bad_alloc|Cannot allocate memory|[Oo]ut of memory|"
    r"Unable to allocate|RESOURCE_EXHAUSTED"
)
READ_CHUNK = 1 << 16
KILL_WAIT_SECONDS = 30


class SandboxUnavailable(RuntimeError):
    """Bubblewrap is missing or cannot create a sandbox on this machine."""


class SandboxStillRunning(RuntimeError):
    """Processes of a sandbox did not end after SIGKILL (the kernel did not tear it down)."""


@dataclass(frozen=True)
class SandboxResult:
    """How a sandboxed command ended.

    Attributes
    ----------
    status : str
        ``"ok"`` (the command ended by itself; see ``returncode``), ``"timeout"`` (killed
        after ``timeout`` seconds), ``"memory"`` (ended with an error and its output reports
        a failed allocation), ``"output-limit"`` (killed for writing more than
        ``output_limit_bytes``) or ``"error"`` (the sandbox could not be set up for this
        run, or could not start the command; ``output`` says why).
    returncode : int or None
        Exit status of the command (``128 + N`` when killed by signal ``N``); ``None`` when
        the sandbox killed it or never started it.
    output : str
        Combined stdout and stderr, cut at ``output_limit_bytes`` (undecodable bytes
        replaced).
    seconds : float
        Wall-clock time of the run.
    """

    status: str
    returncode: int | None
    output: str
    seconds: float


def run(
    argv: Sequence[str],
    *,
    workdir: Path,
    timeout: float,
    memory_mb: int,
    output_limit_bytes: int = 1_000_000,
    env: Mapping[str, str] | None = None,
    hide: Sequence[Path] = (),
    read_only: Sequence[Path] = (),
) -> SandboxResult:
    """Run ``argv`` in a sandbox whose only writable host folder is ``workdir``.

    Parameters
    ----------
    argv : sequence of str
        The command; ``argv[0]`` is looked up on the sandbox's ``PATH``.
    workdir : Path
        Existing folder, mounted read-write at the same path and used as the current
        directory. When the run ends it holds only plain files and folders of its owner:
        links, FIFOs and sockets the command left are deleted, so that reading its
        results never leads outside it.
    timeout : float
        Seconds of wall clock before the whole sandbox is killed.
    memory_mb : int
        Address-space limit of each process in the sandbox, in MiB.
    output_limit_bytes : int, optional
        Most bytes of combined stdout and stderr kept; writing more kills the sandbox.
    env : mapping of str to str, optional
        Variables added to (or replacing) the sandbox's minimal environment.
    hide : sequence of Path, optional
        Host folders that must stay out of sight (for example the grading output): they
        are invisible anyway unless inside a visible path, where an empty folder covers them.
    read_only : sequence of Path, optional
        More host paths to make visible, read-only.

    Returns
    -------
    SandboxResult
        The status, exit status, output and duration.

    Raises
    ------
    SandboxUnavailable
        If ``bwrap`` is missing or cannot create namespaces here; the message says what
        to install or change. Nothing is run unsandboxed.
    SandboxStillRunning
        If processes of the sandbox survive SIGKILL for ``KILL_WAIT_SECONDS`` (a kernel
        problem; ``workdir`` is then left to ``nobody``).
    ValueError
        If an argument is unusable (empty ``argv``, missing ``workdir``, limits <= 0).
    """
    if not argv:
        raise ValueError("argv is empty: give the command to run")
    workdir = Path(workdir).resolve()
    if not workdir.is_dir():
        raise ValueError(f"workdir {workdir} is not an existing folder")
    if workdir == ROOT or workdir in ROOT.parents:
        raise ValueError(f"workdir {workdir} holds the project: give the sandbox its own folder")
    if not timeout > 0 or memory_mb <= 0 or output_limit_bytes <= 0:
        raise ValueError(
            f"timeout ({timeout}), memory_mb ({memory_mb}) and output_limit_bytes "
            f"({output_limit_bytes}) must be positive"
        )
    check()
    command = _bwrap_command(
        list(argv),
        workdir=workdir,
        memory_mb=memory_mb,
        env=dict(env or {}),
        hide=[Path(path) for path in hide],
        read_only=[Path(path) for path in read_only],
    )
    owner = workdir.stat()
    if os.geteuid() == 0:
        _chown_tree(workdir, SANDBOX_UID, SANDBOX_UID)
    tidy = True
    try:
        return _supervise(command, timeout=timeout, output_limit_bytes=output_limit_bytes)
    except SandboxStillRunning:
        tidy = False  # a live process could swap a folder for a link during the walk
        raise
    finally:
        if tidy:  # every sandboxed process is dead by now: nothing can race the walk
            _tidy_tree(workdir, owner.st_uid, owner.st_gid)


@functools.cache
def check() -> None:
    """Raise `SandboxUnavailable` unless a trivial command runs in the sandbox here.

    Raises
    ------
    SandboxUnavailable
        With the error of ``bwrap`` and what to do about it.
    """
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, and submissions are never run without "
            "the sandbox. Install it with `make sandbox` (Debian/Ubuntu: "
            "`apt-get install bubblewrap`) or your distribution's bubblewrap package."
        )
    version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout
    numbers = re.findall(r"\d+", version)
    if len(numbers) >= 2 and (int(numbers[0]), int(numbers[1])) < (0, 8):
        raise SandboxUnavailable(
            f"{version.strip()} is too old: the sandbox needs bubblewrap 0.8 or "
            "later (Debian 12, Ubuntu 24.04) for --disable-userns and --size"
        )
    for tool in ("prlimit", "setpriv"):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(f"{tool} (util-linux) is not installed: install util-linux")
    command = [*_namespace_flags(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    command += ["--", *_drop_to_sandbox_user(), "/bin/true"]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as error:
        raise SandboxUnavailable("bwrap did not start a trivial command in 60 s") from error
    if completed.returncode != 0:
        raise SandboxUnavailable(
            f"bwrap cannot create a sandbox on this machine ({completed.stderr.strip()}), "
            "and submissions are never run without it. "
            + (
                "Run as root, bwrap needs CAP_SYS_ADMIN: in Docker, start the container "
                "with --privileged, or grade outside the container."
                if os.geteuid() == 0
                else "Run as a normal user, bwrap needs unprivileged user namespaces: on "
                "Ubuntu 23.10 and later `sudo sysctl -w "
                "kernel.apparmor_restrict_unprivileged_userns=0`, on older Debian `sudo sysctl "
                "-w kernel.unprivileged_userns_clone=1`; or grade as root."
            )
        )


def _namespace_flags() -> list[str]:
    """Return bwrap and its namespace options for the current user."""
    flags = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    flags += ["--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if os.geteuid() == 0:
        # bwrap runs privileged (no user namespace): keep only what setpriv needs to drop
        # to SANDBOX_UID, and the right to enter a workdir of mode 0700 that belongs to
        # SANDBOX_UID; the switch of user clears them all, and no_new_privs stops the
        # command from regaining any
        flags += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        flags += ["--cap-add", "CAP_DAC_READ_SEARCH"]
    else:
        flags += ["--unshare-user", "--disable-userns"]
    return flags


def _drop_to_sandbox_user() -> list[str]:
    """Return the command prefix that makes root's sandboxed command run as SANDBOX_UID."""
    if os.geteuid() != 0:
        return []
    return [
        "setpriv",
        f"--reuid={SANDBOX_UID}",
        f"--regid={SANDBOX_UID}",
        "--clear-groups",
        "--inh-caps=-all",
        "--",
    ]


def _bwrap_command(
    argv: list[str],
    *,
    workdir: Path,
    memory_mb: int,
    env: dict[str, str],
    hide: list[Path],
    read_only: list[Path],
) -> list[str]:
    """Build the full bwrap command line."""
    tmp_bytes = min(memory_mb, TMP_MB) << 20
    command = list(_namespace_flags())
    host_mounts: list[Path] = []  # host folders bound read-only: their subfolders exist
    for name in SYSTEM_PATHS:
        path = Path(name)
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            command += ["--ro-bind", str(path), str(path)]
            host_mounts.append(path)
    command += ["--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
    exposed = [
        ROOT / ".venv",
        ROOT / "lib",
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.executable).resolve().parent.parent,
        *read_only,
    ]
    visible = sorted(
        {Path(os.path.realpath(p)) for p in exposed if Path(p).exists()},
        key=lambda p: (len(p.parts), str(p)),
    )
    for path in visible:
        if any(m == path or m in path.parents for m in host_mounts):
            continue  # inside a folder bound already
        command += _mount_point_parents(path, host_mounts)
        command += ["--ro-bind", str(path), str(path)]
        host_mounts.append(path)
    for path in sorted({Path(os.path.realpath(p)) for p in hide}, key=lambda p: len(p.parts)):
        if path.is_dir() and any(m == path or m in path.parents for m in host_mounts):
            command += ["--perms", "0755", "--tmpfs", str(path)]
    command += _mount_point_parents(workdir, host_mounts)
    command += ["--bind", str(workdir), str(workdir)]
    command += ["--proc", "/proc", "--dev", "/dev"]
    command += ["--perms", "1777", "--size", str(SHM_MB << 20), "--tmpfs", "/dev/shm"]
    command += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", str(workdir)]
    command += ["--clearenv"]
    variables = {
        "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    for name, value in variables.items():
        command += ["--setenv", name, value]
    command += ["--", *_drop_to_sandbox_user()]
    command += [
        "prlimit",
        f"--as={memory_mb << 20}",
        f"--fsize={FILE_SIZE_LIMIT_MB << 20}",
        f"--nproc={PROCESS_LIMIT}",
        "--core=0",
        "--",
        *argv,
    ]
    return command


def _mount_point_parents(path: Path, host_mounts: Sequence[Path]) -> list[str]:
    """Create the parents of a mount point in the sandbox's own folders, readable by all.

    bwrap would create them itself, but as 0700 directories of the user running it,
    which ``nobody`` cannot enter. Parents inside a bound host folder exist already.
    """
    options = []
    for parent in reversed(path.parents):
        if parent == Path("/") or any(m == parent or m in parent.parents for m in host_mounts):
            continue
        options += ["--perms", "0755", "--dir", str(parent)]
    return options


def _supervise(command: list[str], *, timeout: float, output_limit_bytes: int) -> SandboxResult:
    """Start ``command``, collect capped output, enforce the timeout, kill on exit."""
    status_read, status_write = os.pipe()
    options = ["--json-status-fd", str(status_write)]
    passed = [status_write]
    program = _seccomp_program()
    if program:
        filter_read, filter_write = os.pipe()  # the program is far below a pipe's buffer
        os.write(filter_write, program)
        os.close(filter_write)
        options += ["--seccomp", str(filter_read)]
        passed.append(filter_read)
    bwrap = command.index("bwrap") + 1
    command = [*command[:bwrap], *options, *command[bwrap:]]
    start = time.monotonic()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=passed,
            start_new_session=True,
        )
    except BaseException:
        os.close(status_read)
        raise
    finally:
        for fd in passed:
            os.close(fd)
    output = bytearray()
    written = 0
    reports = bytearray()
    sandbox_init = None  # pidfd of the sandbox's PID 1 (bwrap's init)
    status = None
    streams = [process.stdout.fileno(), status_read]
    try:
        while process.stdout.fileno() in streams:
            remaining = start + timeout - time.monotonic()
            if remaining <= 0:
                status = "timeout"
                break
            ready = _readable(streams, remaining)
            if status_read in ready:
                report = os.read(status_read, READ_CHUNK)
                if not report:
                    streams.remove(status_read)
                reports += report
                if sandbox_init is None and (child := _child(reports)) is not None:
                    sandbox_init = _open_sandbox_init(*child)
            if process.stdout.fileno() in ready:
                chunk = os.read(process.stdout.fileno(), READ_CHUNK)
                if not chunk:  # every process that held the pipe is gone
                    streams.remove(process.stdout.fileno())
                output += chunk[: max(0, output_limit_bytes - len(output))]
                written += len(chunk)
                if written > output_limit_bytes:
                    status = "output-limit"
                    break
        if status is None:
            try:
                process.wait(timeout=max(0.0, start + timeout - time.monotonic()))
            except subprocess.TimeoutExpired:
                status = "timeout"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # bwrap returns as soon as the command has exited, while processes the command
        # left behind may still run: kill the sandbox's PID 1, whose exit makes the kernel
        # kill everything in its PID namespace, and wait until that is done
        if sandbox_init is None:
            reports += _read_available(status_read)
            if (child := _child(reports)) is not None:
                sandbox_init = _open_sandbox_init(*child)
        if sandbox_init is not None:
            _kill_and_wait(sandbox_init)
        process.stdout.close()
        os.close(status_read)
    seconds = time.monotonic() - start
    text = output.decode("utf-8", errors="replace")
    if status == "timeout":
        return SandboxResult("timeout", None, text + f"\n[killed after {timeout:g} s]", seconds)
    if status == "output-limit":
        note = f"\n[output cut at {output_limit_bytes} bytes; the sandbox was killed]"
        return SandboxResult("output-limit", None, text + note, seconds)
    if _child(reports) is None or (
        process.returncode != 0 and text.startswith(("bwrap: ", "setpriv: ", "prlimit: "))
    ):
        # the sandbox's own tools failed to set it up or to start the command (a chdir,
        # an exec); the command could fake this only to get its own run counted as an error
        return SandboxResult("error", None, f"the sandbox could not start: {text}", seconds)
    returncode = process.returncode
    if returncode != 0 and MEMORY_ERRORS.search(text[-4000:]):
        return SandboxResult("memory", returncode, text, seconds)
    return SandboxResult("ok", returncode, text, seconds)


#: system call numbers the seccomp filter needs, by CPU: audit architecture, then
#: add_key, request_key, keyctl, clone3, unshare, clone
SYSTEM_CALLS = {
    "x86_64": (0xC000003E, 248, 249, 250, 435, 272, 56),
    "aarch64": (0xC00000B7, 217, 218, 219, 435, 97, 220),
}
SYSTEM_CALLS["arm64"] = SYSTEM_CALLS["aarch64"]


def _seccomp_program() -> bytes:
    """Return a classic BPF seccomp filter for the sandboxed command.

    - The kernel keyring calls (``add_key``, ``request_key``, ``keyctl``) fail with
      ENOSYS, as if the kernel had no keyrings: a process inherits its parent's session
      keyring, and possessing a keyring gives access to its keys whatever the user, so
      the command could otherwise read the secrets the grader's session holds there.
    - New user namespaces (``unshare`` or ``clone`` with CLONE_NEWUSER) fail with EPERM:
      run as root, bubblewrap cannot forbid them itself, and they widen the part of the
      kernel the command can reach. ``clone3``, whose flags a filter cannot read, fails
      with ENOSYS, on which the C library falls back to ``clone`` (as in Docker).
    - System calls of another ABI (32-bit x86, x32), which have other numbers, fail.

    Returns ``b""`` on a CPU that ``SYSTEM_CALLS`` does not know (the sandbox then runs
    without the filter).
    """
    known = SYSTEM_CALLS.get(os.uname().machine)
    if known is None:
        return b""
    audit_arch, add_key, request_key, keyctl, clone3, unshare, clone = known
    load, jump_equal, jump_at_least, jump_set, give = 0x20, 0x15, 0x35, 0x45, 0x06
    x32_bit = 0x40000000  # x32 calls are x86-64's with this bit set
    clone_newuser = 0x10000000
    # (operation, label if true, label if false, operand); labels resolved below
    program = [
        (load, None, None, 4),  # seccomp_data.arch
        (jump_equal, "number", "no-such-call", audit_arch),
        ("number", load, None, None, 0),  # seccomp_data.nr
        (jump_at_least, "no-such-call", None, x32_bit),
        *[(jump_equal, "no-such-call", None, call) for call in (add_key, request_key, keyctl)],
        (jump_equal, "no-such-call", None, clone3),
        (jump_equal, "flags", None, unshare),
        (jump_equal, "flags", None, clone),
        (give, None, None, 0x7FFF0000),  # allow
        ("flags", load, None, None, 16),  # the low half of the first argument
        (jump_set, "not-permitted", None, clone_newuser),
        (give, None, None, 0x7FFF0000),
        ("no-such-call", give, None, None, 0x00050000 | errno.ENOSYS),
        ("not-permitted", give, None, None, 0x00050000 | errno.EPERM),
    ]
    labels = {}
    instructions = []
    for entry in program:
        if isinstance(entry[0], str):
            labels[entry[0]] = len(instructions)
            entry = entry[1:]
        instructions.append(entry)

    def offset(label: str | None, position: int) -> int:
        return 0 if label is None else labels[label] - position - 1

    return b"".join(
        struct.pack("=HBBI", code, offset(true, i), offset(false, i), operand)
        for i, (code, true, false, operand) in enumerate(instructions)
    )


def _readable(fds: Sequence[int], timeout: float) -> list[int]:
    """Wait up to ``timeout`` seconds; return those of ``fds`` that can be read or closed.

    ``poll`` rather than ``select``, which fails on descriptors above 1023.
    """
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    return [fd for fd, _ in poller.poll(max(0.0, timeout) * 1000)]


def _read_available(fd: int) -> bytes:
    """Read what a pipe holds now, without waiting for more."""
    os.set_blocking(fd, False)
    data = bytearray()
    while True:
        try:
            chunk = os.read(fd, READ_CHUNK)
        except BlockingIOError:
            return bytes(data)
        if not chunk:
            return bytes(data)
        data += chunk


def _open_sandbox_init(pid: int, pid_namespace: int | None) -> int | None:
    """Open a pidfd of the sandbox's init, or return None if it is gone.

    The PID came from bwrap's report; by the time it is read, that process may have ended
    and, in theory, its number gone to another process. Checking the PID namespace of the
    process the pidfd holds makes sure only the sandbox's own init is ever signalled.
    """
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return None
    try:
        namespace = os.stat(f"/proc/{pid}/ns/pid").st_ino
    except OSError:
        namespace = None
    if namespace is None or namespace != pid_namespace:
        os.close(pidfd)
        return None
    return pidfd


def _kill_and_wait(pidfd: int) -> None:
    """SIGKILL the process of ``pidfd`` and wait until it has exited; close the fd."""
    try:
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except ProcessLookupError:
            return  # gone already
        # readable once the process has exited, which for a PID namespace's init is after
        # the kernel has killed and reaped every other process in it
        if not _readable([pidfd], KILL_WAIT_SECONDS):
            raise SandboxStillRunning(
                f"the sandbox's processes did not end {KILL_WAIT_SECONDS} s after SIGKILL"
            )
    finally:
        os.close(pidfd)


def _child(reports: bytes) -> tuple[int, int | None] | None:
    """Return the host PID and PID namespace of the sandbox's init from bwrap's reports.

    None until bwrap has reported starting it (never, if setting up the sandbox failed).
    """
    decoder = json.JSONDecoder()
    text = bytes(reports).decode("utf-8", errors="replace")
    position = 0
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        try:
            report, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return None  # an incomplete report: wait for the rest
        if isinstance(report, dict) and isinstance(report.get("child-pid"), int):
            namespace = report.get("pid-namespace")
            return report["child-pid"], namespace if isinstance(namespace, int) else None
    return None


def _tidy_tree(folder: Path, uid: int, gid: int) -> None:
    """Leave only plain files and folders of ``uid:gid`` in ``folder`` after a run.

    The caller reads what the command wrote, outside the sandbox and with its own rights:
    a link there could lead it to any file it may read (or to ``/proc/kmsg``, whose read
    never ends), a FIFO could block it. So links, FIFOs and sockets are deleted,
    set-user-ID and set-group-ID bits cleared, and (when run as root) everything given
    back to the folder's owner. Hard links to files outside cannot exist: the workdir is
    a mount of its own, and links across mounts fail.
    """
    as_root = os.geteuid() == 0
    os.chmod(folder, stat.S_IMODE(os.lstat(folder).st_mode) | stat.S_IRWXU)
    for parent, folders, files in os.walk(folder, followlinks=False):
        for name in [*folders, *files]:
            path = os.path.join(parent, name)
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
                os.unlink(path)
                if name in folders:  # a link to a folder: os.walk must not list it
                    folders.remove(name)
                continue
            if as_root:
                os.lchown(path, uid, gid)  # also clears set-user-ID bits of files
            if stat.S_ISDIR(info.st_mode):
                os.chmod(path, stat.S_IMODE(info.st_mode) | stat.S_IRWXU)
            elif info.st_mode & (stat.S_ISUID | stat.S_ISGID):
                os.chmod(path, stat.S_IMODE(info.st_mode) & ~(stat.S_ISUID | stat.S_ISGID))
    if as_root:
        os.lchown(folder, uid, gid)


def _chown_tree(folder: Path, uid: int, gid: int) -> None:
    """Give ``folder`` and everything in it to ``uid:gid``, never following links."""
    os.lchown(folder, uid, gid)
    for parent, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            try:
                os.lchown(os.path.join(parent, name), uid, gid)
            except FileNotFoundError:
                pass
