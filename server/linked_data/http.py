"""What every linked-data blueprint answers the same way: security headers, the 503 page before
the first build, 400 pages, RDF responses and page navigation.

The resource, home, documentation and SHACL blueprints are separate so that each stays small;
this module keeps them from each growing its own copy of these answers.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template

from kg.formats import Format
from server.state import NoPublication

#: Pages load only what this server serves: no CDN, font host or tracker can be reached.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; script-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def secure_headers(response: Response) -> Response:
    """after_request hook of our blueprints: CSP on pages, no MIME sniffing anywhere."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def no_publication_response(exc: NoPublication) -> tuple[str, int, dict[str, str]]:
    """503 with a reason, as a page: a server without a build must never crash."""
    body = render_template(
        "error.html", status=503, title="No publication yet", message=str(exc)
    )
    return body, 503, {"Retry-After": "30"}


def add_page_hooks(bp: Blueprint) -> None:
    """Give a linked-data blueprint the 503 page before the first build and the page headers."""
    bp.register_error_handler(NoPublication, no_publication_response)
    bp.after_request(secure_headers)


def bad_request(message: str) -> Response:
    """A 400 page saying what was wrong with the request."""
    body = render_template("error.html", status=400, title="Bad request", message=message)
    return Response(body, 400, mimetype="text/html")


def rdf_response(body: bytes, rep: Format, headers: dict[str, str] | None = None) -> Response:
    """200 with a document in ``rep``'s media type; text types name their charset."""
    response = Response(body, 200, headers, mimetype=rep.media_type)
    if rep.media_type.startswith("text/"):
        response.headers["Content-Type"] = f"{rep.media_type}; charset=utf-8"
    return response


def pager(total: int, page_no: int, per_page: int, name: str = "page", anchor: str = "",
          **params: str) -> dict:
    """Page ``page_no`` of ``total`` items: links to the neighbouring pages, keeping ``params``
    (the page number goes in parameter ``name``; ``anchor``: the part of the page they show)."""
    pages = max(1, -(-total // per_page))
    fragment = f"#{anchor}" if anchor else ""

    def url(n: int) -> str:
        return "?" + urlencode({**{k: v for k, v in params.items() if v}, name: n}) + fragment

    return {
        "page": page_no, "pages": pages, "total": total,
        "prev": url(page_no - 1) if page_no > 1 else None,
        "next": url(page_no + 1) if page_no < pages else None,
    }
