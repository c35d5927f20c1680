"""`kg serve`: the Flask app under Granian or gunicorn (several workers), or Flask's dev server
with --debug.

Either server runs worker processes with a few request threads each and as many query
executors (``server.engine.executors``), and keeps connections alive between requests, which
SPARQL clients sending many small queries benefit from. Granian, a Rust HTTP server
(``server.serving``), is the default: gunicorn's per-request cost caps any Flask endpoint below
what Granian reaches (``bench/README.md``); ``--server gunicorn`` (or ``KG_SERVER=gunicorn``)
runs gunicorn's ``gthread`` workers instead. The metrics of all workers are added up through
prometheus-client's multiprocess mode, whose folder is prepared here before the app (and so
``prometheus_client``) is imported.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from kg.settings import SERVERS, Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics_dir() -> tuple[Path, bool]:
    """An empty folder for the workers' metric files; (folder, whether we made it).

    A folder given in the environment is emptied (prometheus-client needs that between runs);
    otherwise a temporary one is made and removed when the server stops.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        return folder, False
    folder = Path(tempfile.mkdtemp(prefix="kg-metrics-"))
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder, True


def _post_worker_init(worker) -> None:
    """Start the query executors as soon as a worker exists, not on its first query."""
    worker.wsgi.extensions["kg_executors"].warm()


def _child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def run(
    settings: Settings, host: str, port: int, workers: int, debug: bool = False,
    threads: int | None = None, server: str | None = None,
) -> None:
    if server is not None and server.strip().lower() not in SERVERS:
        raise ValueError(f"unknown server {server!r}: choose one of {', '.join(SERVERS)}")
    # the flags win over KG_SERVER / KG_THREADS; the app sizes its executor pool on threads
    settings = settings.replace(server=(server or settings.server).strip().lower(),
                                threads=threads or settings.threads)
    name, threads = settings.server, settings.threads
    if debug:
        from server import create_app

        create_app(settings).run(host=host, port=port, debug=True)
        return
    if settings.admin_token and workers != 1:
        # The admin working copy is owned by one process; threads still serve concurrently.
        print(f"kg serve: KG_ADMIN_TOKEN is set, so 1 worker instead of {workers}", file=sys.stderr)
        workers = 1
    folder, made = prepare_metrics_dir()
    try:
        from server import budget  # after the metrics folder is set: prometheus reads it

        # every executor and validation gets its share of KG_MAX_MEMORY (server.budget)
        settings = budget.apply(settings, workers)
        if name == "granian":
            from server import serving  # imports the app after the metrics folder is set

            serving.run(settings, host, port, workers, threads)
        else:
            _run_gunicorn(settings, host, port, workers, threads)
    finally:
        if made:
            shutil.rmtree(folder, ignore_errors=True)


def _run_gunicorn(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from server import create_app  # after the metrics folder is set: prometheus reads it

    class _Gunicorn(BaseApplication):
        def __init__(self, app, options: dict) -> None:
            self.application = app
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                if key in self.cfg.settings:  # e.g. the control socket exists from gunicorn 27
                    self.cfg.set(key, value)

        def load(self):
            return self.application

    app = create_app(settings)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": 5,
        "timeout": 120,  # a stuck worker; queries have their own, much shorter, limit
        "graceful_timeout": 10,
        "limit_request_line": 8190,  # long GET queries; longer ones should be POSTed
        "accesslog": None,  # the app writes JSON access lines itself (server.ops)
        "post_worker_init": _post_worker_init,
        "child_exit": _child_exit,
        "control_socket_disable": True,  # several servers may run side by side
    }
    _Gunicorn(app, options).run()
