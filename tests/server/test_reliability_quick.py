"""The quick parts of ``bench/reliability.py``, run against a real `kg serve` over known data:
a short fuzz (every endpoint, every way of sending) answers no 5xx without its reason and
leaves the server answering; attackers of every kind leave every lookup answered.
The long runs and their figures are in ``bench/results-reliability.md``.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import threading
import time
from collections import Counter
from types import ModuleType

import pytest

from kg.settings import PROJECT_ROOT
from tests.server.conftest import EX, SAMPLE_TRIG, fetch, free_port, make_publication, query_url


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """``bench/reliability.py`` as a module (bench/ is not a package)."""
    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("reliability", PROJECT_ROOT / "bench" / "reliability.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reliability"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _server(tmp_path, launch, bench):
    port = free_port()
    make_publication(tmp_path / "dist", f"http://127.0.0.1:{port}/", SAMPLE_TRIG)
    server = launch(tmp_path / "dist", port, workers=1,
                    env={"KG_THREADS": "4", "KG_QUERY_TIMEOUT": "2", "KG_ACCESS_LOG": "off"})
    bench.PORT = port
    return server


def test_a_short_fuzz_gets_no_unexplained_5xx(tmp_path, launch, bench):
    server = _server(tmp_path, launch, bench)
    rng = random.Random(2026)
    paths = ["/graph/one", "/graph/two", "/nothing/here"]
    cases = [bench.fuzz_case(rng, paths) for _ in range(300)]
    outcome = bench.send_all(cases, clients=3)
    assert outcome.unexplained == []
    assert sum(outcome.statuses.values()) + len(outcome.dropped) == 300
    assert sum(outcome.statuses.values()) >= 290, outcome.dropped
    assert len({status // 100 for status in outcome.statuses}) >= 3  # the cases do vary
    assert fetch(server.url + "healthz").status == 200


def test_attackers_of_every_kind_leave_every_lookup_answered(tmp_path, launch, bench):
    """Heavy queries, 1 MiB bodies and slow uploads in a loop, two of each: every lookup gets
    its 200 (how fast is measured in bench/reliability.py, not here)."""
    server = _server(tmp_path, launch, bench)
    stop, lock, tally = threading.Event(), threading.Lock(), Counter[str]()
    attackers = [threading.Thread(target=bench._attacker, args=(kind, stop, tally, lock))
                 for kind in ("heavy", "huge", "slow") * 2]
    for thread in attackers:
        thread.start()
    try:
        time.sleep(1.5)
        for n in range(40):
            reply = fetch(query_url(server.url, f'SELECT ?n WHERE {{ <{EX}alice> <{EX}name> ?n }} # {n}'),
                          timeout=10)
            assert reply.status == 200
        assert fetch(server.url + "healthz", timeout=10).status == 200
    finally:
        stop.set()
        for thread in attackers:
            thread.join(60)
    assert tally, "the attackers ran"
    assert not any(key.split()[1][0] == "5" and key.split()[1] != "503" for key in tally), tally
