"""The Gradescope plugin's defences, checked without running otter: log records, stray processes."""

import logging
import logging.handlers
import os
import pickle
import shutil
import socket
import struct
import sys
import threading
import time
from pathlib import Path

import otter.execute.logging
import pytest

from exercises import sandbox
from exercises.catalog import ROOT
from exercises.judge_plugin import stray_processes, unpickle_log_record


class _Payload:
    """Runs code when unpickled: creates a file, as a hostile log record would replace the judge."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def __reduce__(self):
        return (Path.touch, (self.flag,))


def test_unpickle_refuses_a_reduce_payload_and_does_not_run_it(tmp_path):
    flag = tmp_path / "ran"
    data = pickle.dumps({"name": "otter", "msg": _Payload(flag)})
    pickle.loads(data)  # the payload works on plain pickle
    assert flag.exists()
    flag.unlink()
    with pytest.raises(pickle.UnpicklingError):
        unpickle_log_record(None, data)
    assert not flag.exists()


def test_unpickle_reads_an_honest_record():
    record = logging.LogRecord("otter.x", logging.WARNING, "/p.py", 3, "hi %s", ("a",), None)
    data = logging.handlers.SocketHandler("localhost", 0).makePickle(record)
    (length,) = struct.unpack(">L", data[:4])
    fields = unpickle_log_record(None, data[4:])
    assert length == len(data) - 4
    assert logging.makeLogRecord(fields).getMessage() == "hi a"


def test_unpickle_refuses_what_is_not_a_dict():
    with pytest.raises(pickle.UnpicklingError):
        unpickle_log_record(None, pickle.dumps([1, 2]))


def test_otters_logging_server_with_the_patch_logs_honest_records_and_runs_no_payload(
    tmp_path, monkeypatch
):
    handler = otter.execute.logging.LogRecordStreamHandler
    monkeypatch.setattr(handler, "unpickle", unpickle_log_record)
    received: list[logging.LogRecord] = []
    monkeypatch.setattr(handler, "handle_log_record", lambda self, record: received.append(record))
    flag = tmp_path / "ran"
    server = otter.execute.logging.LogRecordSocketReceiver()  # as start_server makes it
    host, port = server.server_address
    serving = threading.Thread(target=server.serve_until_stopped)
    serving.start()
    try:
        hostile = pickle.dumps(_Payload(flag))
        with socket.create_connection((host, port)) as connection:
            connection.sendall(struct.pack(">L", len(hostile)) + hostile)
        record = logging.LogRecord("otter.test", logging.WARNING, "p.py", 1, "honest", None, None)
        sender = logging.handlers.SocketHandler(host, port)
        sender.handle(record)
        sender.close()
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [r.getMessage() for r in received] == ["honest"]
    finally:
        server.abort = True
        serving.join()
        server.server_close()
    assert not flag.exists()


# ---- processes the notebook leaves behind ---------------------------------------------------

STRAYS = """
import os, subprocess, sys, time
from judge_plugin import boot_ticks, kill_strays

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

sleeper = [sys.executable, "-c", "import time; time.sleep(1000)"]
older = subprocess.Popen(sleeper)  # started before the moment: spared
time.sleep(0.1)
since = boot_ticks()
time.sleep(0.1)  # start times count in ticks (10 ms)
read, write = os.pipe()
if os.fork() == 0:  # a detached daemon: double fork and setsid
    os.setsid()
    child = os.fork()
    if child == 0:
        os.execv(sys.executable, sleeper)
    os.write(write, str(child).encode())
    os._exit(0)
os.wait()
daemon = int(os.read(read, 32))
child = subprocess.Popen(sleeper)  # a plain child started after the moment
time.sleep(0.2)
assert alive(daemon) and alive(child.pid) and alive(older.pid)
killed = kill_strays(since)
child.wait(timeout=10)
deadline = time.monotonic() + 10
while alive(daemon) and time.monotonic() < deadline:
    time.sleep(0.05)
assert {daemon, child.pid} <= killed, killed
assert not alive(daemon) and alive(older.pid) and os.getpid() not in killed
older.kill()
print("survived", sorted(killed))
"""


def test_kill_strays_kills_a_detached_daemon_and_spares_older_processes_and_itself(tmp_path):
    # in the sandbox's own PID namespace, so that no process of the test session can be hit
    shutil.copyfile(ROOT / "exercises" / "judge_plugin.py", tmp_path / "judge_plugin.py")
    result = sandbox.run(
        [os.path.abspath(sys.executable), "-c", STRAYS],
        workdir=tmp_path,
        timeout=60,
        memory_mb=2048,
    )
    assert result.status == "ok" and "survived" in result.output, result.output


def test_stray_processes_never_lists_this_process_or_its_ancestors():
    ancestors = {os.getpid(), os.getppid(), 1}
    assert not ancestors & set(stray_processes(0))  # only lists: kills nothing
