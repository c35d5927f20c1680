"""``/shacl``: validate posted RDF against this release's shapes, like Fuseki's SHACL service.

POST Turtle, N-Triples or JSON-LD; get the SHACL validation report as Turtle (default),
JSON-LD or N-Triples (Accept), or as a page when the HTML form posts it. pyshacl runs in a
child process forked from a clean fork server, so a slow validation is killed at the time
limit (``KG_SHACL_TIMEOUT``, default 20 s) and the worker answers 504 instead of hanging.
Each child's address space is capped too (``KG_SHACL_MAX_MEMORY``, default 2 GiB). Posted
JSON-LD is parsed by Oxigraph, which never fetches remote ``@context`` documents.
"""

from __future__ import annotations

import multiprocessing
import resource
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from rdflib import Graph
from rdflib.namespace import SH
from werkzeug.exceptions import RequestEntityTooLarge

from kg.formats import SHACL_INPUTS, Format
from kg.release.publication import ONTOLOGY_FILE, SHAPES_FILE
from kg.settings import Settings
from kg.vocab import SCHEMA_PREDICATES
from server import bodies
from server.engine import nesting
from server.limits import too_deep
from server.linked_data.http import add_page_hooks, rdf_response
from server.linked_data.release import current, namer, settings
from server.linked_data.report import report_view
from server.negotiation import negotiate, not_acceptable_text

bp = Blueprint("shacl", __name__)
add_page_hooks(bp)

#: Request media type -> the format it names: each input format's own type and its aliases.
INPUT_FORMATS: dict[str, Format] = {
    media: f for f in SHACL_INPUTS for media in (f.media_type, *f.aliases)
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Report representations, Turtle first: */* gets Turtle, as Fuseki answers.
OUTPUT_EXTS = ("ttl", "jsonld", "nt", "html")
INFERENCE = ("none", "rdfs", "owlrl", "both")


def _limits() -> Settings:
    """This service's own limits (``KG_SHACL_*``), from the app's one settings object."""
    return settings()


# ------------------------------------------------------------------ routes


@bp.route("/shacl", methods=["GET"])
def form() -> Response:
    publication, _ = current()
    limits = _limits()
    body = render_template("shacl_form.html", formats=list(INPUT_FORMATS),
                           max_bytes=limits.shacl_max_bytes, timeout=limits.shacl_timeout,
                           inference=INFERENCE, release=publication.release_id,
                           base=settings().base_uri)
    return Response(body, 200, mimetype="text/html")


@bp.route("/shacl", methods=["POST"])
def validate() -> Response:
    publication, _ = current()
    limits = _limits()
    is_form = request.mimetype in FORM_TYPES
    rep = negotiate(request.accept_mimetypes, OUTPUT_EXTS)
    if rep is None:
        return _fail(406, not_acceptable_text(OUTPUT_EXTS).strip(), False)
    html = rep.kind == "html"
    if request.content_length is not None and request.content_length > limits.shacl_max_bytes:
        return _fail(413, _too_large(request.content_length, limits), html)
    inference = request.args.get("inference", "none")
    request.max_content_length = limits.shacl_max_bytes  # this service's own limit, not the app's
    try:  # a chunked body has no Content-Length: it is refused once it passes the limit
        if is_form:
            request.max_form_memory_size = limits.shacl_max_bytes
            inference = request.form.get("inference", inference)
            data, media_type = _form_data()
        else:
            media_type = request.mimetype
            if media_type not in INPUT_FORMATS:
                return _fail(415, f"unsupported media type {media_type or '(none)'!r}: post "
                                  f"{', '.join(INPUT_FORMATS)}", html)
            data = request.stream.read()
    except RequestEntityTooLarge:
        return _fail(413, _too_large(None, limits), html)
    if len(data) > limits.shacl_max_bytes:
        return _fail(413, _too_large(len(data), limits), html)
    if media_type not in INPUT_FORMATS:
        return _fail(415, f"unsupported format {media_type!r}: choose one of "
                          f"{', '.join(INPUT_FORMATS)}", html)
    canonical = INPUT_FORMATS[media_type].media_type  # the type Oxigraph will parse it as
    if nesting.depth(data, canonical, limits.max_nesting) > limits.max_nesting:
        return _fail(400, too_deep(f"the posted {media_type}", limits.max_nesting), html)
    if inference not in INFERENCE:
        return _fail(400, f"inference must be one of {', '.join(INFERENCE)}, got {inference!r}",
                     html)
    if not data.strip() and bodies.chunked(request.environ):  # empty data conforms; but see
        return _fail(400, bodies.empty("the posted document", request.environ), html)  # bodies
    job = Job(
        data=data,
        input_format=INPUT_FORMATS[media_type].media_type,
        output=("turtle" if html else rep.rdflib) or "turtle",
        shapes=str(publication.file(SHAPES_FILE)),
        ontology=str(publication.file(ONTOLOGY_FILE)),
        base=settings().base_uri,
        inference=inference,
        max_memory=limits.shacl_max_memory,
    )
    outcome = run(job, limits.shacl_timeout)
    if outcome.status != 200:
        return _fail(outcome.status, outcome.message, html)
    headers = {"X-SHACL-Conforms": "true" if outcome.conforms else "false", "Vary": "Accept"}
    if html:
        report = Graph().parse(data=outcome.body, format="turtle")
        view = report_view(report, namer(publication))
        body = render_template("shacl_result.html", r=view, results=view.results,
                               turtle=outcome.body.decode("utf-8"), release=publication.release_id)
        return Response(body, 200, headers, mimetype="text/html")
    return rdf_response(outcome.body, rep, headers)


def _form_data() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read()
    else:
        data = request.form.get("data", "").encode("utf-8")
    return data, request.form.get("format", "text/turtle")


def _too_large(size: int | None, limits: Settings) -> str:
    told = "more than the limit" if size is None else f"{size} bytes"
    return (f"request too large: {told}; the limit is {limits.shacl_max_bytes} bytes "
            f"(KG_SHACL_MAX_BYTES)")


def _fail(status: int, message: str, html: bool) -> Response:
    """A clear error: plain text for programs, a page for the form."""
    if html:
        titles = {400: "Bad request", 406: "Not acceptable", 413: "Too large",
                  415: "Unsupported media type", 503: "Busy", 504: "Time limit"}
        body = render_template("error.html", status=status, title=titles.get(status, "Error"),
                               message=message)
        response = Response(body, status, mimetype="text/html")
    else:
        response = Response(f"{status} {message}\n", status, mimetype="text/plain")
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


# ------------------------------------------------------------------ the validation process


@dataclass(frozen=True)
class Job:
    data: bytes
    input_format: str  # media type of the posted data
    output: str  # rdflib serialiser name for the report
    shapes: str
    ontology: str
    base: str
    inference: str
    max_memory: int


@dataclass(frozen=True)
class Outcome:
    status: int
    message: str = ""
    body: bytes = b""
    conforms: bool = False


_context = multiprocessing.get_context("forkserver")
# Modules imported once in the fork server, so each validation forks ready to run.
_context.set_forkserver_preload(["rdflib", "pyshacl", "pyoxigraph", "server.linked_data.shacl"])


def run(job: Job, timeout: float) -> Outcome:
    """Validate in a child process; kill it at the time limit. How many run at once is the
    admission class ``shacl`` (``server.admission``)."""
    receiver, sender = _context.Pipe(duplex=False)
    proc = _context.Process(target=_child, args=(sender, job), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            return Outcome(504, f"validation took longer than the {timeout:g} s limit "
                                "(KG_SHACL_TIMEOUT) and was stopped; post less data or "
                                "fewer inferences")
        try:
            return receiver.recv()
        except EOFError:
            proc.join(5)
            return Outcome(500, f"the validation process died (exit code {proc.exitcode}) "
                                "without an answer; its memory share is "
                                f"{job.max_memory} bytes (KG_SHACL_MAX_MEMORY, KG_MAX_MEMORY), "
                                "so posting less data or fewer inferences may help")
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)


def _child(conn, job: Job) -> None:
    """Runs in the forked process: parse, validate, serialise, send one Outcome."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (job.max_memory, job.max_memory))
        conn.send(_validate(job))
    except MemoryError:
        conn.send(Outcome(413, f"validating this data needs more than {job.max_memory} bytes of "
                               "memory (KG_SHACL_MAX_MEMORY); post less data or fewer inferences"))
    except Exception as exc:  # noqa: BLE001 - the parent must get an answer, not a hang
        conn.send(Outcome(500, f"validation failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _validate(job: Job) -> Outcome:
    from pyshacl import validate as shacl_validate

    try:
        triples = list(ox.parse(job.data, format=ox.RdfFormat.from_media_type(job.input_format),
                                base_iri=job.base + "shacl/input", without_named_graphs=True))
    except SyntaxError as exc:
        return Outcome(400, f"syntax error in the posted {job.input_format}: {exc}")
    except ValueError as exc:
        return Outcome(400, f"cannot read the posted {job.input_format}: {exc}")
    data = Graph()
    if triples:
        data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    shapes = Graph().parse(Path(job.shapes), format="turtle")
    ontology = Graph()  # its class and property hierarchy and types (kg.vocab.SCHEMA_PREDICATES)
    for triple in Graph().parse(Path(job.ontology), format="turtle"):
        if triple[1] in SCHEMA_PREDICATES:
            ontology.add(triple)
    conforms, report, text = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference=job.inference,
        advanced=True, allow_warnings=True,
    )
    if not isinstance(report, Graph):
        return Outcome(500, f"the shapes could not be applied: {text}")
    report.bind("sh", SH)
    if job.output == "json-ld":
        body = report.serialize(format="json-ld", encoding="utf-8", auto_compact=True, indent=1)
    else:
        body = report.serialize(format=job.output, encoding="utf-8")
    return Outcome(200, body=body, conforms=bool(conforms))
