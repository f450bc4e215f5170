"""Backends for tests that need a channel to misbehave in a given way."""

import sys


class DyingBackend:
    """Hands over two messages, then the worker process dies (SystemExit) mid-batch."""

    def send(self, *, to, **kwargs):
        sent = sys.modules[__name__].__dict__.setdefault("SENT", [])
        if len(sent) == 2:
            raise SystemExit("worker killed")
        sent.append(to)
