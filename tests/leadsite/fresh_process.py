"""Run code in a fresh interpreter, as a server process would start, with extra environment."""

import os
import subprocess
import sys

from django.conf import settings


def run_python(*args, timeout=120, **env):
    """`python ARGS` in the project folder with the test run's environment plus `env`."""
    return subprocess.run(
        [sys.executable, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=timeout,
    )
