"""Publishing a release to a remote SPARQL 1.1 store as well, swapped blue/green.

Any server with the SPARQL 1.1 Protocol, Update and the Graph Store Protocol will do (Fuseki,
Virtuoso, ``oxigraph serve`` ...). ``KG_REMOTE_STORE`` names two datasets on it (or on two
servers). A build loads its release into the dataset the serving release does *not* use:
``DROP ALL``, one POST of N-Quads to its Graph Store service, then a count of what arrived.
Only when the count is right does the release record that dataset in its manifest; the swap
of ``dist`` is then the switch, so a failed load never reaches readers and the old release
keeps serving from the other dataset, untouched.

Why the default graph holds every triple: SPARQL 1.1 has no portable way to ask for "the union
of all graphs" as the default graph (Oxigraph, Fuseki and Virtuoso each have their own switch),
while our endpoint lets a query with no dataset see every article. So the dataset sent holds
each named graph as it is, and in its default graph the RDF merge of all graphs, each triple
once (the manifest's ``default_graph_triples``), as the embedded store does. The remote
server must therefore run with its plain default graph (no union option), or the count
check fails and says so.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from kg.release.publication import Publication

Progress = Callable[[str], None]
#: One request (the upload of a large release, the count after it) may take this long.
TIMEOUT = 3600.0
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


class RemoteStoreError(RuntimeError):
    """Loading the remote dataset failed; nothing was published."""


@dataclass(frozen=True)
class RemoteStores:
    """The two datasets (base URLs ending in ``/``) and the names of their services."""

    datasets: tuple[str, ...]
    services: tuple[str, ...] = ("query", "update", "store")

    def endpoints(self, dataset: str) -> dict[str, str]:
        query, update, store = self.services
        return {"dataset": dataset, "query": dataset + query, "update": dataset + update,
                "store": dataset + store}

    def inactive(self, current: Publication | None) -> str:
        """The dataset the serving release does not use (the first one if it uses neither)."""
        serving = current.remote["dataset"] if current is not None and current.remote else None
        return self.datasets[1] if serving == self.datasets[0] else self.datasets[0]


def load(stores: RemoteStores, current: Publication | None, store: ox.Store, work: Path,
         progress: Progress = lambda _msg: None) -> dict:
    """Load ``store`` (the release's embedded store, complete) into the inactive dataset and
    check it; the manifest's record of it. Raises RemoteStoreError naming what failed."""
    dataset = stores.inactive(current)
    where = stores.endpoints(dataset)
    progress(f"loading the remote store {dataset}")
    upload, expected = _dataset_file(store, work)
    try:
        _request("POST", where["update"], b"DROP SILENT ALL",
                 {"Content-Type": "application/sparql-update"})
        with open(upload, "rb") as body:
            _request("POST", where["store"], body,
                     {"Content-Type": "application/n-quads",
                      "Content-Length": str(upload.stat().st_size)})
        found = _count(where["query"])
    except (OSError, http.client.HTTPException, ValueError, KeyError, IndexError) as exc:
        raise RemoteStoreError(_failed(dataset, str(exc))) from None
    if found != expected:
        raise RemoteStoreError(_failed(
            dataset, f"it holds {found} quads after the load, not the {expected} sent (is its "
            "default graph the union of its graphs? it must be a plain default graph)"))
    upload.unlink()
    return {**where, "quads": expected}


def _failed(dataset: str, why: str) -> str:
    return (f"loading the release into the remote store {dataset} failed: {why}; nothing was "
            "published, the current release keeps serving")


def _dataset_file(store: ox.Store, work: Path) -> tuple[Path, int]:
    """What the remote dataset gets, as one N-Quads file: the store as it is, whose default
    graph already holds every triple of every graph once (``kg.release.publish``); with how
    many quads that is. Blank nodes keep their store labels, so one upload keeps them one node."""
    upload = work / "remote.nq"
    ox.serialize(iter(store), output=str(upload), format=ox.RdfFormat.N_QUADS)
    return upload, len(store)


def _request(method: str, url: str, body, headers: dict[str, str]) -> bytes:
    """One HTTP exchange; a status past 299 is an error naming the URL and what it said."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = factory(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        path = parts.path or "/"
        conn.request(method, f"{path}?{parts.query}" if parts.query else path, body, headers)
        response = conn.getresponse()
        data = response.read()
        if response.status >= 300:
            said = data.decode("utf-8", "replace").strip()[:300]
            raise ValueError(f"{method} {url} answered {response.status} {response.reason}: {said}")
        return data
    finally:
        conn.close()


def _count(query_url: str) -> int:
    data = _request("POST", query_url, urlencode({"query": COUNT}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json"})
    rows = json.loads(data)["results"]["bindings"]
    return int(rows[0]["n"]["value"]) if rows else 0
