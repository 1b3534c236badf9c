"""The Gradescope plugin's defences that can be checked without running otter: log records."""

import logging
import logging.handlers
import pickle
import socket
import struct
import time
from pathlib import Path

import otter.execute.logging
import pytest

from exercises.judge_plugin import unpickle_log_record


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


# otter never closes its logging server's socket; the warning is about otter, not the plugin
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_otters_logging_server_with_the_patch_logs_honest_records_and_runs_no_payload(
    tmp_path, monkeypatch
):
    handler = otter.execute.logging.LogRecordStreamHandler
    monkeypatch.setattr(handler, "unpickle", unpickle_log_record)
    received: list[logging.LogRecord] = []
    monkeypatch.setattr(handler, "handle_log_record", lambda self, record: received.append(record))
    flag = tmp_path / "ran"
    (host, port), stop = otter.execute.logging.start_server()
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
        stop()
    assert not flag.exists()
