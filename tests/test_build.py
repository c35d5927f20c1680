"""End to end: the seeds built by the real pipeline into a temporary folder, checked in the
published files and in the Oxigraph store."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, URIRef

from kg.pipeline import FAILED_REPORT, BuildError, build, run_pipeline
from kg.release.publication import DUMPS, Publication
from kg.release.publish import publish, union_graph
from kg.settings import PROJECT_ROOT, Settings
from kg.validate import load_shapes, validate
from kg.vocab import SH, ontology_graph


def store_of(settings: Settings) -> pyoxigraph.Store:
    publication = Publication.current(settings.dist_dir)
    assert publication is not None
    return pyoxigraph.Store.read_only(str(publication.store_path))


def select(settings: Settings, query: str) -> list[dict[str, str]]:
    prefixes = (f"PREFIX kg: <{settings.base_uri}ontology#>\nPREFIX res: <{settings.base_uri}"
                "resource/>\nPREFIX schema: <http://schema.org/>\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>\n"
                "PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>\n")
    result = store_of(settings).query(prefixes + query)
    return [{v.value: (s[v.value].value if s[v.value] is not None else None)
             for v in result.variables} for s in result]


def test_every_dump_is_published_and_parses(built: Settings):
    pub = Publication.current(built.dist_dir)
    sizes = {}
    for name, (fmt, _) in DUMPS.items():
        data = pub.file(name).read_bytes()
        assert gzip.decompress(pub.file(f"{name}.gz").read_bytes()) == data
        if fmt in ("trig", "nquads", "json-ld"):
            parsed: Graph | Dataset = Dataset()
            parsed.parse(data=data, format=fmt)
            sizes[name] = len(list(parsed.quads((None, None, None, None))))
        else:
            parsed = Graph().parse(data=data, format=fmt)
            sizes[name] = len(parsed)
    assert sizes["kg.trig"] == sizes["kg.nq"] == sizes["kg.jsonld"] == pub.manifest["dataset_quads"]
    # The store holds the dataset's named graphs, the VoID and ontology graphs, and a default
    # graph of every triple once (what a query without a dataset sees).
    store = store_of(built)
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    assert default == pub.manifest["default_graph_triples"]
    described = len(Graph().parse(pub.file("void.ttl"))) + len(Graph().parse(pub.file("ontology.ttl")))
    named = sum(1 for q in pyoxigraph.parse(path=str(pub.file("kg.nq")),
                                            format=pyoxigraph.RdfFormat.N_QUADS)
                if not isinstance(q.graph_name, pyoxigraph.DefaultGraph))
    assert pub.manifest["quads"] == default + described + named
    assert sizes["kg.ttl"] == sizes["kg.nt"] > 4000
    assert b"@prefix schema: <http://schema.org/>" in pub.file("kg.ttl").read_bytes()


def test_one_named_graph_per_article_with_provenance(built: Settings):
    rows = select(built, "SELECT ?g ?article WHERE { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> "
                         "?article . ?article a kg:Article }")
    assert len(rows) == 5
    graphs = {str(g.value) for g in store_of(built).named_graphs()}
    assert {r["g"] for r in rows} <= graphs


def test_bukele_is_one_person(built: Settings):
    rows = select(built, 'SELECT ?e ?type WHERE { ?e rdfs:label "Nayib Bukele"@en ; a ?type }')
    assert {r["e"] for r in rows} == {f"{built.base_uri}resource/Nayib_Bukele"}
    assert "http://schema.org/Person" in {r["type"] for r in rows}
    assert "http://schema.org/Organization" not in {r["type"] for r in rows}


def test_cecot_mentions_are_one_resource(built: Settings):
    rows = select(built, """SELECT DISTINCT ?anchor ?e WHERE {
        ?m itsrdf:taIdentRef ?e ; nif:anchorOf ?anchor .
        FILTER (?anchor IN ("CECOT", "Cecot", "Terrorism Confinement Center",
                            "Counter-Terrorism Confinement Centre"))
    }""")
    assert {r["anchor"] for r in rows} == {"CECOT", "Cecot", "Terrorism Confinement Center",
                                          "Counter-Terrorism Confinement Centre"}
    assert len({r["e"] for r in rows}) == 1


def test_capacity_fact_traces_to_its_sentence(built: Settings):
    rows = select(built, """SELECT ?value ?unit ?sentence ?article WHERE {
        res:CECOT kg:capacity ?q . ?q schema:value ?value ; schema:unitText ?unit .
        ?a rdf:subject res:CECOT ; rdf:predicate kg:capacity ; rdf:object ?q ;
           kg:sourceSentence ?s ; <http://www.w3.org/ns/prov#hadPrimarySource> ?article .
        ?s nif:anchorOf ?sentence ; nif:beginIndex ?b ; nif:endIndex ?end .
    }""".replace("rdf:", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#>")
        .replace("<http://www.w3.org/1999/02/22-rdf-syntax-ns#>subject", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>")
        .replace("<http://www.w3.org/1999/02/22-rdf-syntax-ns#>predicate", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate>")
        .replace("<http://www.w3.org/1999/02/22-rdf-syntax-ns#>object", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"))
    assert rows
    assert {r["value"] for r in rows} == {"40000"}
    assert all("40,000" in r["sentence"] for r in rows)


def test_nothing_comes_from_comments_or_bios(built: Settings):
    for words in ("Superjail", "Gitmo", "has worked as a politics writer", "Chartered Geographer",
                  "Escape your echo chamber", "commenting privileges"):
        rows = select(built, f'SELECT ?s WHERE {{ ?s nif:anchorOf ?t . FILTER CONTAINS(?t, "{words}") }}')
        assert rows == [], words


def test_published_graph_conforms(built: Settings):
    pub = Publication.current(built.dist_dir)
    report = Graph().parse(pub.file("validation.ttl"))
    assert (None, SH.conforms, None) in report
    assert all(bool(o.toPython()) for o in report.objects(None, SH.conforms))


def test_two_builds_give_identical_dumps(built: Settings, tmp_path: Path):
    again = Settings.from_env(base_uri=built.base_uri, dist_dir=tmp_path / "dist",
                              seeds_dir=built.seeds_dir)
    build(again, progress=lambda _m: None)
    first, second = Publication.current(built.dist_dir), Publication.current(again.dist_dir)
    for name in [*DUMPS, *(f"{n}.gz" for n in DUMPS)]:
        assert first.file(name).read_bytes() == second.file(name).read_bytes(), name
    # VoID too, but for the statements of which release it is (its id, date and version IRI)
    assert _unversioned(first) == _unversioned(second)


def _unversioned(publication: Publication) -> set:
    """VoID's triples but those that say which release it is (only its own, never the data's)."""
    from rdflib.namespace import DCTERMS, OWL

    void = Graph().parse(publication.file("void.ttl"))
    version = URIRef(f"{publication.manifest['base_uri']}releases/{publication.release_id}/")
    which = {DCTERMS.modified, DCTERMS.hasVersion, OWL.versionInfo}
    return {t for t in void if t[0] != version and t[1] not in which}


def test_a_store_loaded_in_small_batches_holds_the_same_quads(built: Settings, tmp_path: Path):
    import pyoxigraph

    small = Settings.from_env(base_uri=built.base_uri, dist_dir=tmp_path / "dist",
                              seeds_dir=built.seeds_dir, load_batch=300)
    build(small, progress=lambda _m: None)
    stores = [pyoxigraph.Store.read_only(str(Publication.current(s.dist_dir).store_path))
              for s in (built, small)]
    which = ("/releases/", "terms/modified>", "terms/hasVersion>", "owl#versionInfo>")
    whole, parts = ({str(q) for q in store if not any(w in str(q) for w in which)}
                    for store in stores)  # all but the statements of which release it is
    assert len(parts) > 10 * 300 and parts == whole
    assert not list((tmp_path / "dist").resolve().glob("**/load-*"))  # the parts are gone


def test_broken_graph_fails_with_the_shapes_message(built: Settings):
    dataset, _ = run_pipeline(built, progress=lambda _m: None)
    data = union_graph(dataset)
    source = URIRef(f"{built.base_uri}ontology#sourceSentence")
    assertion, _, sentence = next(iter(data.triples((None, source, None))))
    data.remove((assertion, source, sentence))
    result = validate(data, load_shapes(built.base_uri), ontology_graph(built.base_uri))
    assert not result.conforms
    finding = next(f for f in result.violations if f.focus == str(assertion))
    assert "name the one sentence it was read from" in finding.message
    assert "Violation" in result.text() and str(assertion) in result.text()


def test_failed_validation_publishes_nothing(built: Settings, tmp_path: Path,
                                             strict_shapes: Path):
    dist = tmp_path / "dist"
    good = Settings.from_env(base_uri=built.base_uri, dist_dir=dist, seeds_dir=built.seeds_dir)
    build(good, progress=lambda _m: None)
    before = Publication.current(dist)
    ttl = before.file("kg.ttl").read_bytes()
    strict = Settings.from_env(base_uri=built.base_uri, dist_dir=dist, seeds_dir=built.seeds_dir,
                               shapes_dir=strict_shapes)
    with pytest.raises(BuildError, match="validation failed, nothing published") as err:
        build(strict, progress=lambda _m: None)
    assert "Every entity must link to another dataset." in str(err.value)
    after = Publication.current(dist)
    assert after.root == before.root and after.file("kg.ttl").read_bytes() == ttl
    assert (tmp_path / FAILED_REPORT).is_file()
    assert (None, SH.conforms, None) in Graph().parse(tmp_path / FAILED_REPORT)


def test_interrupted_publication_leaves_the_previous_one(built: Settings, tmp_path: Path):
    dist = tmp_path / "dist"
    ds = Dataset()
    ds.parse(data=f"<{built.base_uri}a> <{built.base_uri}b> <{built.base_uri}c> .", format="nt")
    empty = Graph()
    first = publish(ds, dist, base_uri=built.base_uri, void=empty, report=empty, ontology=empty,
                    shapes=empty)

    class Broken(Graph):
        def serialize(self, *args, **kwargs):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish(ds, dist, base_uri=built.base_uri, void=Broken(), report=empty, ontology=empty,
                shapes=empty)
    assert Publication.current(dist).root == first.root
    assert not [p for p in first.root.parent.iterdir() if p.name.startswith(".")]


def test_bad_files_are_skipped_and_reported(built: Settings, tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(PROJECT_ROOT / "seeds" / "003_4cedd2dc87380182.txt", seeds)
    (seeds / "empty.txt").write_text("")
    (seeds / "latin1.txt").write_bytes("Se\xf1or".encode("latin-1"))
    (seeds / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (seeds / "huge.txt").write_text("x " * 2_000_000)
    settings = Settings.from_env(base_uri=built.base_uri, dist_dir=tmp_path / "dist",
                                 seeds_dir=seeds)
    messages: list[str] = []
    report = build(settings, progress=messages.append)
    assert report.articles == ["003_4cedd2dc87380182"]
    reasons = sorted(s.reason for s in report.skipped)
    assert reasons == [
        "empty.txt: empty document",
        "huge.txt: too large (4,000,000 bytes; the limit is 2,000,000)",
        "image.txt: binary file (contains NUL bytes), not text",
        "latin1.txt: not UTF-8 text (invalid byte 0xf1 at offset 2)",
    ]
    assert any("skipped huge.txt" in m for m in messages)
    manifest = Publication.current(settings.dist_dir).manifest
    assert len(manifest["skipped"]) == 4
    with pytest.raises(BuildError, match="--strict: 4 file"):
        build(Settings.from_env(base_uri=built.base_uri, dist_dir=tmp_path / "d2",
                                seeds_dir=seeds), strict=True, progress=lambda _m: None)
    assert Publication.current(tmp_path / "d2") is None


def test_manifest_and_void(built: Settings):
    pub = Publication.current(built.dist_dir)
    manifest = pub.manifest
    assert manifest["base_uri"] == built.base_uri
    assert len(manifest["articles"]) == 5
    assert json.dumps(manifest)
    void = Graph().parse(pub.file("void.ttl"))
    dataset = URIRef(f"{built.base_uri}dataset")
    from rdflib.namespace import VOID

    assert int(void.value(dataset, VOID.entities)) == manifest["entities"]
    assert URIRef(f"{built.base_uri}dumps/kg.ttl") in set(void.objects(dataset, VOID.dataDump))
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{built.base_uri}sparql")) in void


def test_void_counts_are_the_store_s(built: Settings):
    """VoID is counted from the dumps' text in one pass; the store, counted by hand, agrees."""
    from rdflib.namespace import VOID

    publication = Publication.current(built.dist_dir)
    void = Graph().parse(publication.file("void.ttl"))
    dataset = URIRef(f"{built.base_uri}dataset")
    extra = {f"{built.base_uri}graph/void", f"{built.base_uri}ontology"}
    store = store_of(built)
    quads = [q for q in store if getattr(q.graph_name, "value", None) not in extra]
    # The default graph is every graph's triples once, plus the VoID and ontology graphs'.
    described = {(q.subject, q.predicate, q.object) for q in store
                 if getattr(q.graph_name, "value", None) in extra}
    triples = {(q.subject, q.predicate, q.object) for q in quads} - described
    rdf_type = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    entity = pyoxigraph.NamedNode(f"{built.base_uri}ontology#Entity")
    expected = {
        VOID.triples: len(triples),
        VOID.distinctSubjects: len({s for s, _, _ in triples}),
        VOID.properties: len({p for _, p, _ in triples}),
        VOID.classes: len({o for _, p, o in triples if p == rdf_type}),
        VOID.entities: len({s for s, p, o in triples if p == rdf_type and o == entity}),
    }
    assert {k: int(void.value(dataset, k)) for k in expected} == expected
    sizes = {}
    for q in quads:
        if q.graph_name != pyoxigraph.DefaultGraph():
            sizes[q.graph_name.value] = sizes.get(q.graph_name.value, 0) + 1
    for graph, size in sizes.items():
        assert int(void.value(URIRef(graph), VOID.triples)) == size


def test_void_counts_by_chunks_are_the_line_by_line_counts(built: Settings, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    """``count_file`` (regular expressions over chunks) counts what ``statistics`` counts a
    line at a time: on the seeds' kg.nt, and on awkward lines read in chunks of a few bytes,
    so that subjects and lines straddle chunk boundaries."""
    from kg.release import void

    kg_nt = Publication.current(built.dist_dir).file("kg.nt")
    odd = tmp_path / "odd.nt"
    odd.write_bytes(b"".join(sorted({
        b'<urn:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:C> .\n',
        b'<urn:a> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q1> .\n',
        b'<urn:a> <urn:p> "x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:D> ." .\n',
        b'<urn:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "literal" .\n',
        b'<urn:b> <http://www.w3.org/2005/11/its/rdf#taIdentRef> <urn:a> .\n',
        b'_:b1 <urn:p> <urn:a> .\n',
        b'_:b2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:C> .\n',
        b'<urn:b> <http://www.w3.org/2002/07/owl#sameAs> <https://sws.geonames.org/1/> .\n',
    })))
    for path, chunk in ((kg_nt, void.CHUNK), (kg_nt, 4096), (odd, 7), (odd, 1)):
        monkeypatch.setattr(void, "CHUNK", chunk)
        with open(path, "rb") as lines:
            expected = void.statistics(lines, (), built.base_uri)
        assert void.count_file(path, built.base_uri) == expected, (path.name, chunk)
