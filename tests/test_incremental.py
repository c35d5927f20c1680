"""Incremental, parallel builds: the cache, additions in any order, removals, a real local
Dask cluster and a real scheduler reached over TCP all give the very same release."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph
import pytest

from kg.parallel import Runner
from kg.pipeline import build
from kg.release import incremental
from kg.release.changes import diff_files
from kg.release.publication import ADDED_FILE, DUMP_FORMATS, REMOVED_FILE, VOID_FILE, Publication
from kg.settings import PROJECT_ROOT, Settings
from kg.uris import Kind

SEEDS = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))
BASE = "http://127.0.0.1:5999/"


def _settings(work: Path, corpus: Path) -> Settings:
    return Settings(base_uri=BASE, seeds_dir=corpus, dist_dir=work / "dist", workers=1)


def _corpus(work: Path, files: list[Path]) -> Path:
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "seeds" / "catalog.ttl", corpus / "catalog.ttl")
    for file in files:
        shutil.copy(file, corpus / file.name)
    return corpus


def _dumps(settings: Settings) -> dict[str, bytes]:
    publication = Publication.current(settings.dist_dir)
    assert publication is not None
    return {name: publication.file(name).read_bytes()
            for name in [*DUMP_FORMATS, *(f"{n}.gz" for n in DUMP_FORMATS)]}


def _store(publication: Publication) -> list[str]:
    """Every quad the release's store holds, sorted (stores are compared by content: a
    checkpoint plus a delta is laid out differently on disk than a bulk load), but VoID's: it
    states the release's own version and time (its graph must hold as many triples as
    void.ttl; the store writes dateTimes canonically, so they are not compared as text)."""
    store = pyoxigraph.Store.read_only(str(publication.store_path))
    void = [q.triple for q in pyoxigraph.parse(path=str(publication.file(VOID_FILE)),
                                                format=pyoxigraph.RdfFormat.TURTLE)]
    graph = pyoxigraph.NamedNode(Kind.GRAPH.iri(BASE, "void"))
    assert len(list(store.quads_for_pattern(None, None, None, graph))) == len(set(void))
    described = {t.subject for t in void}
    return sorted(str(q) for q in store if q.graph_name != graph and q.subject not in described)


def _release(settings: Settings) -> dict[str, object]:
    """The dumps, the store's quads, the dataset's counts and the search index: what must not
    depend on the way a release was reached."""
    publication = Publication.current(settings.dist_dir)
    assert publication is not None
    counts = {k: publication.manifest[k] for k in ("triples", "dataset_quads")}
    # the manifest's quads, added up from the parts, are all the store holds
    assert publication.manifest["quads"] == len(
        pyoxigraph.Store.read_only(str(publication.store_path)))
    return {**_dumps(settings), "store": _store(publication), "counts": counts,
            "search": publication.search_path.read_bytes(), "void": _void(publication)}


def _void(publication: Publication) -> list[str]:
    """VoID's statements but those of the release's own version and time: its counts, which
    a release derived from the previous one takes from the previous counts and the change."""
    version = ("http://purl.org/dc/terms/modified", "http://www.w3.org/2002/07/owl#versionInfo",
               "http://purl.org/dc/terms/hasVersion")
    triples = pyoxigraph.parse(path=str(publication.file(VOID_FILE)),
                               format=pyoxigraph.RdfFormat.TURTLE)
    return sorted(str(t) for t in triples if t.predicate.value not in version
                  and "/releases/" not in str(t.subject))


def _messages(settings: Settings, **kwargs) -> list[str]:
    said: list[str] = []
    build(settings, progress=said.append, **kwargs)
    return said


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The five seeds built from scratch, serially: what every other way must equal."""
    work = tmp_path_factory.mktemp("scratch")
    settings = _settings(work, _corpus(work, SEEDS))
    build(settings, progress=lambda _m: None)
    return _release(settings)


@pytest.fixture
def deltas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the store's delta path however large the change (on five seeds any change is more
    than the share past which a build loads afresh)."""
    monkeypatch.setattr(incremental, "MAX_CHANGE", float("inf"))


@pytest.mark.usefixtures("deltas")
def test_additions_in_any_order_give_the_same_bytes(scratch, tmp_path: Path):
    """Two seeds, then the other three one by one in reverse order: each addition parses only
    the new article and publishes from the previous release (merged dumps, a checkpoint of its
    store plus the difference), and the end is byte-identical to the build from scratch, with
    the same quads in the store."""
    corpus = _corpus(tmp_path, SEEDS[:2])
    settings = _settings(tmp_path, corpus)
    build(settings, progress=lambda _m: None)
    for seed in reversed(SEEDS[2:]):
        shutil.copy(seed, corpus / seed.name)
        before = Publication.current(settings.dist_dir)
        assert before is not None
        shutil.copy(before.file("kg.nq"), tmp_path / "previous.nq")
        said = _messages(settings)
        assert any(f"{len(list(corpus.glob('*.txt'))) - 1} unchanged, 1 to parse" in m
                   for m in said), said
        assert any("store: a checkpoint of" in m for m in said), said
        assert any("part(s) kept from" in m and "(spliced)" in m for m in said), said
        # the patch, told from the parts that changed, is what comparing the dumps gives
        assert any("changes since the previous release, from the parts" in m for m in said), said
        after = Publication.current(settings.dist_dir)
        assert after is not None
        counts = diff_files(tmp_path / "previous.nq", after.file("kg.nq"), tmp_path / "added",
                            tmp_path / "removed")
        assert counts == (after.manifest["changes"]["added"], after.manifest["changes"]["removed"])
        assert after.file(ADDED_FILE).read_bytes() == (tmp_path / "added").read_bytes()
        assert after.file(REMOVED_FILE).read_bytes() == (tmp_path / "removed").read_bytes()
        for name in DUMP_FORMATS:  # most pieces of every dump and .gz copied, not rewritten
            assert any(re.search(rf"{name}: [1-9][0-9]* piece\(s\) reused", m) for m in said), said
    assert _release(settings) == scratch


def test_an_unchanged_corpus_parses_and_validates_nothing(tmp_path: Path):
    settings = _settings(tmp_path, _corpus(tmp_path, SEEDS[:2]))
    build(settings, progress=lambda _m: None)
    said = _messages(settings)
    assert any("corpus: 2 of 2 file(s) as the last build read them" in m for m in said), said
    assert any("2 unchanged, 0 to parse" in m for m in said), said
    assert any(m.startswith("validating 0 of ") for m in said), said
    assert any("0 article graph(s) written, 2 unchanged" in m for m in said), said


def test_a_changed_catalog_entry_reads_its_article_again(tmp_path: Path):
    """An unchanged file is not segmented again, but its catalog entry is part of what it
    was read as: a new title reads and parses that article again and reaches the dumps."""
    corpus = _corpus(tmp_path, SEEDS[:2])
    settings = _settings(tmp_path, corpus)
    build(settings, progress=lambda _m: None)
    catalog = corpus / "catalog.ttl"
    title = "El Salvador offers to jail violent US criminals and deportees of any nationality"
    assert title in catalog.read_text(encoding="utf-8")
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(title, "A title edited later"),
                       encoding="utf-8")
    said = _messages(settings)
    assert any("corpus: 1 of 2 file(s) as the last build read them" in m for m in said), said
    assert any("1 unchanged, 1 to parse" in m for m in said), said
    assert b"A title edited later" in _dumps(settings)["kg.nt"]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(("LOCK", "LOG"))}  # RocksDB's own


@pytest.mark.usefixtures("deltas")
@pytest.mark.parametrize("units", ["kept", "cleared"])
def test_a_removed_article_leaves_the_next_release(tmp_path: Path, units: str):
    """Removed from the corpus, an article leaves the dumps and the store of the release derived
    from the previous one, which equals a publication from scratch of the same corpus; the
    previous release (whose store was checkpointed) keeps every file and quad it had. With the
    units cache kept, the release splices the change into the previous files; with it cleared,
    the gone article's lines are not known apart, and the named graphs are filtered and merged."""
    corpus = _corpus(tmp_path, SEEDS[:3])
    settings = _settings(tmp_path, corpus)
    build(settings, progress=lambda _m: None)
    gone = SEEDS[2].stem
    assert f"article/{gone}".encode() in _dumps(settings)["kg.nq"]
    old = Publication.current(settings.dist_dir)
    old_files, old_store = _files(old.root), _store(old)
    (corpus / SEEDS[2].name).unlink()
    if units == "cleared":
        shutil.rmtree(settings.cache / "units")
    said = _messages(settings)
    assert any("store: a checkpoint of" in m for m in said), said
    how = "spliced" if units == "kept" else "merged"
    assert any(f"dropped ({how})" in m for m in said), said
    assert f"article/{gone}".encode() not in _dumps(settings)["kg.nq"]
    new = Publication.current(settings.dist_dir)
    assert f"article/{gone}".encode() not in _store(new)
    assert new.manifest["articles"] == [s.stem for s in SEEDS[:2]]
    assert _files(old.root) == old_files and _store(old) == old_store
    fresh = Settings(base_uri=BASE, seeds_dir=corpus, dist_dir=tmp_path / "fresh" / "dist",
                     workers=1, cache_dir=settings.cache)  # the same caches, no previous release
    build(fresh, progress=lambda _m: None)
    assert _release(fresh) == _release(settings)


@pytest.mark.usefixtures("deltas")
def test_an_edited_article_is_parsed_again(tmp_path: Path):
    corpus = _corpus(tmp_path, SEEDS[:2])
    settings = _settings(tmp_path, corpus)
    build(settings, progress=lambda _m: None)
    edited = corpus / SEEDS[1].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe agreement was signed in 2025.\n",
                      encoding="utf-8")
    said = _messages(settings)
    assert any("1 unchanged, 1 to parse" in m for m in said), said
    fresh = Settings(base_uri=BASE, seeds_dir=corpus, dist_dir=tmp_path / "fresh" / "dist",
                     workers=1, cache_dir=settings.cache)
    build(fresh, progress=lambda _m: None)
    assert _release(fresh) == _release(settings)  # the changed graph replaced, nothing else


def test_a_short_name_in_a_new_article_joins_the_known_person(tmp_path: Path):
    """'Bukele' alone, added later, is res:Nayib_Bukele; a full name that first appears in a
    later article merges the surname-only mentions an earlier article made."""
    corpus = _corpus(tmp_path, SEEDS[:1])
    settings = _settings(tmp_path, corpus)
    (corpus / "z_short.txt").write_text(
        "Ramirez visits the port\n\nRamirez said the port would open in May. Bukele met "
        "Ramirez in San Salvador on Monday.\n", encoding="utf-8")
    build(settings, progress=lambda _m: None)
    nq = _dumps(settings)["kg.nq"]
    assert f"<{BASE}resource/Nayib_Bukele>".encode() in nq
    assert f"<{BASE}resource/Ramirez>".encode() in nq  # alone, a surname is its own resource
    (corpus / "zz_full.txt").write_text(
        "Minister speaks\n\nTransport Minister Lucia Ramirez said the line would be built.\n",
        encoding="utf-8")
    build(settings, progress=lambda _m: None)
    nq = _dumps(settings)["kg.nq"]
    assert f"<{BASE}resource/Lucia_Ramirez>".encode() in nq
    assert f"<{BASE}resource/Ramirez>".encode() not in nq


def test_a_local_dask_cluster_gives_the_serial_release(scratch, tmp_path: Path):
    """Two worker processes of a real LocalCluster (forced, though the corpus is small)."""
    settings = _settings(tmp_path, _corpus(tmp_path, SEEDS))
    said: list[str] = []
    with Runner(workers=2, min_items=0) as runner:
        build(settings, progress=said.append, runner=runner)
    assert any("2 local worker processes" in m for m in said), said
    assert _release(settings) == scratch


def test_a_dask_scheduler_over_tcp_gives_the_serial_release(scratch, tmp_path: Path):
    """``--scheduler``: a separate scheduler and workers, reached by address on loopback."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_port=0) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        settings = _settings(tmp_path, _corpus(tmp_path, SEEDS))
        said: list[str] = []
        build(settings, progress=said.append, scheduler=address)
    assert any(f"the Dask cluster at {address}" in m for m in said), said
    assert _release(settings) == scratch


def test_a_build_killed_while_publishing_leaves_the_release_and_no_leftovers(tmp_path: Path):
    """kill -9 in the middle of writing the dumps: the previous release keeps serving, and the
    next build clears the dead one's staging folder (the lock says no live build owns it)."""
    import os
    import signal
    import subprocess
    import sys

    corpus = _corpus(tmp_path, SEEDS[:1])
    settings = _settings(tmp_path, corpus)
    build(settings, progress=lambda _m: None)
    before = Publication.current(settings.dist_dir)
    shutil.copy(SEEDS[1], corpus / SEEDS[1].name)
    env = dict(os.environ, KG_SEEDS=str(corpus), KG_DIST=str(settings.dist_dir),
               KG_BASE_URI=BASE, KG_WORKERS="1")
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build"], env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "writing the dumps" in line:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    releases = settings.dist_dir.parent / ".kg-releases"
    assert [p for p in releases.glob(".*") if p.is_dir()], "the killed build left its staging"
    assert Publication.current(settings.dist_dir).root == before.root
    assert before.file("kg.nq").read_bytes()  # still whole and readable
    build(settings, progress=lambda _m: None)
    assert not [p for p in releases.glob(".*") if p.is_dir()]
    assert Publication.current(settings.dist_dir).manifest["articles"] == [s.stem for s in SEEDS[:2]]


def test_a_second_build_at_the_same_time_stops_with_a_reason(tmp_path: Path):
    import os
    import subprocess
    import sys

    from kg.release.lock import build_lock

    settings = _settings(tmp_path, _corpus(tmp_path, SEEDS[:1]))
    env = dict(os.environ, KG_SEEDS=str(settings.seeds_dir), KG_DIST=str(settings.dist_dir),
               KG_BASE_URI=BASE)
    with build_lock(settings.dist_dir):  # as a build in progress holds it
        result = subprocess.run([sys.executable, "-m", "kg", "build"], capture_output=True,
                                text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert f"another build (process {os.getpid()}) is publishing to" in result.stderr
