"""Loops that run beside the work of every task worker (`manage.py run_worker`) and of the
development server (`make run`): an app registers one in its AppConfig.ready, and those
processes start them all in daemon threads. `leadsite` imports no app; the apps come to it.

A loop is a function taking a `threading.Event`: it runs until the event is set, and must
never raise (it logs and tries again). Several processes run the same loops at once, so each
loop's work must be safe in parallel (row claims, advisory locks).
"""

import threading
from collections.abc import Callable

_LOOPS: dict[str, Callable[[threading.Event], None]] = {}


def register(name: str, loop: Callable[[threading.Event], None]) -> None:
    """Run `loop` in every worker and development server (once per name)."""
    _LOOPS[name] = loop


def start() -> threading.Event:
    """Start every registered loop in a daemon thread; set the returned event to stop them."""
    stopped = threading.Event()
    for name, loop in _LOOPS.items():
        threading.Thread(target=loop, args=(stopped,), name=name, daemon=True).start()
    return stopped
