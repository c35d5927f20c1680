"""The one way every view answers with an HTTP problem: short plain text, as Fuseki and
Oxigraph answer, readable by people and scripts; plus the app-wide error handlers."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import MethodNotAllowed, RequestEntityTooLarge

from server import metrics
from server.state import NoPublication


class ProtocolError(ValueError):
    """A request the protocol does not allow; carries the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def problem(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain-text error, as Fuseki and Oxigraph answer: readable by people and scripts."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    """Answers for what Flask or the store raise outside any one view."""

    @app.errorhandler(NoPublication)
    def _no_publication(exc: NoPublication) -> Response:
        return problem(503, f"service unavailable: {exc}", {"Retry-After": "30"})

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Response:
        metrics.count_error("too_large")
        allowed = request.max_content_length or app.config["KG_LIMITS"].max_request_bytes
        if request.content_length is not None and request.content_length <= allowed:
            # the body fits; Werkzeug's form parser refused one of its own limits
            return problem(413, f"the form is too large to read: a field without a file name over "
                           f"{request.max_form_memory_size} bytes or more than "
                           f"{request.max_form_parts} parts; send documents as file parts")
        return problem(413, f"the request body is larger than the {allowed} bytes allowed here")

    @app.errorhandler(MethodNotAllowed)
    def _method_not_allowed(exc: MethodNotAllowed) -> Response:
        allowed = sorted(exc.valid_methods or [])
        return problem(
            405, f"{exc.description} Allowed: {', '.join(allowed)}.",
            {"Allow": ", ".join(allowed)},
        )
