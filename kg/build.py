"""Temporary stand-in, replaced by the real pipeline orchestration (corpus -> ... -> publish).

Until then it publishes tests/data/mini.trig so the server can be developed against a real
Oxigraph publication. This file is the lead's; helpers must not depend on its internals.
"""

from __future__ import annotations

from rdflib import Dataset, Graph

from kg.config import PROJECT_ROOT, Settings
from kg.publish import publish
from kg.vocab import ONTOLOGY_FILE, load_turtle


def build(settings: Settings) -> None:
    ds = Dataset()
    ds.parse(PROJECT_ROOT / "tests" / "data" / "mini.trig", format="trig", publicID=settings.base_uri)
    publish(
        ds, settings.dist_dir, base_uri=settings.base_uri, void=Graph(), report=Graph(),
        ontology=load_turtle(ONTOLOGY_FILE, settings.base_uri), shapes=Graph(),
    )
