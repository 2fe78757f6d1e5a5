"""A small but complete data directory for the operations tests: two real documents ingested (with their stored
originals and vectors) and a bot store with members, questions, feedback and audit entries. Built once per
session and never changed; tests work on copies (:func:`copy_data`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.audit import Action
from bot.store import BotStore, store_path
from index.embedders.base import Embedder
from index.engine import Engine
from tests.corpus import GUIDE, party_path

ADMIN = 1001
#: Questions whose answers (citations) must survive a backup and restore unchanged.
QUESTIONS = (
    "Kết luận 127 giao nhiệm vụ gì cho Ban Tổ chức Trung ương?",
    "làm thế nào để tải văn bản lên?",
    "ket luan 127 ve sap xep to chuc bo may",
    "Ai được hỏi bot?",
)
#: A sentence of the ingested guide: must never appear in any log line.
DOCUMENT_SENTENCE = "Trợ lý hỏi đáp văn bản của Đảng"


def copy_data(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@pytest.fixture(scope="session")
def ops_data(tmp_path_factory: pytest.TempPathFactory, e5_embedder: Embedder, e5_model_dir: Path) -> Iterator[Path]:
    """The data directory (read-only: copy it before changing anything)."""
    from tests.plugins.engine import make_settings  # imported late: the module is also a plugin

    data = tmp_path_factory.mktemp("ops") / "data"
    engine = Engine(make_settings(data, e5_model_dir.parent), embedder=e5_embedder)
    for path in (party_path("127-KL-TW.txt"), GUIDE):
        assert engine.ingest_path(path).status == "added"
    store = BotStore(store_path(data), admin_ids=[ADMIN])
    for user in (2001, 2002, 2003):
        store.set_role(user, "member", by=ADMIN)
    for n, question in enumerate(QUESTIONS):
        answer = engine.ask(question)
        question_id = store.log_question(chat_id=2001 + n % 3, user_id=2001 + n % 3, text=question,
                                         found=answer.found, citations=len(answer.citations),
                                         document_id=None, millis=30)
        store.set_feedback(question_id, 2001 + n % 3, 1)
    store.audit(ADMIN, Action.GRANT, "2001", "member")
    store.set_downloads(True)
    store.close()
    engine.close()
    yield data
