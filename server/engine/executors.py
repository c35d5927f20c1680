"""The web worker's side of the query executors (see ``server.engine.worker``).

A pool holds a fixed number of executor processes per web worker, one per request thread.
A request borrows an idle executor, sends it the job and waits on the socket until the
deadline. If the deadline passes, that executor is killed (the only way to stop Oxigraph in
mid-query) and replaced, and the request is answered with a time-out error; every other
request, in this worker and the others, goes on being served.

Executors are started with ``subprocess`` rather than ``multiprocessing`` on purpose: gunicorn
workers are forked from a master and run threads, and a clean ``python -m`` child inherits
neither the locks nor the ``__main__`` module of its parent.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from multiprocessing.connection import Connection
from pathlib import Path

from server.engine.jobs import READY, Reply
from server.engine.sandbox import SANDBOX_SETTING

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: How long a new executor may take to start (an interpreter and pyoxigraph on a loaded
#: machine) before its query is refused as a crash; not part of the query's time limit.
BOOT_TIMEOUT = 60.0


class ExecutorError(RuntimeError):
    """The job could not be run to the end; the message is meant for the client."""


class QueryTimeout(ExecutorError):
    """The job overran its time limit and its executor was stopped."""


class ExecutorsBusy(QueryTimeout):
    """Every executor stayed busy until the deadline, so the job never started."""


class ExecutorCrashed(ExecutorError):
    """The executor died during the job (for instance at its memory limit)."""


class _Executor:
    """One child process and the socket to it."""

    def __init__(self, role: str, memory_mb: int, sandbox: str) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
        )
        env[SANDBOX_SETTING] = sandbox  # the child's copy of the setting (server.engine.sandbox)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.engine.worker", str(theirs.fileno()), role,
             str(memory_mb)],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
            cwd=str(PROJECT_ROOT),
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.booted = False

    def boot(self, timeout: float) -> float:
        """Wait for the child to say it has started (its first message): the seconds waited.
        A query's time limit starts after this: an interpreter starting on a loaded machine is
        not the query's cost. Raises ``EOFError`` if it did not start within ``timeout``."""
        if self.booted:
            return 0.0
        started = time.monotonic()
        if not self.conn.poll(timeout) or self.conn.recv() != READY:
            raise EOFError(f"it did not start within {timeout:g} s")
        self.booted = True
        return time.monotonic() - started

    def call(self, job: object, timeout: float) -> Reply:
        self.conn.send(job)
        if not self.conn.poll(max(timeout, 0.0)):
            raise QueryTimeout("time limit reached")
        return self.conn.recv()

    def ended(self) -> str:
        """How the process ended, as far as the kernel tells: a signal or an exit status."""
        try:
            code = self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "it stopped answering"
        if code < 0:
            try:
                return f"it was ended by {signal.Signals(-code).name}"
            except ValueError:
                return f"it was ended by signal {-code}"
        return f"it exited with status {code}"

    def kill(self) -> None:
        self.conn.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class ExecutorPool:
    """``size`` executors of one ``role`` for the current process, created on first use."""

    def __init__(
        self, size: int, role: str = "reader", memory_mb: int = 4096, sandbox: str = "required"
    ) -> None:
        self.size = size
        self.role = role
        self.memory_mb = memory_mb
        self.sandbox = sandbox
        self._lock = threading.Condition()
        self._pid: int | None = None
        # Idle executors: warm ones are taken from the right, fresh (still booting) ones wait
        # on the left, so a replacement never delays the next query while a warm one is free.
        self._idle: deque[_Executor] = deque()
        self._all: set[_Executor] = set()

    def warm(self) -> None:
        """Start the executors now rather than on the first query (gunicorn post-fork hook)."""
        self._ensure()

    def _ensure(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            # A fork inherited the parent's handles: they are not ours to use or to kill.
            self._idle = deque()
            self._all = set()
            for _ in range(self.size):
                self._add()
            if self._pid is None:
                atexit.register(self.close)
            self._pid = os.getpid()

    def _add(self) -> None:
        """A fresh executor at the cold end of the idle line (caller holds the lock)."""
        executor = _Executor(self.role, self.memory_mb, self.sandbox)
        self._all.add(executor)
        self._idle.appendleft(executor)
        self._lock.notify()

    def _replace(self, executor: _Executor) -> None:
        executor.kill()
        with self._lock:
            self._all.discard(executor)
            self._add()

    def _take(self, timeout: float) -> _Executor | None:
        with self._lock:
            if not self._lock.wait_for(lambda: self._idle, timeout):
                return None
            return self._idle.pop()

    def _give_back(self, executor: _Executor) -> None:
        with self._lock:
            self._idle.append(executor)
            self._lock.notify()

    def run(self, job: object, timeout: float) -> Reply:
        """Run ``job`` within ``timeout`` seconds (waiting for an executor included)."""
        self._ensure()
        deadline = time.monotonic() + timeout
        executor = self._take(timeout)
        if executor is None:
            raise ExecutorsBusy(
                f"all {self.size} query executors of this worker stayed busy for {timeout:g} s"
            ) from None
        if executor.proc.poll() is not None:  # died while idle (OOM killer, operator): not
            self._replace(executor)  # this job's fault, so it gets a fresh one
            return self.run(job, max(deadline - time.monotonic(), 0.001))
        try:
            deadline += executor.boot(BOOT_TIMEOUT)
            reply = executor.call(job, deadline - time.monotonic())
        except QueryTimeout:
            self._replace(executor)
            raise QueryTimeout(f"the query ran past the {timeout:g} s time limit") from None
        except (EOFError, OSError):
            ended = executor.ended()
            self._replace(executor)
            raise ExecutorCrashed(
                f"the query executor ended while running this request ({ended}) without an "
                f"answer. Its memory limit is {self.memory_mb} MiB (KG_QUERY_MEMORY_MB, at most "
                "its share of KG_MAX_MEMORY): a query needing more ends it this way, and so "
                "does a crash while evaluating the query"
            ) from None
        self._give_back(executor)
        return reply

    def close(self) -> None:
        """Stop every executor (worker exit)."""
        if self._pid != os.getpid():
            return
        for executor in list(self._all):
            executor.kill()
        self._all.clear()
