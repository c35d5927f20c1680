"""The pipeline: corpus -> nlp -> extract -> resolve -> rdf -> validate -> publish.

This is the one place that sequences the stages (for ``kg build``, ``kg validate`` and
``kg eval``) and does their I/O; the stages stay pure.
A build either publishes a whole, valid release or leaves the previous one serving.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg import curate, gate, links
from kg.cache import (
    REGISTRY_PACKAGES,
    ArticleIndex,
    Cache,
    article_key,
    hash_tree,
    pipeline_fingerprint,
)
from kg.corpus import read_catalog, read_corpus
from kg.curation import read_log
from kg.evaluate import Evaluation, evaluate
from kg.extract import extract
from kg.gazetteer import load_gazetteer
from kg.model import Article, Extraction, Mention, Skipped
from kg.nlp import parse
from kg.parallel import Runner, default_workers
from kg.ranges import fit
from kg.rdf import entity_lines, to_rdf, unit_lines
from kg.release.lock import Busy, build_lock
from kg.release.publication import Publication
from kg.release.publish import publish_parts, union_graph
from kg.release.remote import RemoteStoreError, RemoteStores
from kg.resolve import Resolution, resolve
from kg.settings import PROJECT_ROOT, Settings
from kg.uris import Kind, Minter
from kg.validate import ValidationResult, load_shapes, validate
from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE, load_turtle, schema_graph

Progress = Callable[[str], None]
FAILED_REPORT = "validation-failed.ttl"


class BuildError(RuntimeError):
    """The build cannot publish; the message says why in one line."""


@dataclass
class BuildReport:
    articles: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    quotes: int = 0
    quads: int = 0
    validation: ValidationResult | None = None
    publication: Publication | None = None


def read_articles(settings: Settings, *, strict: bool = False, progress: Progress = print,
                  index: ArticleIndex | None = None) -> tuple[list[Article], list[Skipped]]:
    """The corpus stage: every readable article, and what was skipped (and why); ``index``
    gives the unchanged files' articles from their cached extractions."""
    catalog = read_catalog(settings.seeds_dir / "catalog.ttl")
    with _collector_paused():
        articles, skipped = read_corpus(settings.seeds_dir, settings.max_doc_bytes, catalog,
                                        reuse=index)
    if index is not None and index.found:
        progress(f"corpus: {len(index.found)} of {len(articles)} file(s) as the last build "
                 "read them")
    for item in skipped:
        progress(f"skipped {item.reason}")
    if strict and skipped:
        raise BuildError(f"--strict: {len(skipped)} file(s) could not be read: {skipped[0].reason}")
    if not articles:
        raise BuildError(f"no readable articles in {settings.seeds_dir}")
    return articles, skipped


def extract_all(articles: list[Article], progress: Progress = print) -> list[Extraction]:
    """The nlp and extract stages over the corpus, in corpus order."""
    progress(f"read {len(articles)} article(s); parsing with spaCy")
    extractions: list[Extraction] = []
    for article, doc in parse(articles):
        extractions.append(extract(article, doc))
        progress(f"  {article.doc_id}: {len(extractions[-1].mentions)} mentions, "
                 f"{len(extractions[-1].relations)} relations, {len(extractions[-1].quotes)} quotes")
    return extractions


def run_pipeline(settings: Settings, *, strict: bool = False, progress: Progress = print):
    """Everything up to (not including) validation and publication; returns the dataset."""
    report = BuildReport()
    articles, report.skipped = read_articles(settings, strict=strict, progress=progress)
    extractions = extract_all(articles, progress)
    gazetteer = load_gazetteer()
    resolution = resolve(extractions, gazetteer)
    extractions = fit(extractions, resolution)
    dataset = to_rdf(extractions, resolution, settings.base_uri, gazetteer)
    report.articles = [ex.article.doc_id for ex in extractions]
    report.entities = sum(1 for e in resolution.entities.values() if e.mentions)
    report.relations = sum(len(ex.relations) for ex in extractions)
    report.quotes = sum(len(ex.quotes) for ex in extractions)
    report.quads = len(list(dataset.quads((None, None, None, None))))
    return dataset, report


def evaluate_corpus(settings: Settings, gold: Path, progress: Progress = print) -> Evaluation:
    """``kg eval``: the same stages as a build, scored against the gold instead of published."""
    articles, _ = read_articles(settings, progress=progress)
    extractions = extract_all(articles, progress)
    resolution = resolve(extractions, load_gazetteer())
    return evaluate(fit(extractions, resolution), resolution, gold)


def check(dataset, settings: Settings) -> ValidationResult:
    return validate(union_graph(dataset), shapes_of(settings), schema_graph(settings.base_uri),
                    engine=settings.shacl_engine)


def shapes_of(settings: Settings):
    return load_shapes(settings.base_uri, settings.shapes_dir / SHAPES_FILE.name)


#: Articles per task sent to a worker: enough for spaCy's batching, few enough to spread.
EXTRACT_BATCH = 8
#: What an article's RDF depends on besides its extraction and the resolution.
RDF_SOURCES = ("kg/rdf.py", "kg/uris.py", "kg/vocab.py", "ontology")


def extract_batch(articles: list[Article]) -> list[Extraction]:
    """Runs on a worker: spaCy and extraction over a few articles."""
    return [extract(article, doc) for article, doc in parse(articles)]


def extract_cached(articles: list[Article], settings: Settings, runner: Runner,
                   progress: Progress = print, index: ArticleIndex | None = None,
                   ) -> tuple[list[Extraction], list[str]]:
    """Every article's extraction, parsing only those the cache does not hold."""
    cache = Cache(settings.cache, "extractions")
    fingerprint = pipeline_fingerprint()
    keys = [article_key(article, fingerprint) for article in articles]
    found: dict[str, Extraction] = {}
    todo: list[tuple[Article, str]] = []
    with _collector_paused():
        for article, key in zip(articles, keys, strict=True):
            cached = (index.take(key) if index else None) or cache.get(key)
            if isinstance(cached, Extraction):
                cached.article.path = article.path  # the same file name and text, maybe moved
                found[key] = cached
            else:
                todo.append((article, key))
    progress(f"read {len(articles)} article(s): {len(found)} unchanged, {len(todo)} to parse "
             f"with spaCy on {runner.describe(len(todo))}")
    batches = [todo[i : i + EXTRACT_BATCH] for i in range(0, len(todo), EXTRACT_BATCH)]
    results = runner.map(extract_batch, ([a for a, _ in batch] for batch in batches),
                         total=len(todo), progress=progress)
    for batch, extractions in zip(batches, results, strict=True):
        for (_, key), extraction in zip(batch, extractions, strict=True):
            cache.put(key, extraction)
            found[key] = extraction
    cache.keep_only(set(keys))
    if index is not None:
        index.save([Path(article.path).name for article in articles], keys)
    return [found[key] for key in keys], keys


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while cached extractions are unpickled: they make no
    garbage, but millions of new objects set off collections that walk the whole growing heap
    again and again (10,101 extractions: 6.3 s of CPU with it on, 2.2 s off)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _unit_signature(ex: Extraction, res: Resolution, key: str, salt: str) -> str:
    """Everything an article's RDF reads from the resolution, with its extraction's key."""
    def slug(mention: object) -> object:
        if isinstance(mention, Mention):
            entity = res.entity(mention)
            return (mention.start, mention.end, entity.slug if entity else None)
        return repr(mention)

    parts = (
        key, salt,
        [slug(m) for m in ex.mentions],
        [(r.predicate, slug(r.subject), slug(r.obj), slug(r.where), r.sentence.start)
         for r in ex.relations],
        [slug(q.speaker) for q in ex.quotes],
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def units_dir(settings: Settings) -> Path:
    """Where each article's RDF is cached, its files named by their signature."""
    return settings.cache / "units"


def write_units(extractions: list[Extraction], keys: list[str], res: Resolution,
                settings: Settings, gazetteer: tuple, progress: Progress = print,
                ) -> list[tuple[Path, Path]]:
    """Each article's RDF as two files, its default-graph N-Triples (its description) and its
    named graph's N-Quads, cached under a signature of what it depends on, so an unchanged
    article keeps its files and its validation verdict."""
    salt = hash_tree(PROJECT_ROOT, RDF_SOURCES).hexdigest() + settings.base_uri
    root = units_dir(settings)
    units, made = [], 0
    for ex, key in zip(extractions, keys, strict=True):
        signature = _unit_signature(ex, res, key, salt)
        default, graph = (root / signature[:2] / f"{signature}.{ext}" for ext in ("nt", "nq"))
        if not (default.is_file() and graph.is_file()):
            texts = unit_lines(ex, res, settings.base_uri, gazetteer)
            default.parent.mkdir(parents=True, exist_ok=True)
            for path, text in zip((default, graph), texts, strict=True):
                tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
                tmp.write_bytes(text)
                os.replace(tmp, path)
            made += 1
        units.append((default, graph))
    progress(f"RDF: {made} article graph(s) written, {len(units) - made} unchanged")
    return units


def drop_stale_units(units: list[tuple[Path, Path]], settings: Settings) -> None:
    """Remove the units no article uses now, once a release is out: until then the previous
    release's are where the publication reads the parts that went (``kg.release.incremental``)."""
    keep = {p.stem for pair in units for p in pair}  # with what the gate keeps beside them
    for stale in units_dir(settings).glob("*/*"):
        if stale.name.partition(".")[0] not in keep:
            stale.unlink(missing_ok=True)


def _evidence(res: Resolution, base_uri: str) -> dict[str, str]:
    """Entity IRI -> the NIF phrase of one of its mentions (what entity shapes ask for)."""
    minter = Minter(base_uri)
    found = {}
    for entity in res.entities.values():
        mention = next((m for m in entity.mentions if m.source != "deal-noun"), None)
        if mention is None and entity.mentions:
            mention = entity.mentions[0]
        if mention is not None:
            found[str(minter.resource(entity.slug))] = str(
                minter.span(mention.doc_id, mention.start, mention.end))
    return found


def _curate(settings: Settings, layer: bytes, units: list[tuple[Path, Path]],
            progress: Progress) -> curate.Curated:
    """The curation log (``kg.curation``) applied to the extracted data (``kg.curate``)."""
    try:
        patches = read_log(settings.curation)
    except ValueError as exc:
        raise BuildError(f"the curation log at {settings.curation} cannot be read: {exc}") from None
    work = settings.cache / "curated"
    shutil.rmtree(work, ignore_errors=True)
    curated = curate.apply(patches, layer, units, settings.base_uri, work)
    if patches:
        done = curated.summary()
        progress(f"curation: {done['patches']} patch(es) from {settings.curation}: "
                 f"{done['added']} triple(s) added, {done['retracted']} retracted")
    for quad, patch in curated.stale:
        progress(f"  curation: {patch.label} retracts {quad}, which this build did not extract")
    return curated


def _curation_unit(curated: curate.Curated, settings: Settings) -> list[tuple[Path, Path]]:
    """What curation added, as one more unit for the gate (articles' shapes check it)."""
    if not curated.checked:
        return []
    work = settings.cache / "curated"
    (work / "curation.nt").write_bytes(curated.checked)
    (work / "curation.nq").write_bytes(b"")
    return [(work / "curation.nt", work / "curation.nq")]


def _blame(curated: curate.Curated, result: ValidationResult, folder: Path) -> str:
    """Which curation patches touched the nodes that failed, if any did."""
    lines = []
    for finding in result.violations:
        for patch in curated.touching(finding.focus):
            line = f"- {patch.label}, request {patch.request!r}, touches {finding.focus}"
            if line not in lines:
                lines.append(line)
    if not lines and curated.patches:
        return (f"\nthis build applied {len(curated.patches)} curation patch(es) from {folder}; "
                "none names the failing nodes, but a retraction may have left them incomplete")
    if not lines:
        return ""
    return ("\ncuration made the data invalid: undo these patches with another admin write, "
            f"or remove their files from {folder}:\n" + "\n".join(lines))


def build(settings: Settings, *, strict: bool = False, progress: Progress = print,
          workers: int | None = None, scheduler: str | None = None,
          runner: Runner | None = None) -> BuildReport:
    """Read, extract (cached), resolve, write RDF, validate (cached) and publish a release.
    ``runner`` (else one from ``workers``/``scheduler``/the settings) says where the heavy
    steps run."""
    try:
        with build_lock(settings.dist_dir):
            return _build(settings, strict, progress, workers, scheduler, runner)
    except (Busy, RemoteStoreError) as exc:
        raise BuildError(str(exc)) from None


#: What the registry index (``kg.links``) is built from besides the registry packages.
LINK_SOURCES = ("kg/links.py", "kg/nlp/wordclass.py")


def _registry(settings: Settings) -> None:
    """The place registry's index from the cache (kept under a hash of its code and the
    registry packages' versions), built and kept there the first time."""
    from importlib.metadata import version

    digest = hash_tree(PROJECT_ROOT, LINK_SOURCES)
    digest.update("|".join(f"{name} {version(name)}" for name in REGISTRY_PACKAGES).encode())
    cache = Cache(settings.cache, "registry")
    key = digest.hexdigest()
    index = cache.get(key)
    if not (isinstance(index, tuple) and len(index) == 2):
        index = links.build_registry()
        cache.put(key, index)
        cache.keep_only({key})
    links.use_registry(index)


def release_memory() -> None:
    """Give the extractions' memory back before validation and publication, which read files.
    At 10,000 articles the process held 1,064 MiB after resolution; dropping the objects and
    collecting gave 400 MiB back, and glibc's ``malloc_trim`` another 140 MiB it kept."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way
        pass


def _build(settings: Settings, strict: bool, progress: Progress, workers: int | None,
           scheduler: str | None, runner: Runner | None) -> BuildReport:
    report = BuildReport()
    index = ArticleIndex(settings.cache, pipeline_fingerprint())
    articles, report.skipped = read_articles(settings, strict=strict, progress=progress,
                                             index=index)
    runner = runner or Runner(workers or settings.workers or default_workers(),
                              scheduler or settings.scheduler)
    with runner:
        extractions, keys = extract_cached(articles, settings, runner, progress, index)
        gazetteer = load_gazetteer()
        _registry(settings)
        progress(f"resolving entities across {len(extractions)} article(s)")
        resolution = resolve(extractions, gazetteer)
        extractions = fit(extractions, resolution)
        units = written = write_units(extractions, keys, resolution, settings, gazetteer,
                                      progress)
        layer = entity_lines(resolution, settings.base_uri, gazetteer)
        curated = _curate(settings, layer, units, progress)
        layer, units = curated.layer, curated.units
        report.articles = [ex.article.doc_id for ex in extractions]
        report.entities = sum(1 for e in resolution.entities.values() if e.mentions)
        report.relations = sum(len(ex.relations) for ex in extractions)
        report.quotes = sum(len(ex.quotes) for ex in extractions)
        evidence = gate.evidence_triples(_evidence(resolution, settings.base_uri))
        del articles, extractions, resolution  # what follows reads the files, not the objects
        release_memory()
        shapes_file = settings.shapes_dir / SHAPES_FILE.name
        salt = gate.salt(shapes_file, settings.base_uri, settings.shacl_engine)
        types = gate.type_triples(layer + curated.checked)
        resource_ns = Kind.RESOURCE.namespace(settings.base_uri)
        named = units_dir(settings)
        pieces = [gate.article_piece(unit, types, resource_ns, salt,
                                     named=unit[0].parent.parent == named)
                  for unit in [*units, *_curation_unit(curated, settings)]]
        result = gate.check(
            [*pieces, *gate.entity_pieces(layer + curated.checked, evidence, salt)],
            shapes_file=shapes_file, base_uri=settings.base_uri, cache_root=settings.cache,
            runner=runner, progress=progress, engine=settings.shacl_engine,
        )
    report.validation = result
    if not result.conforms:
        failed = settings.dist_dir.parent / FAILED_REPORT
        failed.parent.mkdir(parents=True, exist_ok=True)
        result.report.serialize(failed, format="turtle")
        raise BuildError(
            f"validation failed, nothing published (report: {failed})\n{result.text()}"
            f"{_blame(curated, result, settings.curation)}"
        )
    progress("publishing dumps and the Oxigraph store")
    report.publication = publish_parts(
        [layer, *(default for default, _ in units)],
        [*(graph for _, graph in units), *curated.graphs],
        settings.dist_dir,
        base_uri=settings.base_uri,
        report=result.report,
        ontology=load_turtle(ONTOLOGY_FILE, settings.base_uri),
        shapes=shapes_of(settings),
        extra_manifest={
            "articles": report.articles,
            "skipped": [{"path": Path(s.path).name, "reason": s.reason} for s in report.skipped],
            "entities": report.entities,
            "relations": report.relations,
            "quotes": report.quotes,
            "warnings": len(result.warnings),
            "curation": curated.summary(),
        },
        progress=progress,
        remote=RemoteStores(tuple(settings.remote_store.split()),
                            tuple(settings.remote_services.split()))
        if settings.remote_store else None,
        load_batch=settings.load_batch,
    )
    report.quads = report.publication.manifest["quads"]
    drop_stale_units(written, settings)
    return report
