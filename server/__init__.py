"""The Flask application: SPARQL endpoint, dumps, linked-data pages and service metadata.

One blueprint per concern, created by an application factory (Flask's own pattern), so tests
and gunicorn workers each get a fresh app configured from ``kg.config.Settings``.
"""

from __future__ import annotations

from flask import Flask

from kg.config import Settings
from server.store import StoreHolder


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["KG_SETTINGS"] = settings
    app.extensions["kg_store"] = StoreHolder(settings.dist_dir)

    from server import dumps, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(dumps.bp)
    return app
