"""Linked data: every minted URI dereferences (303 to a page or a data document), with pages,
indexes, the home page, ontology and shapes documentation, the SHACL validation service and
the dumps. Views read the store through ``query`` and render through ``terms``/``labels``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from server.linked_data import crawl, docs, dumps, home, resources, shacl

    for blueprint in (dumps.bp, resources.bp, home.bp, docs.bp, shacl.bp, crawl.bp):
        app.register_blueprint(blueprint)
