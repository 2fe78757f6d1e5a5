"""Logs: one JSON object per line with NQBOT_LOG_FORMAT=json, and only ids, counts and file names — never a
question or a document's text — from the operations commands, even at DEBUG."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.logs import JsonFormatter
from tests.plugins.operations import DOCUMENT_SENTENCE, QUESTIONS

ROOT = Path(__file__).resolve().parents[1]


def test_json_lines() -> None:
    record = logging.LogRecord("bot.operations", logging.INFO, __file__, 1, "backup written: %s (%d members)",
                               ("nqbot-x.tar.gz", 4), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "backup written: nqbot-x.tar.gz (4 members)"
    assert line["level"] == "INFO" and line["logger"] == "bot.operations" and line["time"].endswith("+00:00")
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert "ValueError: boom" in json.loads(JsonFormatter().format(record))["exception"]


def _nqbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_operations_log_ids_and_counts_only(ops_data: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NQBOT_LOG_FORMAT": "json", "NQBOT_LOG_LEVEL": "DEBUG", "PYTHONPATH": str(ROOT)}
    backup = _nqbot("--data-dir", str(ops_data), "backup", str(tmp_path / "b"), env=env)
    assert backup.returncode == 0, backup.stderr
    archive = next((tmp_path / "b").glob("*.tar.gz"))
    restore = _nqbot("--data-dir", str(tmp_path / "restored"), "restore", str(archive), env=env)
    verify = _nqbot("--data-dir", str(tmp_path / "restored"), "verify", env=env)
    assert restore.returncode == 0 and verify.returncode == 0, restore.stderr + verify.stderr
    lines = [json.loads(line) for run in (backup, restore, verify) for line in run.stderr.splitlines()]
    messages = [line["message"] for line in lines]
    assert any(m.startswith("backup written: nqbot-") for m in messages)
    assert any(m.startswith("restored nqbot-") for m in messages)
    everything = "\n".join(messages) + backup.stdout + restore.stdout + verify.stdout
    assert DOCUMENT_SENTENCE not in everything
    assert not any(question in everything for question in QUESTIONS)
