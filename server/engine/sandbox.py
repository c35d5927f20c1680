"""No network for the query executors, enforced by the kernel.

``SERVICE`` and ``LOAD`` are refused before a request runs (``server.engine.syntax``), but
that check reads the text, and pyoxigraph does open HTTP connections for both: a text the check
misread would let any client make the server fetch a URL of its choosing (SSRF). Executors
need no network at all (they read a store and talk to their web worker over an inherited Unix
socket), so each one installs a seccomp filter under which creating any socket but a Unix one
fails with EACCES, and io_uring (which can open sockets without that system call) is not
there. Whatever the query says, Oxigraph can then neither connect nor send a DNS query itself.
The filter is inherited and cannot be lifted by the process itself.

Without the filter an executor fails closed: it answers every job with an error that says why,
unless ``KG_EXECUTOR_SANDBOX=best-effort`` allows it to run unfiltered (with a warning).
"""

from __future__ import annotations

import errno
import os
import socket
import sys

#: The setting (``kg.settings``) an executor gets from its pool through its environment.
SANDBOX_SETTING = "KG_EXECUTOR_SANDBOX"


def deny_network() -> str | None:
    """Install the filter in this process: None once it holds, else why it could not be."""
    try:
        import pyseccomp as seccomp  # loads libseccomp through ctypes
    except (ImportError, OSError, RuntimeError) as exc:
        return f"libseccomp is not available ({exc})"
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        rules.add_rule(
            seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX)
        )
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "io_uring_setup")
        rules.load()
    except OSError as exc:
        return f"the seccomp filter could not be loaded ({exc})"
    return None


def refusal(mode: str) -> str | None:
    """Install the filter as ``mode`` (``KG_EXECUTOR_SANDBOX``) asks: None to go on answering
    jobs, else the message every job is answered with (the filter is required and could not be
    had)."""
    failed = deny_network()
    if failed is None:
        return None
    if mode == "best-effort":
        print(f"kg: query executor {os.getpid()} runs WITHOUT its network sandbox: {failed}; "
              "SERVICE and LOAD are still refused by the request check", flush=True,
              file=sys.stderr)
        return None
    return (f"the query executor could not shut itself off from the network: {failed}. Install "
            f"libseccomp, or set {SANDBOX_SETTING}=best-effort to run without that protection")
