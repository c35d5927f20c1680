"""Query executors cannot reach the network, whatever the query text says (server.engine.sandbox).

The request check refuses SERVICE and LOAD by reading the text; these tests go around it and
hand such queries straight to a real executor process, with a listener on loopback that would
see any connection pyoxigraph opened.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.engine.executors import ExecutorPool
from server.engine.jobs import READY, QueryJob

EX = "http://example.org/"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        sock.settimeout(1.0)
        yield sock


def _connected(sock: socket.socket) -> bool:
    try:
        sock.accept()[0].close()
    except TimeoutError:
        return False
    return True


def _store(tmp_path: Path) -> str:
    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}p"), ox.Literal("1")))
    store.flush()
    del store
    return str(tmp_path / "store")


def _job(store: str, query: str) -> QueryJob:
    return QueryJob(store=store, query=query, base_iri=None, prefixes={},
                    default_graphs=None, named_graphs=None, bindings_format="json",
                    graph_format=None, max_rows=100, budget=10.0)


def test_an_executor_cannot_open_a_connection_for_service(tmp_path, listener):
    port = listener.getsockname()[1]
    pool = ExecutorPool(1)
    try:
        ordinary = pool.run(_job(_store(tmp_path), f"ASK {{ <{EX}a> ?p ?o }}"), 10.0)
        assert ordinary.ok and b"true" in ordinary.body  # the sandbox leaves queries alone
        reply = pool.run(_job(_store(tmp_path), "SELECT * { SERVICE <http://127.0.0.1:"
                              f"{port}/sparql> {{ ?s ?p ?o }} }}"), 10.0)
    finally:
        pool.close()
    assert not reply.ok and "denied" in reply.message.lower(), reply
    assert not _connected(listener), "the executor must not reach the network"


def test_outside_the_sandbox_the_same_query_does_connect(listener):
    """The control: pyoxigraph really opens the connection, so the test above can fail."""
    port = listener.getsockname()[1]
    seen: list[bool] = []
    # Accept and hang up at once, or pyoxigraph would wait for an answer for ever.
    watcher = threading.Thread(target=lambda: seen.append(_connected(listener)))
    watcher.start()
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/s> {{ ?s ?p ?o }} }}"))
    watcher.join()
    assert seen == [True]


def test_the_filter_refuses_ip_sockets_and_keeps_unix_sockets():
    script = (
        "import socket; from server.engine.sandbox import deny_network\n"
        "assert deny_network() is None\n"
        "socket.socketpair()[0].close()\n"
        "socket.socket(socket.AF_UNIX).close()\n"
        "for family in (socket.AF_INET, socket.AF_INET6, socket.AF_PACKET, socket.AF_NETLINK):\n"
        "    try:\n"
        "        socket.socket(family)\n"
        "    except PermissionError:\n"
        "        continue\n"
        "    raise SystemExit(f'{family} socket was allowed')\n"
        "print('sandboxed')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "sandboxed", done.stderr


def _executor_without_libseccomp(tmp_path: Path, mode: str | None) -> tuple[object, str]:
    """One job through a real executor whose libseccomp cannot be loaded: (reply, stderr)."""
    ours, theirs = socket.socketpair()
    script = (
        "import sys; sys.modules['pyseccomp'] = None\n"  # as on a host without libseccomp
        "from server.engine import worker as sparql_worker\n"
        f"sparql_worker.main(['worker', '{theirs.fileno()}', 'reader', '2048'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "KG_EXECUTOR_SANDBOX"}
    if mode is not None:
        env["KG_EXECUTOR_SANDBOX"] = mode
    proc = subprocess.Popen([sys.executable, "-c", script], pass_fds=(theirs.fileno(),), env=env,
                            cwd=Path(__file__).resolve().parents[2], stderr=subprocess.PIPE,
                            text=True)
    theirs.close()
    conn = Connection(ours.detach())
    try:
        assert conn.poll(60) and conn.recv() == READY, "the executor did not start"
        conn.send(_job(_store(tmp_path), f"ASK {{ <{EX}a> ?p ?o }}"))
        assert conn.poll(60), "the executor did not answer"
        reply = conn.recv()
    finally:
        conn.close()
        _, err = proc.communicate(timeout=60)
    return reply, err


def test_without_its_sandbox_an_executor_runs_nothing_and_says_why(tmp_path):
    reply, _ = _executor_without_libseccomp(tmp_path, None)
    assert not reply.ok and reply.code == "sandbox"
    assert "libseccomp" in reply.message and "KG_EXECUTOR_SANDBOX=best-effort" in reply.message


def test_best_effort_runs_unfiltered_with_a_warning(tmp_path):
    reply, err = _executor_without_libseccomp(tmp_path, "best-effort")
    assert reply.ok and b"true" in reply.body
    assert "WITHOUT its network sandbox" in err
