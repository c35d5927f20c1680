"""`kg serve --server granian`: the same Flask app under Granian, a Rust HTTP server.

Granian parses HTTP and manages connections in Rust and calls the WSGI app from a few Python
threads per worker process, so the per-request cost outside our code is a fraction of
gunicorn's (see ``bench/README.md``). What gunicorn's hooks do in ``kg.serve`` is done here
as follows:

- *post_worker_init* (start the query executors before the first query): the worker's app
  loader (``_worker_app``), which runs in each worker process once it exists;
- *child_exit* (``multiprocess.mark_process_dead``): nothing to do, the app defines no live
  gauges, which is all that call cleans up; counters of past workers stay summed, as under
  gunicorn;
- a worker that dies is started again (``respawn_failed_workers``), as gunicorn's arbiter does;
- on shutdown a worker exits and its executors, which read jobs from a socket to it, see the
  socket close and exit too;
- Granian configures logging in each worker with ``dictConfig``, which re-enables every
  existing logger, ``kg.access`` included when ``KG_ACCESS_LOG=off`` disabled it; the loader
  puts back what the master had.

Granian has no per-worker heartbeat like gunicorn's ``timeout``; queries have their own limit.
"""

from __future__ import annotations

import logging
import multiprocessing
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from kg.settings import Settings

#: A client has this long to send a request's headers (Granian's default is 30 s). Headers are
#: read by Granian's Rust side, so a slow sender (slowloris) never holds a Python thread; this
#: bounds how long it holds a connection slot (``backpressure``). Bodies are read by the app's
#: threads, which ``server.admission`` bounds (class ``uploads``).
HEADER_READ_TIMEOUT_MS = 10_000

#: The app built by the master before the workers are forked (None in a spawned worker).
_APP: Flask | None = None


def _disabled_loggers() -> dict[str, bool]:
    return {
        name: logger.disabled for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }


def _worker_app(settings: Settings, disabled: dict[str, bool]):
    """Called by Granian in each worker process: the app, with its executors started."""
    app = _APP
    if app is None:  # the worker was spawned, not forked: build it here
        from server import create_app

        app = create_app(settings)
        disabled = _disabled_loggers()
    for name, off in disabled.items():  # undo Granian's dictConfig (see the module's doc)
        logging.getLogger(name).disabled = off
    app.extensions["kg_executors"].warm()  # a fresh pool for this process (see ExecutorPool)
    return app


def run(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped (SIGINT/SIGTERM): ``workers`` processes x ``threads`` threads."""
    global _APP
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    from server import create_app

    # Built here so a configuration error stops the start, and forked workers share the imports.
    _APP = create_app(settings)
    disabled = _disabled_loggers()  # before Server(): it runs dictConfig here too
    server = Server(
        "kg:app",  # a label only: the app comes from the loader below
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,  # Python threads per worker calling the app
        # backpressure stays at its default (backlog / workers): it caps *connections* per
        # worker, and idle keep-alive connections would otherwise lock clients out.
        http1_settings=HTTP1Settings(keep_alive=True, header_read_timeout=HEADER_READ_TIMEOUT_MS),
        websockets=False,
        log_access=False,  # the app writes JSON access lines itself (server.ops)
        respawn_failed_workers=True,
        workers_kill_timeout=10,  # like gunicorn's graceful_timeout
        process_name=None,
    )
    if multiprocessing.get_start_method() != "fork":
        _APP = None  # a spawned worker cannot inherit it
    server.serve(
        target_loader=partial(_worker_app, settings, disabled), wrap_loader=False
    )
