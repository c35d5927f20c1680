"""Query executors: a query's time limit is the query's, not its executor's start-up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from server.engine.executors import ExecutorPool, QueryTimeout
from server.engine.jobs import QueryJob
from tests.server.test_sandbox import EX, _store


def _job(store: str, query: str, budget: float) -> QueryJob:
    return QueryJob(store=store, query=query, base_iri=None, prefixes={},
                    default_graphs=None, named_graphs=None, bindings_format="json",
                    graph_format=None, max_rows=100, budget=budget)


@pytest.fixture
def store(tmp_path: Path) -> str:
    return _store(tmp_path)


def test_a_new_executors_start_up_does_not_count_against_the_query(store, tmp_path, monkeypatch):
    """A fresh pool's first query used to wait for its executor to start inside its own time
    limit: on a loaded machine a 3 s limit ran out before the query began. Here the start is
    made slow for real: the executor's interpreter imports a ``sitecustomize`` that sleeps."""
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text("import time\ntime.sleep(2.0)\n")
    monkeypatch.setenv("PYTHONPATH", str(slow))  # the executor's environment is built from ours
    pool = ExecutorPool(1)
    try:
        started = time.monotonic()
        limit = 1.0  # half the start-up
        reply = pool.run(_job(store, f"ASK {{ <{EX}a> ?p ?o }}", limit), limit)
        assert reply.ok and b"true" in reply.body
        assert time.monotonic() - started > 2.0  # it did wait for the slow start
    finally:
        pool.close()


def test_the_limit_still_stops_a_long_query_once_it_runs(store):
    pool = ExecutorPool(1)
    try:
        pool.run(_job(store, "ASK {}", 10.0), 10.0)  # started and warm
        heavy = ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { " + " ".join(map(str, range(400)))
                 + " } VALUES ?b { " + " ".join(map(str, range(400))) + " } VALUES ?c { "
                 + " ".join(map(str, range(400))) + " } }")
        with pytest.raises(QueryTimeout, match="0.5 s time limit"):
            pool.run(_job(store, heavy, 0.5), 0.5)
    finally:
        pool.close()
