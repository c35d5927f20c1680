"""kg.settings is the one table of KG_* variables: the README shows it, Settings reads it,
and the server's Limits agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.settings import BY_NAME, README_BEGIN, README_END, SETTINGS, Settings, markdown_table
from server.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: One valid, non-default raw value per variable and what it reads as. A new setting needs a row.
SAMPLES: dict[str, tuple[str, object]] = {
    "KG_BASE_URI": ("https://news.example/kg", "https://news.example/kg/"),
    "KG_SEEDS": ("/data/articles", Path("/data/articles")),
    "KG_DIST": ("/srv/dist", Path("/srv/dist")),
    "KG_SHAPES": ("/srv/shapes", Path("/srv/shapes")),
    "KG_MAX_DOC_BYTES": ("5000", 5000),
    "KG_CACHE": ("/srv/cache", Path("/srv/cache")),
    "KG_WORKERS": ("3", 3),
    "KG_SHACL_ENGINE": ("turbo", "turbo"),
    "KG_LOAD_BATCH": ("0", 0),
    "KG_SCHEDULER": ("tcp://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
    "KG_REMOTE_STORE": ("http://db:7878, http://db:7879/kg", "http://db:7878/ http://db:7879/kg/"),
    "KG_REMOTE_SERVICES": (" query  update data", "query update data"),
    "KG_SERVER": (" Gunicorn ", "gunicorn"),
    "KG_THREADS": ("2", 2),
    "KG_QUERY_EXECUTORS": ("3", 3),
    "KG_QUERY_TIMEOUT": ("2.5", 2.5),
    "KG_UPDATE_TIMEOUT": ("30", 30.0),
    "KG_MAX_ROWS": ("3", 3),
    "KG_MAX_REQUEST_BYTES": ("2048", 2048),
    "KG_MAX_UPLOAD_BYTES": ("4096", 4096),
    "KG_MAX_NESTING": ("64", 64),
    "KG_QUERY_MEMORY_MB": ("2048", 2048),
    "KG_MAX_MEMORY": ("16384", 16384),
    "KG_QUERY_CACHE_MB": ("0", 0),
    "KG_INLINE_LOOKUPS": ("off", False),
    "KG_FAST_PATH": ("No", False),
    "KG_EXECUTOR_SANDBOX": ("best-effort", "best-effort"),
    "KG_SHACL_MAX_BYTES": ("100", 100),
    "KG_SHACL_TIMEOUT": ("5", 5.0),
    "KG_SHACL_MAX_MEMORY": ("1073741824", 1 << 30),
    "KG_METRICS": ("Open", "open"),
    "KG_ACCESS_LOG": ("off", "off"),
    "KG_ADMIN_TOKEN": ("0123456789abcdef", "0123456789abcdef"),
    "KG_ADMIN_DIR": ("/srv/admin", Path("/srv/admin")),
    "KG_CURATION_DIR": ("/srv/curation", Path("/srv/curation")),
}

#: Values each checked variable must refuse.
BAD: list[tuple[str, str]] = [
    ("KG_REMOTE_STORE", "http://db:7878/"),
    ("KG_REMOTE_STORE", "http://db:7878/ http://db:7878/"),
    ("KG_REMOTE_STORE", "http://db:7878/ db:7879"),
    ("KG_REMOTE_SERVICES", "query update"),
    ("KG_BASE_URI", "ftp://news.example/"),
    ("KG_BASE_URI", "news.example"),
    ("KG_MAX_DOC_BYTES", "lots"),
    ("KG_WORKERS", "0"),
    ("KG_METRICS", "public"),
    ("KG_WORKERS", "all"),
    ("KG_SHACL_ENGINE", "jena"),
    ("KG_LOAD_BATCH", "-5"),
    ("KG_LOAD_BATCH", "half"),
    ("KG_SERVER", "uwsgi"),
    ("KG_THREADS", "0"),
    ("KG_THREADS", "-2"),
    ("KG_QUERY_EXECUTORS", "1.5"),
    ("KG_QUERY_TIMEOUT", "soon"),
    ("KG_QUERY_TIMEOUT", "0"),
    ("KG_UPDATE_TIMEOUT", "-1"),
    ("KG_MAX_ROWS", "ten"),
    ("KG_MAX_REQUEST_BYTES", "1MiB"),
    ("KG_MAX_UPLOAD_BYTES", "0"),
    ("KG_MAX_NESTING", "0"),
    ("KG_MAX_NESTING", "5000"),
    ("KG_QUERY_MEMORY_MB", "4G"),
    ("KG_MAX_MEMORY", "0"),
    ("KG_QUERY_CACHE_MB", "-1"),
    ("KG_EXECUTOR_SANDBOX", "none"),
    ("KG_SHACL_MAX_BYTES", "0"),
    ("KG_SHACL_TIMEOUT", "never"),
    ("KG_SHACL_MAX_MEMORY", "2GiB"),
]


def readme_block() -> str:
    text = README.read_text(encoding="utf-8")
    assert text.count(README_BEGIN) == 1 and text.count(README_END) == 1, "one generated table"
    start = text.index(README_BEGIN)
    return text[start : text.index(README_END, start) + len(README_END)]


def test_readme_table_is_the_generated_one():
    assert readme_block() == markdown_table(), "run `python -m kg.settings` and paste its output"


def test_readme_names_only_real_settings():
    named = set(re.findall(r"\bKG_[A-Z][A-Z_]*[A-Z]\b", README.read_text(encoding="utf-8")))
    assert named <= set(BY_NAME), sorted(named - set(BY_NAME))


def test_table_and_settings_agree_on_defaults():
    defaults = Settings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.field) == setting.default, setting.name
    assert Settings.from_env({}) == defaults


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_default_round_trips(setting):
    """The default, written out as a variable's value, reads back as itself."""
    if setting.default is None:  # computed from another setting (shown_default says which)
        assert setting.shown_default
        return
    raw = "on" if setting.default is True else str(setting.default)
    assert setting.read({setting.name: raw}) == setting.default
    assert setting.read({}) == setting.default
    assert setting.read({setting.name: "  "}) == setting.default  # blank means unset


def test_every_setting_has_a_sample():
    assert set(SAMPLES) == set(BY_NAME)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_from_env_reads_each_variable(name):
    raw, expected = SAMPLES[name]
    settings = Settings.from_env({name: raw})
    assert getattr(settings, BY_NAME[name].field) == expected
    assert expected != BY_NAME[name].default


def test_from_env_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("KG_MAX_ROWS", "7")
    monkeypatch.setenv("KG_SERVER", "gunicorn")
    monkeypatch.delenv("KG_THREADS", raising=False)
    monkeypatch.delenv("KG_QUERY_EXECUTORS", raising=False)
    settings = Settings.from_env()
    # a quarter of the 8 threads: the rest stay free for lookups and pages (server.admission)
    assert (settings.max_rows, settings.server, settings.executors) == (7, "gunicorn", 2)
    assert Settings.from_env(max_rows=2, threads=None).max_rows == 2  # flags win; None is "not given"


@pytest.mark.parametrize(("name", "raw"), BAD, ids=[f"{n}={r}" for n, r in BAD])
def test_bad_values_are_refused_by_name(name, raw):
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: raw})


def test_limits_defaults_are_the_tables():
    assert Limits() == Limits.from_settings(Settings())


def test_limits_follow_the_settings():
    settings = Settings.from_env({"KG_THREADS": "12", "KG_MAX_ROWS": "5", "KG_QUERY_TIMEOUT": "3"})
    limits = Limits.from_settings(settings)
    assert (limits.executors, limits.max_rows, limits.query_timeout) == (3, 5, 3.0)
    assert Limits.from_settings(settings.replace(query_executors=6)).executors == 6
