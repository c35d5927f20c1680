"""The pipeline: corpus -> nlp -> extract -> resolve -> rdf -> validate -> publish.

This is the one place that sequences the stages (for ``kg build``, ``kg validate`` and
``kg eval``) and does their I/O; the stages stay pure.
A build either publishes a whole, valid release or leaves the previous one serving.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.corpus import read_catalog, read_corpus
from kg.evaluate import Evaluation, evaluate
from kg.extract import extract
from kg.gazetteer import load_gazetteer
from kg.model import Article, Extraction, Skipped
from kg.nlp import parse
from kg.rdf import to_rdf
from kg.release.publication import Publication
from kg.release.publish import publish, union_graph
from kg.release.void import describe
from kg.resolve import resolve
from kg.settings import Settings
from kg.validate import ValidationResult, load_shapes, validate
from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE, load_turtle, ontology_graph

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
                  ) -> tuple[list[Article], list[Skipped]]:
    """The corpus stage: every readable article, and what was skipped (and why)."""
    catalog = read_catalog(settings.seeds_dir / "catalog.ttl")
    articles, skipped = read_corpus(settings.seeds_dir, settings.max_doc_bytes, catalog)
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
    return evaluate(extractions, resolve(extractions, load_gazetteer()), gold)


def check(dataset, settings: Settings) -> ValidationResult:
    return validate(union_graph(dataset), shapes_of(settings), ontology_graph(settings.base_uri))


def shapes_of(settings: Settings):
    return load_shapes(settings.base_uri, settings.shapes_dir / SHAPES_FILE.name)


def build(settings: Settings, *, strict: bool = False, progress: Progress = print) -> BuildReport:
    dataset, report = run_pipeline(settings, strict=strict, progress=progress)
    progress(f"validating {report.quads} quads against {settings.shapes_dir / SHAPES_FILE.name}")
    result = check(dataset, settings)
    report.validation = result
    if not result.conforms:
        failed = settings.dist_dir.parent / FAILED_REPORT
        failed.parent.mkdir(parents=True, exist_ok=True)
        result.report.serialize(failed, format="turtle")
        raise BuildError(
            f"validation failed, nothing published (report: {failed})\n{result.text()}"
        )
    progress("publishing dumps and the Oxigraph store")
    report.publication = publish(
        dataset,
        settings.dist_dir,
        base_uri=settings.base_uri,
        void=describe(dataset, settings.base_uri),
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
        },
        progress=progress,
    )
    return report
