"""No network for the query executors, enforced by the kernel.

``SERVICE`` and ``LOAD`` are refused before a request runs (``server.sparql_syntax``), but
that check reads the text, and pyoxigraph does open HTTP connections for both: a text the check
misread would let any client make the server fetch a URL of its choosing (SSRF). Executors
need no network at all (they read a store and talk to their web worker over an inherited Unix
socket), so each one installs a seccomp filter under which creating an IPv4 or IPv6 socket
fails with EACCES. Whatever the query says, Oxigraph can then neither connect nor resolve a
host name. The filter is inherited and cannot be lifted by the process itself.
"""

from __future__ import annotations

import errno
import socket


def deny_network() -> str | None:
    """Install the filter in this process: None once it holds, else why it could not be."""
    try:
        import pyseccomp as seccomp  # loads libseccomp through ctypes
    except (ImportError, OSError, RuntimeError) as exc:
        return f"libseccomp is not available ({exc})"
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for family in (socket.AF_INET, socket.AF_INET6):
            rules.add_rule(
                seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family)
            )
        rules.load()
    except OSError as exc:
        return f"the seccomp filter could not be loaded ({exc})"
    return None
