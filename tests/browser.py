"""Real Chromium: Debian's binary, driven by Playwright, never downloaded. Shared by the browser
tests (tests/e2e/) and the production tests that need a browser against real servers.

Set CHROMIUM_PATH to use another binary. Without one the tests are skipped, unless
LEADSITE_REQUIRE_BROWSER=1 (CI sets it), in which case they fail: a green build must have run
them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The machine under test may have no network at all: these flags stop Chromium's own
# background traffic (updates, sync, field trials, QUIC probes) that would otherwise flood the
# log with refused connections and slow every launch.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    if Path(CHROMIUM_PATH).is_file() and os.access(CHROMIUM_PATH, os.X_OK):
        return CHROMIUM_PATH
    reason = f"No Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH, or apt install chromium)"
    if os.environ.get("LEADSITE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; LEADSITE_REQUIRE_BROWSER=1 requires the browser tests to run.")
    pytest.skip(reason)
