"""What crawlers look for: ``/robots.txt`` and ``/sitemap.xml``.

The sitemap lists the page of every entity and article, the pages people and search engines
should find. The sitemaps protocol allows 50,000 URLs a file, so ``/sitemap.xml`` is an index
of ``/sitemap/<n>.xml`` pages, each a slice of the store in IRI order; a release of any size is
described without building a list in memory. ``robots.txt`` points at it and keeps crawlers off
the SPARQL endpoint and the SHACL service, whose answers cost CPU and are not pages.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response

from kg.uris import Kind
from server.errors import problem
from server.linked_data.query import select
from server.linked_data.release import current, namer, settings
from server.memo import Memo

bp = Blueprint("crawl", __name__)

URLS_PER_SITEMAP = 50_000  # the sitemaps protocol's limit per file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_counts: Memo[int] = Memo(8)

#: The pages a sitemap lists: entities and articles.
LISTED = "{ ?page a kg:Entity } UNION { ?page a kg:Article }"


@bp.route("/robots.txt")
def robots() -> Response:
    base = settings().base_uri
    text = (
        "User-agent: *\n"
        "Disallow: /sparql\n"
        "Disallow: /shacl\n"
        "Disallow: /update\n"
        "Disallow: /data?\n"
        "Allow: /\n"
        f"Sitemap: {base}sitemap.xml\n"
    )
    return Response(text, mimetype="text/plain")


def _count(publication_id: str, store: ox.Store, base: str) -> int:
    query = f"SELECT (COUNT(DISTINCT ?page) AS ?n) WHERE {{ {LISTED} }}"
    return _counts.get((publication_id, base),
                       lambda: int(next(iter(select(store, query, base)))["n"].value))


@bp.route("/sitemap.xml")
def sitemap_index() -> Response:
    publication, store = current()
    base = settings().base_uri
    pages = max(1, -(-_count(publication.release_id, store, base) // URLS_PER_SITEMAP))
    entries = "".join(f"<sitemap><loc>{escape(base)}sitemap/{n}.xml</loc></sitemap>"
                      for n in range(1, pages + 1))
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
            f"{entries}</sitemapindex>\n")
    return Response(body, mimetype="application/xml")


@bp.route("/sitemap/<int:number>.xml")
def sitemap(number: int) -> Response:
    publication, store = current()
    base = settings().base_uri
    pages = max(1, -(-_count(publication.release_id, store, base) // URLS_PER_SITEMAP))
    if not 1 <= number <= pages:
        return problem(404, f"no sitemap {number}; this release has sitemaps 1 to {pages}")
    nm = namer(publication)
    offset = (number - 1) * URLS_PER_SITEMAP
    rows = select(store, f"SELECT DISTINCT ?page WHERE {{ {LISTED} }} ORDER BY ?page "
                         f"LIMIT {URLS_PER_SITEMAP} OFFSET {offset}", base)
    urls = "".join(f"<url><loc>{escape(nm.page_url(row['page'].value))}</loc></url>"
                   for row in rows if Kind.RESOURCE.minted(row["page"].value, base)
                   or Kind.ARTICLE.minted(row["page"].value, base))
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">{urls}'
            "</urlset>\n")
    return Response(body, mimetype="application/xml")
