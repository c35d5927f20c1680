"""Cross-origin access and compression: the HTTP manners every route shares."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress
from flask_cors import CORS

from kg.formats import ALL

#: Headers a browser script may read on cross-origin responses.
EXPOSED_HEADERS = [
    "X-KG-Row-Limit", "X-KG-Truncated", "X-KG-Rows", "X-KG-Query-Timeout", "X-KG-Cache", "ETag",
    "Last-Modified", "Content-Disposition", "Content-Range", "Accept-Ranges", "Retry-After",
    "Location", "Vary",
]
#: Everything is readable cross-origin except the write endpoints; a preflight is told the
#: methods the path really takes, never PUT, PATCH or DELETE.
CORS_POST_PATHS = r"^/(sparql|shacl)$"
CORS_PATHS = r"^/(?!update$|data$|sparql$|shacl$).*"
READ_METHODS = ["GET", "HEAD", "OPTIONS"]
#: Text worth compressing (flask-compress skips small bodies and streamed files): every format
#: we write, and the JSON and plain-text answers.
COMPRESSED_TYPES = [*(f.media_type for f in ALL), "application/json", "text/plain"]


def init_app(app: Flask) -> None:
    app.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES, COMPRESS_STREAMS=False, COMPRESS_MIN_SIZE=1024
    )
    shared = {"origins": "*", "send_wildcard": True, "expose_headers": EXPOSED_HEADERS}
    CORS(app, resources={
        CORS_POST_PATHS: {**shared, "methods": [*READ_METHODS, "POST"]},
        CORS_PATHS: {**shared, "methods": READ_METHODS},
    })
    Compress(app)
