"""The request checks read every query text before it runs, in a web thread and outside the
query time limit, so they must cost time linear in the text (issue: a body of dashes cost
O(n^2) in the lexer: 3 s at 40,000 characters, half an hour at the 1 MiB request limit)."""

from __future__ import annotations

import random
import re
import time

import pytest

from server.engine import lexer
from server.engine.syntax import shape

#: One character of each token class of the lexer, and mixes of them.
CLASSES = ["-", ".", ":", "%", "~", "`", "'", '"', "<", "\\", "#", "1", "a", "{", "(", "-a",
           "a:", "\\#", "<a", "'a"]


def _cost(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        shape(text)  # texts over 4 KiB are never cached: this is the check itself
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("unit", CLASSES)
def test_the_request_check_is_linear_in_the_text(unit: str):
    """8 times the text may cost at most 24 times as much (a quadratic check costs 64x; the
    margin is for a shared machine), unless it is too cheap to tell (under 0.2 s)."""
    small, large = unit * ((64 << 10) // len(unit)), unit * ((512 << 10) // len(unit))
    cost = _cost(large)
    ratio = cost / max(_cost(small), 1e-4)
    assert ratio < 24 or cost < 0.2, f"{unit!r}: {ratio:.0f}x for 8x the text ({cost:.2f} s)"


# The lexer as it was, a single regex with an optional name prefix: the reference its linear
# replacement must agree with token for token (it is quadratic only on long runs).
_STOP = lexer._STOP
_REFERENCE = re.compile(
    rf"""
      (?P<skip>
          \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
        | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        | "(?:[^"\\\n\r]|\\.)*" | '(?:[^'\\\n\r]|\\.)*'
        | <(?:[^<>"{{}}|^`\\\x00-\x20]|{lexer._UCHAR})*>
        | @[A-Za-z]+(?:-[A-Za-z0-9]+)*
        | [?$][^{_STOP}.:\-]+
        | [^{_STOP}:]*:(?:[^{_STOP}]|{lexer._LOCAL_ESC})*
      )
    | (?P<comment>\#[^\n\r]*)
    | (?P<word>\w+)
    | (?P<open>\{{)
    | (?P<close>\}})
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
PIECES = list("aZ1_-.:%~`\\#<>\"'{}()?$@ \n\té") + [
    "SERVICE", "\\u0041", "\\#", "ex:", "_:b", "'''", '"""', "<http://x>", "@en-GB", "?v"]


@pytest.mark.parametrize("seed", range(20))
def test_the_linear_lexer_gives_the_tokens_the_reference_gives(seed: int):
    rng = random.Random(seed)
    for _ in range(500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        expected = [(m.lastgroup or "other", m.start(), m.end()) for m in _REFERENCE.finditer(text)]
        assert [(t.kind, t.start, t.end) for t in lexer.tokens(text)] == expected, repr(text)
