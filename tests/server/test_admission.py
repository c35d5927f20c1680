"""Admission control and the server-wide memory budget, over real `kg serve` processes.

Expensive or slow work (queries held by an executor, slow uploads, half-sent requests) must not
starve cheap work: a class that is full answers 503 at once, naming itself, while lookups and
health checks go on being answered. The executors' memory caps are shares of one budget.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kg.settings import PROJECT_ROOT, Settings
from server.admission import Admission, Busy, classes, classify, long_budget
from tests.server.conftest import EX, fetch, free_port, make_publication, query_url

#: Needs no data and would run for hours: five 100-value columns cross-joined.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(5)
) + " }"
LOOKUP = f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}"
#: One worker, 4 threads: one executor, 2 upload places, 3 threads for long work at most.
SMALL = {"KG_THREADS": "4", "KG_QUERY_TIMEOUT": "4", "KG_QUERY_CACHE_MB": "0",
         "KG_ACCESS_LOG": "off"}


def _serve(tmp_path: Path, launch, env: dict[str, str] | None = None):
    port = free_port()
    make_publication(tmp_path / "dist", f"http://127.0.0.1:{port}/", f"<{EX}a> <{EX}p> 1 .")
    return launch(tmp_path / "dist", port, workers=1, env={**SMALL, **(env or {})})


def test_the_table_bounds_long_work_below_the_thread_count():
    for threads in (1, 2, 4, 8, 16, 64):
        settings = Settings(threads=threads)
        table = classes(settings)
        assert set(table) == {"lookups", "pages", "queries", "shacl", "dumps", "uploads"}
        assert all(row.limit >= 1 for row in table.values())
        if threads >= 4:  # a quarter of the threads is kept for short work
            assert long_budget(settings) <= threads - threads // 4
        assert table["queries"].limit == settings.executors


def test_classes_are_chosen_before_the_body_is_read():
    assert classify({"PATH_INFO": "/healthz"}) == ()
    assert classify({"PATH_INFO": "/sparql", "QUERY_STRING": "query=x"}) == ("lookups",)
    assert classify({"PATH_INFO": "/sparql", "REQUEST_METHOD": "POST", "CONTENT_LENGTH": "9"}) \
        == ("lookups", "uploads")
    assert classify({"PATH_INFO": "/shacl", "REQUEST_METHOD": "POST",
                     "HTTP_TRANSFER_ENCODING": "chunked"}) == ("shacl", "uploads")
    assert classify({"PATH_INFO": "/dumps/kg.nt"}) == ("dumps",)
    assert classify({"PATH_INFO": "/dumps/"}) == ("pages",)
    assert classify({"PATH_INFO": "/entity/x"}) == ("pages",)


def test_a_full_class_refuses_at_once_and_names_itself():
    admission = Admission.from_settings(Settings(threads=4))  # shacl: 1, long work: 3
    held = admission.enter(["shacl", "uploads"])
    with pytest.raises(Busy, match="`shacl`"):
        admission.enter(["shacl"])
    admission.enter(["queries"])
    with pytest.raises(Busy, match="`long`"):  # 3 long places taken: uploads, shacl, queries
        admission.enter(["dumps"])
    admission.leave(held)
    assert admission.enter(["dumps"]) == ("dumps",)
    assert admission.in_use() == {"lookups": 0, "pages": 0, "queries": 1, "shacl": 0,
                                  "dumps": 1, "uploads": 0, "long": 2}


def test_busy_executors_answer_503_at_once_while_lookups_and_health_go_on(tmp_path, launch):
    server = _serve(tmp_path, launch)
    first: dict = {}
    heavy = threading.Thread(target=lambda: first.update(r=fetch(query_url(server.url, HEAVY))))
    heavy.start()
    time.sleep(1.0)  # the only executor is now running the heavy query
    started = time.monotonic()
    second = fetch(query_url(server.url, HEAVY + " # another"))
    refused_after = time.monotonic() - started
    assert second.status == 503
    assert second.header("Retry-After") == "1"
    assert "`queries`" in second.text and "busy" in second.text
    assert refused_after < 2.0, "refused at once, not after waiting for the executor"
    for _ in range(5):
        assert fetch(query_url(server.url, LOOKUP)).status == 200
        assert fetch(server.url + "healthz").status == 200
    assert heavy.is_alive(), "the heavy query should still be running"
    heavy.join(30)
    assert first["r"].status == 503 and "time limit" in first["r"].text


def _half_requests(port: int, count: int, data: bytes) -> list[socket.socket]:
    held = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(data)
        held.append(sock)
    return held


def _health_checks(url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.monotonic()
        assert fetch(url + "healthz", timeout=5).status == 200
        times.append(time.monotonic() - started)
    return times


def test_half_sent_request_lines_and_slow_uploads_hold_no_thread_health_needs(tmp_path, launch):
    server = _serve(tmp_path, launch)
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    slow_lines = _half_requests(port, 16, b"GET /sparql?query=ASK%7B%7D HT")
    upload = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
              b"Content-Length: 100000\r\n\r\nASK {")
    slow_uploads = _half_requests(port, 16, upload)
    try:
        time.sleep(0.5)
        assert max(_health_checks(server.url, 20)) < 2.0  # none waits for a held thread
        reply = fetch(query_url(server.url, LOOKUP))
        assert reply.status == 200 and json.loads(reply.body)["results"]["bindings"]
        # the 2 upload places are held by trickling bodies: one more is refused by name
        refused = fetch(server.url + "sparql", "POST", {"Content-Type": "application/sparql-query"},
                        "ASK {}")
        assert refused.status == 503 and "`uploads`" in refused.text
    finally:
        for sock in slow_lines + slow_uploads:
            sock.close()
    time.sleep(0.5)  # the uploads end with their connections; their places come back
    assert fetch(server.url + "sparql", "POST", {"Content-Type": "application/sparql-query"},
                 "ASK {}").status == 200


def test_attackers_leave_every_lookup_answered(tmp_path, launch):
    """A few clients sending heavy queries and slow uploads in a loop; every lookup is answered
    (a timing-free check: the figures are in bench/reliability.py)."""
    server = _serve(tmp_path, launch)
    stop = threading.Event()
    statuses: list[int] = []

    def attacker(n: int) -> None:
        while not stop.is_set():
            statuses.append(fetch(query_url(server.url, f"{HEAVY} # {n}"), timeout=30).status)

    attackers = [threading.Thread(target=attacker, args=(n,)) for n in range(4)]
    for thread in attackers:
        thread.start()
    try:
        time.sleep(1.0)
        for _ in range(30):
            reply = fetch(query_url(server.url, LOOKUP), timeout=5)
            assert reply.status == 200
    finally:
        stop.set()
        for thread in attackers:
            thread.join(30)
    assert set(statuses) <= {503}, statuses  # time limit or busy, never anything else
    assert statuses


def _executor_limits(pid: int) -> list[int]:
    """The address-space cap (bytes) of each query executor under ``pid``."""
    caps = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
            if b"server.engine.worker" not in cmd:
                continue
            status = (proc / "status").read_text()
        except OSError:
            continue
        parent = int(next(line.split()[1] for line in status.splitlines()
                          if line.startswith("PPid:")))
        ancestors = {parent}
        while parent > 1:
            try:
                parent = int(next(line.split()[1] for line in
                                  (Path("/proc") / str(parent) / "status").read_text().splitlines()
                                  if line.startswith("PPid:")))
            except OSError:
                break
            ancestors.add(parent)
        if pid in ancestors:
            for line in (proc / "limits").read_text().splitlines():
                if line.startswith("Max address space"):
                    soft = line.split()[3]  # "unlimited" until a booting executor sets it
                    caps.append(int(soft) if soft.isdigit() else -1)
    return caps


def test_the_memory_budget_is_split_over_every_executor_and_validation(tmp_path, launch):
    from server.budget import apply, split

    settings = Settings(threads=8, max_memory_mb=14_400)  # 2 executors + 2 validations a worker
    assert split(settings, 3).processes == 3 * (2 + 2)
    shared = apply(settings, 3)
    assert shared.query_memory_mb == 1200
    assert shared.shacl_max_memory == 1200 << 20
    assert apply(settings.replace(max_memory_mb=100_000), 3).query_memory_mb == 4096  # its own cap
    with pytest.raises(ValueError, match="KG_MAX_MEMORY=14400 MiB over 24 processes"):
        apply(settings, 6)
    # a real server: 1 worker x (1 executor + 1 validation) share 1536 MiB, under the 4096 default
    server = _serve(tmp_path, launch, {"KG_MAX_MEMORY": "3072"})
    deadline = time.monotonic() + 30
    while (caps := _executor_limits(server.proc.pid)) != [1536 << 20] and time.monotonic() < deadline:
        time.sleep(0.5)  # an executor sets its cap as it starts
    assert caps == [1536 << 20]


def test_a_query_past_its_share_is_stopped_without_guessing_why(tmp_path, launch):
    # 1 worker x (1 executor + 1 validation): 1100 MiB each
    server = _serve(tmp_path, launch, {"KG_MAX_MEMORY": "2200", "KG_QUERY_TIMEOUT": "30"})
    name = "v" * 100_000  # 250 KB of query; every one of 10,000 result rows repeats the name
    text = f"SELECT ?{name} WHERE {{ VALUES ?{name} {{ {' '.join(map(str, range(10_000)))} }} }}"
    reply = fetch(server.url + "sparql", "POST", {"Content-Type": "application/sparql-query",
                                                  "Accept": "application/sparql-results+json"},
                  text, timeout=60)
    assert reply.status == 503, reply.text
    assert "probably" not in reply.text and "memory" in reply.text
    assert fetch(query_url(server.url, LOOKUP)).status == 200


def test_a_budget_too_small_stops_the_start_with_the_formula(tmp_path):
    env = dict(os.environ, KG_DIST=str(tmp_path / "dist"), KG_MAX_MEMORY="2000")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--port", str(free_port()), "--workers", "2"],
        env=env, capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT,
    )
    assert done.returncode != 0
    assert "2 workers x (2 executors + 2 validations)" in done.stderr
    assert "under the 1024 MiB" in done.stderr
