"""The systemd unit in deploy/: restarts on failure, runs as its own user in a read-only system with the data
directory as the only writable path, and takes the token from a root-only environment file; checked with
``systemd-analyze verify`` where systemd is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "nqbot.service"
DATA = "/var/lib/nqbot"


def _settings(text: str) -> dict[str, list[str]]:
    """key → values of a unit file (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_says_what_the_operations_section_promises() -> None:
    unit = _settings(UNIT.read_text(encoding="utf-8"))
    assert unit["ExecStart"] == ["/opt/nqbot/.venv/bin/nqbot serve"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["User"] == ["nqbot"] and unit["Group"] == ["nqbot"]
    assert unit["ProtectSystem"] == ["strict"] and unit["ReadWritePaths"] == [DATA]  # the only writable path
    assert f"NQBOT_DATA_DIR={DATA}" in unit["Environment"]
    assert unit["EnvironmentFile"] == ["/etc/nqbot/nqbot.env"]  # read by systemd as root; mode 0600
    assert unit["NoNewPrivileges"] == ["yes"] and unit["ProtectHome"] == ["yes"] and unit["PrivateTmp"] == ["yes"]
    assert unit["CapabilityBoundingSet"] == [""]
    assert unit["UnsetEnvironment"] == ["OMP_THREAD_LIMIT"]
    assert not any("TOKEN" in value for values in unit.values() for value in values)  # never in the unit itself


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point the installed paths at this checkout and a scratch directory.
    nqbot = Path(sys.executable).with_name("nqbot")
    text = UNIT.read_text(encoding="utf-8").replace("/opt/nqbot/.venv/bin/nqbot", str(nqbot))
    copy = tmp_path / "nqbot.service"
    copy.write_text(text.replace(DATA, str(tmp_path)), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # systemd only warns (exit 0) about settings it ignores
