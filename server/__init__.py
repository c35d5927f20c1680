"""The Flask application: SPARQL endpoint, dumps, linked-data pages and service metadata.

An application factory (Flask's own pattern) so that tests and every server worker get a fresh
app built from one ``kg.settings.Settings``. Each part sets itself up in its ``init_app``:

- ``server.state``: the live publication (and an admin working copy), per app;
- ``server.errors``: the plain-text problem answers and app-wide error handlers;
- ``server.ops``: health, metrics and the access log;
- ``server.sparql``: the SPARQL protocol views and the front that answers before Flask;
- ``server.linked_data``: dereferenceable URIs, pages, dumps and documentation;
- ``server.linked_data.fragments``: Triple Pattern Fragments;
- ``server.linked_data.feed``: the change feed and every kept release by version;
- ``server.bodies``: request bodies held to their limit however framed, drained before a refusal.
- ``server.linked_data.search``: full-text search and name completion over the release's index;
- ``server.web``: CORS and compression.
- ``server.admission``: how many requests of each kind of work run at once (outermost).

``server.engine`` runs queries and has no Flask import, so query executor processes do not
pay for the web stack; this module imports Flask only inside the factory for the same reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from kg.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    from flask import Flask

    from kg.settings import Settings
    from server import bodies, errors, linked_data, ops, sparql, state, web
    from server.admission import Admission, AdmissionLayer
    from server.limits import Limits
    from server.linked_data import feed, fragments, search

    settings = settings or Settings.from_env()
    limits = Limits.from_settings(settings)
    app = Flask(__name__)
    app.config["KG_SETTINGS"] = settings
    app.config["KG_LIMITS"] = limits
    app.config["MAX_CONTENT_LENGTH"] = limits.max_request_bytes
    admission = app.extensions["kg_admission"] = Admission.from_settings(settings)
    state.init_app(app)
    errors.init_app(app)
    ops.init_app(app)
    sparql.init_app(app)
    linked_data.init_app(app)
    search.init_app(app)
    fragments.init_app(app)
    feed.init_app(app)
    web.init_app(app)
    bodies.init_app(app)  # chunked bodies held to the limits; unread bodies drained
    sparql.install_front(app)  # answers cached /sparql requests without Flask
    # outermost: a request whose kind of work is at its limit is refused before anything else
    app.wsgi_app = AdmissionLayer(app.wsgi_app, admission)  # type: ignore[method-assign]
    return app
