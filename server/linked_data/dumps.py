"""Downloads of the release's dump files at ``/dumps/<name>`` and a listing at ``/dumps/``.

Files are streamed by Werkzeug's ``send_file`` with ``conditional=True``, which implements
ETag / Last-Modified validation (304), byte ranges (206, 416) and HEAD as RFC 9110 has them.
Its 416 would be an HTML page; like every other error here it is a plain-text ``problem``, with
the ``Content-Range: bytes */<size>`` RFC 9110 (15.5.17) asks of a 416.
The ETag is the file's SHA-256 from the release manifest, so every worker and every replica
gives the same one. ``/dumps/kg.ttl`` asked for with ``Accept-Encoding: gzip`` is sent as the
pre-compressed copy with ``Content-Encoding: gzip`` (and that copy's own ETag; ranges count
its bytes), so clients that dereference a dump URL, as Comunica does, get it compressed and
read it as Turtle. ``/dumps/kg.ttl.gz`` stays a download (``application/gzip``): the
byte-identical file the manifest lists.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template_string,
    request,
    send_file,
)
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header

from kg.release.publication import DUMP_FORMATS, Publication
from server.errors import problem

bp = Blueprint("dumps", __name__)

GZIP = "application/gzip"
#: Cache freely but revalidate (cheap, with the ETag): /dumps/kg.ttl changes with each release.
CACHE_CONTROL = "public, no-cache"

LISTING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>newskg dumps</title></head>
<body><h1>Dumps of release {{ release }}</h1>
<table><thead><tr><th>File</th><th>Media type</th><th>Bytes</th><th>SHA-256</th></tr></thead>
<tbody>{% for f in files %}<tr><td><a href="{{ f.url }}">{{ f.name }}</a></td>
<td>{{ f.media_type }}</td><td>{{ f.bytes }}</td><td><code>{{ f.sha256 }}</code></td></tr>
{% endfor %}</tbody></table></body></html>
"""


def _names() -> list[str]:
    return [n for name in DUMP_FORMATS for n in (name, f"{name}.gz")]


def _media_type(name: str) -> str:
    return GZIP if name.endswith(".gz") else DUMP_FORMATS[name].media_type


def _download_name(publication: Publication, name: str) -> str:
    """``newskg-<release>.ttl.gz``: says what it is and which release it came from."""
    return f"newskg-{publication.release_id}.{name.removeprefix('kg.')}"


@bp.route("/dumps/")
def listing() -> Response:
    publication = current_app.extensions["kg_store"].publication()
    recorded = publication.manifest.get("files", {})
    files = [
        {
            "name": name,
            "url": f"{request.script_root}/dumps/{name}",
            "media_type": _media_type(name),
            "bytes": recorded.get(name, {}).get("bytes"),
            "sha256": recorded.get(name, {}).get("sha256"),
        }
        for name in _names()
    ]
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if request.accept_mimetypes.provided and best == "text/html":
        html = render_template_string(LISTING, release=publication.release_id, files=files)
        response = Response(html, mimetype="text/html")
    else:
        response = jsonify(release=publication.release_id, files=files)
    response.vary.add("Accept")
    return response


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    if name not in _names():
        return problem(404, f"no dump named {name!r}; available: {', '.join(_names())}")
    publication = current_app.extensions["kg_store"].publication()
    try:
        path = publication.file(name)
    except FileNotFoundError:
        return problem(404, f"release {publication.release_id} has no {name}")
    media = _media_type(name)
    encoded = not name.endswith(".gz") and request.accept_encodings["gzip"] > 0
    if encoded:
        try:
            path = publication.file(f"{name}.gz")
        except FileNotFoundError:
            encoded = False
    digest = publication.manifest.get("files", {}).get(f"{name}.gz" if encoded else name, {}).get(
        "sha256")
    try:
        response = send_file(
            path,
            mimetype=media,  # Werkzeug adds "; charset=utf-8" to text/* types itself
            as_attachment=name.endswith(".gz"),
            download_name=_download_name(publication, name),
            conditional=True,
            etag=digest or True,
            max_age=None,
        )
    except RequestedRangeNotSatisfiable as exc:
        size = exc.length if exc.length is not None else path.stat().st_size
        return _unsatisfiable(name, request.headers.get("Range", ""), size)
    response.headers["Cache-Control"] = CACHE_CONTROL
    if not name.endswith(".gz"):
        response.vary.add("Accept-Encoding")
        if encoded:
            response.headers["Content-Encoding"] = "gzip"
    return response


def _unsatisfiable(name: str, header: str, size: int) -> Response:
    """416 saying why the Range cannot be served and how long the file is, so the client can
    ask again (Werkzeug refuses a range past the end, several ranges, and an unparsable one)."""
    shown = repr(header if len(header) <= 60 else header[:57] + "...")  # the client's own text
    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes":
        why = f"the Range header {shown} is not a byte range this server understands"
    elif len(parsed.ranges) > 1:
        why = f"{name} is served one byte range per request, and {shown} asks for {len(parsed.ranges)}"
    else:
        why = f"the range {shown} is not within {name}"
    return problem(
        416, f"{why}; {name} is {size} bytes long (bytes 0-{size - 1})",
        {"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
    )
