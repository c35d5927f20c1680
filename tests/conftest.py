"""Session fixtures shared by every test module: a real publication and a real server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kg.settings import PROJECT_ROOT, Settings

TESTS = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_port() -> int:
    return _free_port()


@pytest.fixture(scope="session")
def base_uri(server_port: int) -> str:
    """The publication is built with the server's own address as base, so URIs dereference."""
    return f"http://127.0.0.1:{server_port}/"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, base_uri: str) -> Settings:
    work = tmp_path_factory.mktemp("publication")
    return Settings.from_env(base_uri=base_uri, dist_dir=work / "dist", seeds_dir=PROJECT_ROOT / "seeds")


@pytest.fixture(scope="session")
def built(settings: Settings) -> Settings:
    """The seeds built once per test session by the real pipeline into a temporary folder."""
    from kg.pipeline import build

    build(settings)
    return settings


@pytest.fixture(scope="session")
def server_url(built: Settings, server_port: int) -> str:
    """`kg serve` (gunicorn, 2 workers) on loopback over the session's publication."""
    env = dict(os.environ, KG_DIST=str(built.dist_dir), KG_BASE_URI=built.base_uri)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(server_port),
         "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{server_port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kg serve exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("kg serve did not answer within 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def strict_shapes(tmp_path: Path) -> Path:
    """A copy of shapes/ with one more shape the seeds fail (every entity linked elsewhere):
    a build against it must refuse to publish, naming the shape's message."""
    import shutil

    folder = tmp_path / "shapes"
    shutil.copytree(PROJECT_ROOT / "shapes", folder)
    with (folder / "newskg-shapes.ttl").open("a") as shapes:
        shapes.write('\nkgsh:MustLinkShape a sh:NodeShape ; sh:targetClass kg:Entity ;\n'
                     '  sh:property [ sh:path owl:sameAs ; sh:minCount 1 ;\n'
                     '  sh:message "Every entity must link to another dataset."@en ] .\n')
    return folder
