"""Request bodies through real HTTP on loopback, under Granian (the default) and gunicorn:
chunked bodies are held to the limits a Content-Length body is held to, malformed framing is
a 400 where the server lets the app see it, and a large refused body still gets its answer."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator

import pytest
import requests

from tests.server.conftest import SAMPLE_TRIG, Server, free_port, make_publication, start_server

TOKEN = "bodies-test-token-0123456789"
LIMIT = 400_000  # KG_MAX_REQUEST_BYTES: large enough for the 300 KB refused bodies below
UPLOAD = 600_000  # KG_MAX_UPLOAD_BYTES
SHACL = 500_000  # KG_SHACL_MAX_BYTES
COUNT = b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module", params=["granian", "gunicorn"])
def server(request, tmp_path_factory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp(f"bodies-{request.param}")
    port = free_port()
    make_publication(work / "dist", f"http://127.0.0.1:{port}/", SAMPLE_TRIG)
    started = start_server(work / "dist", port, work / "serve.log", workers=1, env={
        "KG_SERVER": request.param, "KG_ACCESS_LOG": "off", "KG_ADMIN_TOKEN": TOKEN,
        "KG_MAX_REQUEST_BYTES": str(LIMIT), "KG_MAX_UPLOAD_BYTES": str(UPLOAD),
        "KG_SHACL_MAX_BYTES": str(SHACL),
    })
    started.kind = request.param  # type: ignore[attr-defined]
    yield started
    started.stop()


def _chunks(body: bytes, size: int = 16 << 10) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def post_chunked(server: Server, path: str, media: str, body: bytes,
                 headers: dict[str, str] | None = None) -> tuple[int, str]:
    """POST ``body`` with Transfer-Encoding: chunked (http.client frames it)."""
    conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1].strip("/")),
                                      timeout=60)
    try:
        conn.request("POST", path, body=_chunks(body), encode_chunked=True,
                     headers={"Content-Type": media, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def padded(size: int) -> bytes:
    """A valid COUNT query padded with spaces to ``size`` bytes."""
    return COUNT + b" " * (size - len(COUNT))


def n_triples(size: int) -> bytes:
    """Valid N-Triples of at least ``size`` bytes."""
    lines, total, i = [], 0, 0
    while total < size:
        line = b'<http://example.org/s%d> <http://example.org/p> "x" .\n' % i
        lines.append(line)
        total += len(line)
        i += 1
    return b"".join(lines)


def test_a_chunked_query_at_the_limit_runs_and_one_byte_more_is_413(server):
    status, text = post_chunked(server, "/sparql", "application/sparql-query", padded(LIMIT))
    plain = requests.post(server.url + "sparql", data=COUNT,
                          headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert status == 200 and plain.status_code == 200 and text == plain.text  # the whole body ran
    status, text = post_chunked(server, "/sparql", "application/sparql-query", padded(LIMIT + 1))
    assert status == 413 and f"{LIMIT} bytes" in text
    # the same body with a Content-Length gets the same answer
    sized = requests.post(server.url + "sparql", data=padded(LIMIT + 1),
                          headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert sized.status_code == 413 and f"{LIMIT} bytes" in sized.text


def test_a_long_chunked_body_with_garbage_past_the_limit_is_not_run(server):
    """Defect 8: a valid query padded to the limit, then garbage, was answered 200."""
    body = padded(LIMIT) + b"}}} garbage " * 1500
    status, text = post_chunked(server, "/sparql", "application/sparql-query", body)
    assert status == 413 and f"{LIMIT} bytes" in text


def test_chunked_forms_and_updates_are_held_to_the_limit(server):
    form = b"query=" + b"+" * LIMIT
    status, text = post_chunked(server, "/sparql", "application/x-www-form-urlencoded", form)
    assert status == 413 and f"{LIMIT} bytes" in text
    update = b"INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }" + b" " * LIMIT
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, text = post_chunked(server, "/update", "application/sparql-update", update, auth)
    assert status == 413 and f"{LIMIT} bytes" in text


def test_chunked_graph_store_uploads_are_held_to_the_upload_limit(server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    target = "/data?graph=http%3A%2F%2Fexample.org%2Fchunked"
    status, text = post_chunked(server, target, "application/n-triples", n_triples(UPLOAD + 1), auth)
    assert status == 413 and f"{UPLOAD} bytes" in text
    status, text = post_chunked(server, target, "application/n-triples", n_triples(1000), auth)
    assert status in (200, 201, 204), text


def test_chunked_shacl_input_is_held_to_its_limit(server):
    """Defect 8: a chunked 1.22 MB document was validated on its first megabyte only."""
    status, text = post_chunked(server, "/shacl", "application/n-triples", n_triples(SHACL + 1))
    assert status == 413 and f"{SHACL} bytes" in text and "KG_SHACL_MAX_BYTES" in text
    status, text = post_chunked(server, "/shacl", "application/n-triples", n_triples(SHACL - 200))
    assert status == 200, text


def _raw(server: Server, request: bytes) -> bytes:
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize("path", ["/sparql", "/shacl", "/update"])
def test_malformed_chunk_framing_is_400_naming_it(server, path):
    media = {"/sparql": "application/sparql-query", "/shacl": "application/n-triples",
             "/update": "application/sparql-update"}[path]
    auth = f"Authorization: Bearer {TOKEN}\r\n" if path == "/update" else ""
    answer = _raw(server, (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {media}\r\n{auth}"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nASK {{}}\r\n0\r\n\r\n"
    ).encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"400", answer[:300]
    assert b"chunked request body is malformed" in body, body[:300]
    if server.kind == "gunicorn":  # type: ignore[attr-defined]
        assert b"zz" in body  # gunicorn's reader names the bad size; Granian's ends the body
    else:  # Granian hands the app an empty body (server/bodies.py): the 400 names the cause
        assert b"is empty" in body and b"Content-Length" in body


def test_an_empty_body_sent_with_content_length_is_not_blamed_on_framing(server):
    reply = requests.post(server.url + "sparql", data=b"", timeout=30,
                          headers={"Content-Type": "application/sparql-query"})
    assert reply.status_code == 400 and "is empty" in reply.text, reply.text
    assert "chunked" not in reply.text
    reply = requests.post(server.url + "shacl", data=b"", timeout=30,  # an empty graph conforms
                          headers={"Content-Type": "text/turtle"})
    assert reply.status_code == 200 and reply.headers["X-SHACL-Conforms"] == "true"


def test_malformed_framing_never_gets_a_5xx_and_the_server_answers_after(server):
    for path, media in (("/sparql", "application/sparql-query"), ("/shacl", "text/turtle"),
                        ("/sparql", "application/x-www-form-urlencoded")):
        answer = _raw(server, (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {media}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nASK {\r\nzz\r\n}\r\n0\r\n\r\n"
        ).encode())
        status = int(answer.split(b" ")[1])
        assert 400 <= status < 500 or status == 200, answer[:300]
    assert requests.get(server.url + "healthz", timeout=10).status_code == 200


@pytest.mark.parametrize("media", ["text/plain", None, "application/sparql-query; charset=latin-1"])
def test_a_large_refused_body_gets_its_415_not_a_reset(server, media):
    """Defect 6: a 300 KB POST refused for its Content-Type ended in ConnectionError."""
    headers = {"Content-Type": media} if media else {}
    body = b"a" * 300_000
    answers = []
    with requests.Session() as session:  # keep-alive, as the fuzzer's client
        for _ in range(50):
            try:
                reply = session.post(server.url + "sparql", data=body, headers=headers, timeout=30)
                answers.append((reply.status_code, reply.text.split(";")[0]))
            except requests.ConnectionError as exc:
                answers.append((0, type(exc).__name__))
    assert {status for status, _ in answers} == {415}, answers
    assert all(text for _, text in answers)
