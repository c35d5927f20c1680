"""`kg serve`: the Flask app under gunicorn (several workers), or Flask's dev server with --debug."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from kg.config import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def run(settings: Settings, host: str, port: int, workers: int, debug: bool = False) -> None:
    from server import create_app

    app = create_app(settings)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    _Gunicorn(app, {"bind": f"{host}:{port}", "workers": workers, "timeout": 120}).run()
