"""Shared pytest set-up. Area-specific fixtures live in tests/plugins/<area>.py."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

pytest_plugins = ["tests.plugins.embedders", "tests.plugins.engine", "tests.plugins.fake_telegram", "tests.plugins.bot",
                "tests.plugins.operations", "tests.plugins.postgres"]
