"""The change feed (``/feed.atom``) and every kept release by version (``/releases/<id>/``).

A mirror reads the Atom feed (RFC 4287), one entry per release the server still keeps (the
newest ``kg.release.publish.KEEP_RELEASES``), newest first. Each entry says how many quads the
release added and removed since the one before, and links, under URLs that never change:
its patches (``changes.added.nq``, ``changes.removed.nq``: N-Quads lines to add to and drop
from the previous ``kg.nq``), its dumps, its VoID and the release it revises
(``predecessor-version``, RFC 5829). A mirror one release behind downloads the two patches; one
further behind than the releases kept downloads a dump, which the feed links as well.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Flask, Response, jsonify, render_template, request, send_file

from kg.release.publication import (
    ADDED_FILE,
    DUMP_FORMATS,
    MANIFEST_FILE,
    REMOVED_FILE,
    VOID_FILE,
    Publication,
    release_url,
    releases_dir,
)
from server.errors import problem
from server.linked_data.release import settings

bp = Blueprint("feed", __name__)

ATOM = "application/atom+xml"
#: What a release folder is called (``kg.release.publish``): a UTC stamp and a content hash.
RELEASE_ID = re.compile(r"^\d{8}T\d{6}\d*Z-[0-9a-f]{12}$")
MEDIA_TYPES = {
    **{name: fmt.media_type for name, fmt in DUMP_FORMATS.items()},
    ADDED_FILE: "application/n-quads", REMOVED_FILE: "application/n-quads",
    VOID_FILE: "text/turtle",
}


def kept_releases() -> list[Publication]:
    """The finished releases still on disk, newest first (their ids start with a UTC stamp)."""
    folder = releases_dir(settings().dist_dir)
    if not folder.is_dir():
        return []
    found = [Publication(p) for p in folder.iterdir()
             if RELEASE_ID.match(p.name) and (p / MANIFEST_FILE).is_file()]
    return sorted(found, key=lambda p: p.release_id, reverse=True)


def _release(release_id: str) -> Publication | None:
    if not RELEASE_ID.match(release_id):
        return None
    root = releases_dir(settings().dist_dir) / release_id
    return Publication(root) if (root / MANIFEST_FILE).is_file() else None


def _link(rel: str, href: str, media: str | None = None, title: str | None = None,
          length: int | None = None) -> str:
    attrs = f"rel={quoteattr(rel)} href={quoteattr(href)}"
    if media:
        attrs += f" type={quoteattr(media)}"
    if title:
        attrs += f" title={quoteattr(title)}"
    if length is not None:
        attrs += f' length="{length}"'
    return f"<link {attrs}/>"


def _entry(publication: Publication, base: str) -> str:
    manifest = publication.manifest
    url = release_url(base, publication.release_id)
    files = manifest.get("files", {})
    change = manifest.get("changes", {})
    previous = change.get("previous")
    links = [_link("alternate", url, "application/json", "the release and its files")]
    if previous:
        summary = (f"{change['added']} quads added and {change['removed']} removed since "
                   f"release {previous}.")
        links.append(_link("predecessor-version", release_url(base, previous)))
        for name, what in ((ADDED_FILE, "quads added"), (REMOVED_FILE, "quads removed")):
            links.append(_link("related", url + name, "application/n-quads", what,
                               files.get(name, {}).get("bytes")))
    else:
        summary = "The first release this server kept a record of: download a dump."
    links.append(_link("describedby", url + VOID_FILE, "text/turtle", "VoID"))
    for name, fmt in DUMP_FORMATS.items():
        links.append(_link("enclosure", url + name, fmt.media_type, f"{fmt.label} dump",
                           files.get(name, {}).get("bytes")))
    return (
        f"<entry><id>{escape(url)}</id><title>Release {escape(publication.release_id)}</title>"
        f"<updated>{escape(manifest.get('created', ''))}</updated>"
        f"<summary>{escape(summary)} {manifest.get('triples', 0)} distinct triples, "
        f"{manifest.get('dataset_quads', 0)} quads.</summary>{''.join(links)}</entry>"
    )


@bp.route("/feed.atom")
def feed() -> Response:
    base = settings().base_uri
    releases = kept_releases()
    updated = releases[0].manifest.get("created", "") if releases else "1970-01-01T00:00:00Z"
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base)}feed.atom</id><title>newskg releases and their changes</title>"
        f"<updated>{escape(updated)}</updated><author><name>newskg</name></author>"
        f"{_link('self', base + 'feed.atom', ATOM)}{_link('related', base + 'dataset')}"
        + "".join(_entry(p, base) for p in releases) + "</feed>\n"
    )
    return Response(body, mimetype=ATOM)


@bp.route("/releases/")
def releases() -> Response:
    """The kept releases: JSON for programs (the default), a page for a browser asking for
    HTML, with each release's changes and files."""
    base = settings().base_uri
    kept = kept_releases()
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        rows = [{"id": p.release_id, "url": release_url(base, p.release_id),
                 "created": p.manifest.get("created"), "changes": p.manifest.get("changes", {}),
                 "triples": p.manifest.get("triples"),
                 "files": sorted(p.manifest.get("files", {}).items())} for p in kept]
        return Response(render_template("releases.html", releases=rows), mimetype="text/html")
    return jsonify(releases=[{"release": p.release_id, "url": release_url(base, p.release_id),
                              "created": p.manifest.get("created")} for p in kept])


@bp.route("/releases/<release_id>/")
def release(release_id: str) -> Response:
    publication = _release(release_id)
    if publication is None:
        return _gone(release_id)
    base = settings().base_uri
    url = release_url(base, release_id)
    manifest = publication.manifest
    files = [{"name": name, "url": url + name, **info}
             for name, info in sorted(manifest.get("files", {}).items())]
    return jsonify(release=release_id, created=manifest.get("created"),
                   changes=manifest.get("changes", {"previous": None}),
                   triples=manifest.get("triples"), dataset_quads=manifest.get("dataset_quads"),
                   files=files)


@bp.route("/releases/<release_id>/<name>")
def release_file(release_id: str, name: str) -> Response:
    """One file of a kept release; releases never change, so the answer may be cached for good."""
    publication = _release(release_id)
    if publication is None:
        return _gone(release_id)
    recorded = publication.manifest.get("files", {})
    if name not in recorded:
        return problem(404, f"release {release_id} has no file {name!r}; it has "
                            + ", ".join(sorted(recorded)))
    path: Path = publication.file(name)
    media = "application/gzip" if name.endswith(".gz") else MEDIA_TYPES.get(name, "text/turtle")
    response = send_file(path, mimetype=media, conditional=True,
                         etag=recorded[name].get("sha256") or True, max_age=None,
                         as_attachment=name.endswith(".gz"),
                         download_name=f"newskg-{release_id}.{name.removeprefix('kg.')}")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _gone(release_id: str) -> Response:
    kept = ", ".join(p.release_id for p in kept_releases()) or "none"
    return problem(404, f"no release {release_id!r} is kept here (releases kept: {kept}); "
                        "a mirror further behind downloads a dump of the newest one")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
