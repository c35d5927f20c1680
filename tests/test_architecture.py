"""The layer rules of docs/ARCHITECTURE.md, checked on the source rather than trusted.

Imports are read with ``ast`` from every module of ``kg/`` and ``server/``: module-level ones,
those inside functions (deferred imports are still dependencies) and those under
``if TYPE_CHECKING:`` (a type-only import still couples the layers). ``from server import
metrics`` counts as an import of ``server.metrics``. Dynamic imports (``importlib``) are not
seen; the code has none.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "server")

WEB = ("flask", "werkzeug", "jinja2", "flask_cors", "flask_compress", "granian", "gunicorn")
#: The pipeline's stages in the data's order; a stage never imports a later one.
STAGES = ("kg.corpus", "kg.nlp", "kg.extract", "kg.resolve", "kg.rdf", "kg.validate", "kg.release")
#: What drives the stages (commands, sequencing, scoring); no stage imports these.
DRIVERS = ("kg.pipeline", "kg.cli", "kg.__main__", "kg.evaluate", "kg.query", "kg.serve")
#: The part of kg the server may use: settings, vocabularies, formats, URI kinds and the
#: on-disk layout of a release. None of it loads spaCy.
KG_SHARED = ("kg", "kg.settings", "kg.vocab", "kg.formats", "kg.uris", "kg.curation",
             "kg.release", "kg.release.publication")
#: Modules any kg module may use: plain data, the gazetteer and the shared part.
KG_FOUNDATION = (*KG_SHARED, "kg.model", "kg.gazetteer")
#: The server's shared modules, below both protocol packages.
SERVER_SHARED = ("server.state", "server.errors", "server.metrics", "server.ops", "server.web",
                 "server.limits", "server.serving", "server.bodies", "server.admission",
                 "server.budget")
SERVER_PARTS = ("server.engine", "server.sparql", "server.linked_data")


def within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def exactly(module: str, *names: str) -> bool:
    return module in names


@dataclass(frozen=True)
class Import:
    importer: str
    target: str
    where: str  # path:line
    deferred: bool  # inside a function


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
    }


SOURCES = _sources()


def _imports_in(module: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST, deferred: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            where = f"{path.relative_to(ROOT)}:{getattr(child, 'lineno', '?')}"
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, where, deferred)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    yield Import(module, sub if sub in SOURCES else base, where, deferred)
            yield from visit(child, deferred or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    yield from visit(tree, False)


IMPORTS = [imp for module, path in SOURCES.items() for imp in _imports_in(module, path)]


@dataclass(frozen=True)
class Rule:
    """Modules matching ``importer`` must not import anything matching ``forbidden``."""

    name: str
    importer: Callable[[str], bool]  # module -> whether the rule applies to it
    forbidden: Callable[[str, str], bool]  # (importer, target) -> whether that import breaks it
    deferred_ok: tuple[str, ...] = ()  # importers allowed these imports inside functions


def _later_stage(importer: str, target: str) -> bool:
    mine = next((i for i, s in enumerate(STAGES) if within(importer, s)), None)
    if mine is None:
        return False
    theirs = next((i for i, s in enumerate(STAGES) if within(target, s)), None)
    return (theirs is not None and theirs > mine) or within(target, *DRIVERS)


RULES = (
    Rule("kg imports neither server nor a web framework; `kg serve` (kg/serve.py) is the one "
         "bridge, and imports them only inside functions so other commands never load them",
         lambda m: within(m, "kg"), lambda m, t: within(t, "server", *WEB),
         deferred_ok=("kg.serve",)),
    Rule("a pipeline stage (corpus -> nlp -> extract -> resolve -> rdf -> validate -> release) "
         "imports no later stage and no driver (pipeline, cli, evaluate, query, serve)",
         lambda m: within(m, *STAGES), _later_stage),
    Rule("kg's foundation (model, gazetteer, settings, vocab, formats, uris, "
         "release.publication) imports no stage and no driver",
         lambda m: exactly(m, *KG_FOUNDATION),
         lambda m, t: within(t, "kg") and not exactly(t, *KG_FOUNDATION)),
    Rule("the part of kg the server uses imports only that part (so no spaCy in a web worker)",
         lambda m: exactly(m, *KG_SHARED),
         lambda m, t: within(t, "kg") and not exactly(t, *KG_SHARED)),
    Rule("server imports from kg only its shared part: settings, vocab, formats, uris, "
         "release.publication (and kg.__version__)",
         lambda m: within(m, "server"),
         lambda m, t: within(t, "kg") and not exactly(t, *KG_SHARED)),
    Rule("server.engine imports neither flask nor werkzeug (nor any web framework)",
         lambda m: within(m, "server.engine"), lambda m, t: within(t, *WEB)),
    Rule("server.engine imports from server only itself and the Flask-free server.metrics and "
         "server.limits (never server.sparql, server.linked_data or a Flask-bound module)",
         lambda m: within(m, "server.engine"),
         lambda m, t: within(t, "server")
         and not within(t, "server.engine", "server.metrics", "server.limits")),
    Rule("server.metrics and server.limits (used by the engine and the WSGI front) import no "
         "web framework",
         lambda m: exactly(m, "server.metrics", "server.limits"), lambda m, t: within(t, *WEB)),
    Rule("server.sparql does not import server.linked_data",
         lambda m: within(m, "server.sparql"), lambda m, t: within(t, "server.linked_data")),
    Rule("server.linked_data does not import server.sparql",
         lambda m: within(m, "server.linked_data"), lambda m, t: within(t, "server.sparql")),
    Rule("server's shared modules (state, errors, metrics, ops, web, limits, serving, bodies) import "
         "none of engine, sparql, linked_data",
         lambda m: exactly(m, *SERVER_SHARED), lambda m, t: within(t, *SERVER_PARTS)),
)

#: Violations that exist today, each with why and who removes it (none now: the executor's
#: import of the SPARQL views' format table went when kg.formats replaced it).
KNOWN: dict[tuple[str, str], str] = {}


def violations(rule: Rule) -> list[Import]:
    return [
        imp for imp in IMPORTS
        if rule.importer(imp.importer) and rule.forbidden(imp.importer, imp.target)
        and not (imp.deferred and imp.importer in rule.deferred_ok)
    ]


def test_the_scan_sees_the_code():
    """Guard against a rule passing because the scan found nothing."""
    assert {"kg.settings", "kg.pipeline", "server.engine.worker", "server.sparql.front"} <= set(SOURCES)
    targets = {(imp.importer, imp.target) for imp in IMPORTS}
    assert ("server.engine.lookup_runner", "server.metrics") in targets  # `from server import metrics`
    assert ("kg.serve", "server") in targets and ("kg.pipeline", "kg.extract") in targets
    assert any(imp.deferred for imp in IMPORTS if imp.importer == "kg.cli")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name[:60])
def test_layer_rule(rule: Rule):
    found = [imp for imp in violations(rule) if (imp.importer, imp.target) not in KNOWN]
    assert not found, f"{rule.name}:\n" + "\n".join(
        f"  {imp.where}: {imp.importer} imports {imp.target}" for imp in found)


def test_known_violations_break_a_rule():
    """An entry of KNOWN that no rule forbids would excuse nothing; keep the list honest."""
    for pair in KNOWN:
        assert any(pair in {(i.importer, i.target) for i in violations(r)} for r in RULES), pair


def _present(pair: tuple[str, str]) -> bool:
    return pair in {(imp.importer, imp.target) for imp in IMPORTS}


def test_known_violations_still_exist():
    """An entry of KNOWN whose import is gone excuses nothing: delete it."""
    assert all(_present(pair) for pair in KNOWN), [p for p in KNOWN if not _present(p)]


ENGINE_ALONE = (
    "import sys, server.engine.worker, server.engine.executors, server.engine.lookup_runner, "
    "server.engine.cache, server.engine.results, server.engine.update_dataset; "
    "web = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')); "
    "assert not web, web"
)


def test_engine_loads_no_web_framework():
    """What an executor process loads: the static rules above, followed transitively."""
    result = subprocess.run([sys.executable, "-c", ENGINE_ALONE], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_server_loads_no_nlp():
    """Every server module imported: spaCy (and the pipeline) never come with them."""
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(m for m in SOURCES if within(m, 'server'))!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'spacy' "
        "or m.startswith(('kg.nlp', 'kg.extract', 'kg.pipeline')))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


# --- only kg.settings reads KG_* variables ------------------------------------------------

def _string_constants() -> dict[str, str]:
    """Module-level NAME = "KG_..." constants of every module, by name."""
    found: dict[str, str] = {}
    for path in SOURCES.values():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str) and node.value.value.startswith("KG_")):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = node.value.value
    return found


KG_CONSTANTS = _string_constants()


def _kg_name(node: ast.AST | None, constants: dict[str, str]) -> str | None:
    """The KG_* name an expression stands for, if it is a literal or a known constant."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if node.value.startswith("KG_") else None
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.Attribute):
        return constants.get(node.attr)
    return None


def env_reads(path: Path, constants: dict[str, str] = KG_CONSTANTS) -> Iterator[tuple[int, str]]:
    """(line, variable) of each read of a KG_* variable from the process environment:
    ``os.environ[...]``, ``os.environ.get/pop(...)``, ``os.getenv(...)``, ``... in os.environ``
    (also through ``from os import environ, getenv``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {"environ": False, "getenv": False}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            for alias in node.names:
                if alias.name in aliases:
                    aliases[alias.name] = True

    def is_environ(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ"
                and isinstance(node.value, ast.Name) and node.value.id == "os") or (
            aliases["environ"] and isinstance(node, ast.Name) and node.id == "environ")

    def is_getter(func: ast.AST) -> bool:
        if isinstance(func, ast.Attribute) and func.attr in ("get", "pop"):
            return is_environ(func.value)
        if isinstance(func, ast.Attribute) and func.attr == "getenv":
            return isinstance(func.value, ast.Name) and func.value.id == "os"
        return aliases["getenv"] and isinstance(func, ast.Name) and func.id == "getenv"

    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and is_environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args and is_getter(node.func):
            key = node.args[0]
        elif (isinstance(node, ast.Compare) and len(node.ops) == 1
              and isinstance(node.ops[0], (ast.In, ast.NotIn)) and is_environ(node.comparators[0])):
            key = node.left
        name = _kg_name(key, constants)
        if name:
            yield node.lineno, name


def test_env_scan_finds_reads(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import environ\nNAME = 'KG_X'\n"
        "a = os.environ.get('KG_A')\nb = os.environ[NAME]\nc = os.getenv('KG_C')\n"
        "d = 'KG_D' in environ\ne = os.environ.get('HOME')\nos.environ['KG_E'] = '1'\n"
    )
    found = sorted(env_reads(sample, {"NAME": "KG_X"}))
    assert found == [(4, "KG_A"), (5, "KG_X"), (6, "KG_C"), (7, "KG_D")]


def test_only_settings_reads_kg_variables():
    """Components get a Settings object. Allowed: kg.settings itself, and code that reads a
    variable *through* kg.settings (the executor child's ``BY_NAME[...].read(os.environ)``:
    its pool hands it KG_EXECUTOR_SANDBOX in the child's environment), which is no direct read.
    Writing a KG_* variable for a child process (``env[...] = ...``) is not a read either."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: reads {name}"
        for module, path in SOURCES.items() if module != "kg.settings"
        for line, name in env_reads(path)
    ]
    assert not found, "read these through kg.settings (Settings / BY_NAME):\n" + "\n".join(found)
