"""bench/_common.py: the CPU meter behind bench/leads' CPU per request."""

import subprocess
import sys
import uuid

import pytest

from bench import _common

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# Burns argv[1] seconds of CPU time (not wall time), says so, then waits for a line on stdin.
SPIN = """
import sys, time
end = time.process_time() + float(sys.argv[1])
while time.process_time() < end:
    pass
print("spun", flush=True)
input()
"""


def spinner(seconds, marker):
    """A process with `marker` on its command line that burns `seconds` of CPU once started."""
    return subprocess.Popen(
        [sys.executable, "-c", SPIN, str(seconds), marker],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_the_meter_counts_the_cpu_of_the_matching_processes_only():
    marker, other = f"bench-meter-{uuid.uuid4().hex}", f"bench-meter-{uuid.uuid4().hex}"
    counted, unrelated = spinner(0.4, marker), spinner(0.4, other)
    before = _common.cpu_ticks(marker)
    try:
        assert list(before) == [counted.pid]
        assert counted.stdout.readline() == "spun\n"
        assert unrelated.stdout.readline() == "spun\n"
        used = _common.cpu_seconds_since(before, marker)
    finally:
        for process in (counted, unrelated):
            process.communicate("\n", timeout=30)

    # At most the start-up before the first snapshot is missed; the other spinner's 0.4 s is
    # not counted.
    assert 0.3 <= used < 0.6
    assert _common.cpu_ticks(marker) == {}  # an exited process is not listed
