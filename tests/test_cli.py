"""The `kg` command as a user runs it: a real subprocess, real exit codes and messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.settings import Settings


def kg(*args: str, env: dict | None = None, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, input=stdin, timeout=300)


@pytest.mark.parametrize("command", ["build", "validate", "query", "serve"])
def test_help_for_each_command(command: str):
    result = kg(command, "--help")
    assert result.returncode == 0
    assert f"usage: kg {command}" in result.stdout


def test_query_prints_a_table(built: Settings):
    result = kg("query", "--dist", str(built.dist_dir), "--base-uri", built.base_uri,
                'SELECT ?label WHERE { res:Nayib_Bukele rdfs:label ?label }')
    assert result.returncode == 0, result.stderr
    assert "| label" in result.stdout and "| Nayib Bukele |" in result.stdout
    assert "1 row(s)" in result.stdout


def test_query_from_stdin_as_csv(built: Settings):
    result = kg("query", "--dist", str(built.dist_dir), "--format", "csv", "-",
                stdin="SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Article }",
                env={"KG_BASE_URI": built.base_uri})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "5"]


def test_malformed_query_is_a_one_line_error(built: Settings):
    result = kg("query", "--dist", str(built.dist_dir), "SELEC ?x WHERE {")
    assert result.returncode == 1
    assert result.stderr.startswith("kg query: error: malformed SPARQL: ")
    assert result.stdout == ""


def test_query_without_a_publication(tmp_path: Path):
    result = kg("query", "--dist", str(tmp_path / "nothing"), "ASK {}")
    assert result.returncode == 1
    assert "no publication at" in result.stderr and "run `kg build` first" in result.stderr


def test_validate_a_file_with_a_violation(tmp_path: Path, built: Settings):
    bad = tmp_path / "bad.ttl"
    bad.write_text(f"<{built.base_uri}resource/X> a <{built.base_uri}ontology#Entity> .\n")
    result = kg("validate", "--base-uri", built.base_uri, str(bad))
    assert result.returncode == 1
    assert "Violation" in result.stdout
    assert "An entity needs exactly one rdfs:label per language" in result.stdout


def test_validate_an_unparsable_file(tmp_path: Path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("<a> <b> .\n")
    result = kg("validate", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith(f"kg validate: error: {bad}: cannot parse RDF")


def test_build_strict_stops_on_a_bad_file(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title\n\nThe mayor opened the new bridge in Springfield.\n")
    (seeds / "b.txt").write_bytes(b"\xff\xfe\x00b\x00a\x00d")
    result = kg("build", "--strict", "-q", "--seeds", str(seeds), "--dist", str(tmp_path / "d"))
    assert result.returncode == 1
    assert result.stderr.startswith("kg build: error: --strict: 1 file(s) could not be read: b.txt:")
    assert not (tmp_path / "d").exists()


def test_eval_scores_each_set_apart():
    result = kg("eval", "--set", "unseen")
    assert result.returncode == 0, result.stderr
    assert "== unseen: tests/articles against tests/gold/unseen" in result.stdout
    assert result.stdout.count("== ") == 1 and "\nquotes " in result.stdout


def test_add_copies_new_articles_in_and_publishes_them(tmp_path: Path):
    from kg.settings import PROJECT_ROOT

    seeds = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / seeds[0].name).write_bytes(seeds[0].read_bytes())
    env = {"KG_SEEDS": str(corpus), "KG_DIST": str(tmp_path / "dist"), "KG_WORKERS": "1"}
    assert kg("build", "-q", env=env).returncode == 0
    added = kg("add", str(seeds[3]), env=env)
    assert added.returncode == 0, added.stderr
    assert "from 2 article(s)" in added.stdout and (corpus / seeds[3].name).is_file()
    other = tmp_path / seeds[0].name
    other.write_text("A different text under a name the corpus already has.\n", encoding="utf-8")
    clash = kg("add", str(other), env=env)
    assert clash.returncode == 1 and "exists with other content" in clash.stderr
    not_text = tmp_path / "notes.md"
    not_text.write_text("# notes\n", encoding="utf-8")
    refused = kg("add", str(not_text), env=env)
    assert refused.returncode == 1 and "not a .txt file" in refused.stderr


@pytest.mark.parametrize("module", ["kg", "kg.cli"])
def test_python_dash_m_kg_cli_runs_the_command(module: str, tmp_path: Path):
    """`python -m kg.cli` is the same command as `python -m kg`, not a silent exit 0."""
    usage = subprocess.run([sys.executable, "-m", module, "build", "--help"], capture_output=True,
                           text=True, timeout=120)
    assert usage.returncode == 0 and "usage: kg build" in usage.stdout
    missing = subprocess.run([sys.executable, "-m", module, "query", "--dist",
                              str(tmp_path / "nothing"), "ASK {}"], capture_output=True,
                             text=True, timeout=120)
    assert missing.returncode == 1
    assert missing.stderr.startswith("kg query: error: no publication at")
