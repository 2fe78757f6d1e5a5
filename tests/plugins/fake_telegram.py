"""pytest fixture: a started FakeTelegram (fake Bot API server on 127.0.0.1), stopped after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_telegram import FakeTelegram


@pytest.fixture
def fake_telegram(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTelegram]:
    # httpx honours proxy variables; loopback traffic must never go through a proxy.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    fake = FakeTelegram()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
