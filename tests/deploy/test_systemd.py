"""The systemd units in deploy/systemd are valid and run commands that exist.

`systemd-analyze verify` checks each unit (directives, sections, timers, that every ExecStart
is an executable) with the install paths pointed at this checkout.
"""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands

REPO_ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((REPO_ROOT / "deploy" / "systemd").iterdir())


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    (tmp_path / "env").write_text("SECRET_KEY=x\n")
    for unit in UNITS:
        text = (
            unit.read_text()
            .replace("/srv/leadsite", str(REPO_ROOT))
            .replace("/etc/leadsite/env", str(tmp_path / "env"))
            .replace("/var/backups/leadsite", str(tmp_path))
        )
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", *(f"./{unit.name}" for unit in UNITS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""


def test_every_timer_has_its_service_and_every_command_exists():
    names = {unit.name for unit in UNITS}
    for unit in UNITS:
        if unit.suffix == ".timer":
            assert unit.with_suffix(".service").name in names
    commands = get_commands()
    scripts = []
    for unit in UNITS:
        for line in re.findall(r"^ExecStart=(.+)$", unit.read_text(), flags=re.M):
            words = shlex.split(line)
            if words[1:2] == ["manage.py"]:
                assert words[2] in commands, f"{unit.name}: no command {words[2]}"
            elif words[0].endswith("/python"):
                scripts.append(words[1])
    for script in scripts:
        assert (REPO_ROOT / script).is_file()
    assert "deploy/backup.py" in scripts
