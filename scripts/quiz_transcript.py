"""Record a group quiz (the real bot against the fake Bot API) as Markdown: ``docs/quiz_transcript.md``.

    .venv/bin/python scripts/quiz_transcript.py [--models-dir data/models]

An admin enables a study group, makes a member its host; the host starts ``/quiz 57 2``; members vote in the
quiz polls; the bot reveals each answer with its passage and posts the scoreboard; ``/scores`` follows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

LETTERS = "ABCDEFGHIJKL"
out: list[str] = []
seen: set[tuple[int, int]] = set()


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def record_bot(fake: Any, chat_id: int, label: str) -> None:
    for message in fake.bot_messages(chat_id):
        key = (chat_id, message["message_id"])
        if key in seen:
            continue
        seen.add(key)
        poll = message.get("poll")
        if poll is not None:
            right = (poll.get("correct_option_ids") or [None])[0]
            out.append(f"**bot → {label}** (quiz poll, non-anonymous, open_period set):\n")
            lines = [poll["question"], *(f"{'✓' if i == right else ' '} {LETTERS[i]}. {o['text']}"
                                         for i, o in enumerate(poll["options"]))]
            if poll.get("explanation"):
                lines.append(f"explanation (shown after voting): {poll['explanation']}")
            out.append("```\n" + "\n".join(lines) + "\n```\n")
            continue
        out.append(f"**bot → {label}**:\n")
        out.append("```html\n" + (message.get("html") or "") + "\n```\n")
        if buttons(message):
            out.append("buttons: " + " · ".join(f"`{t}` ({d})" for t, d in buttons(message)) + "\n")


def main() -> int:
    from pydantic import SecretStr

    from bot.telegram.app import build_application
    from bot.telegram.config import BotConfig
    from bot.telegram.runner import BackgroundBot
    from config.settings import Settings
    from index.engine import Engine
    from tests.fake_telegram import FakeTelegram

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nqbot-quiz-transcript-"))
    settings = Settings(data_dir=tmp / "data", models_dir=args.models_dir, _env_file=None,
                        quiz_seconds=8)  # type: ignore[call-arg]
    engine = Engine(settings)
    for name in ("57-NQ-TW.txt", "71-NQ-TW.txt"):
        engine.ingest_path(ROOT / "documents" / "samples" / name)
    engine.warm_up()
    fake = FakeTelegram()
    fake.start()
    bot_settings = settings.model_copy(update={"telegram_token": SecretStr(fake.token), "admin_ids": [1001],
                                               "data_dir": tmp / "bot"})
    application = build_application(engine, settings=bot_settings, config=BotConfig(poll_timeout=1.0),
                                    base_url=fake.base_url, base_file_url=fake.base_file_url)
    runner = BackgroundBot(application, poll_timeout=1.0).start()

    admin = fake.user(1001, "Quản trị", username="quantri")
    lan, minh, hoa = fake.user(2001, "Lan", username="lan_dv"), fake.user(2002, "Minh"), fake.user(2003, "Hoa")
    group = fake.group(-1001, "Chi bộ Văn phòng", members=[admin, lan, minh, hoa])
    chat_id = group["id"]

    def say(user: dict[str, Any], label: str, text: str, n: int = 1) -> None:
        before = len(fake.bot_messages(chat_id))
        out.append(f"**{label}:** {text}\n")
        fake.send_text(user, text, chat=group)
        fake.wait_for(lambda: len(fake.bot_messages(chat_id)) >= before + n, timeout=60)
        time.sleep(0.3)
        record_bot(fake, chat_id, "group")

    out.append("# A group quiz, as the bot sent it\n")
    out.append("The real bot and its polling loop against the fake Bot API (`scripts/quiz_transcript.py`); "
               "messages exactly as sent (Telegram HTML), polls with their options (✓ the right one, which "
               "Telegram shows a member after they vote) and explanation.\n")
    say(admin, "Admin", "/allowgroup")
    greeting = fake.send_text(lan, "Chào cả chi bộ, chiều nay mình ôn Nghị quyết 57 nhé!", chat=group)
    out.append("**Lan:** Chào cả chi bộ, chiều nay mình ôn Nghị quyết 57 nhé!\n")
    before = len(fake.bot_messages(chat_id))
    out.append("**Admin (replying to Lan):** /host\n")
    fake.send_text(admin, "/host", chat=group, reply_to=greeting)
    fake.wait_for(lambda: len(fake.bot_messages(chat_id)) > before, timeout=60)
    record_bot(fake, chat_id, "group")
    say(lan, "Lan (host)", "/quiz 57 2", n=2)
    votes = [((lan, "Lan", True), (minh, "Minh", True), (hoa, "Hoa", False)),
             ((lan, "Lan", True), (minh, "Minh", False))]
    for n, voters in enumerate(votes):
        poll = fake.wait_for(lambda k=n: len(polls := fake.polls(chat_id)) > k and polls[k], timeout=60)
        record_bot(fake, chat_id, "group")
        for user, label, right in voters:
            correct = poll["correct_option_ids"][0]
            choice = correct if right else (correct + 1) % len(poll["options"])
            out.append(f"_{label} votes {LETTERS[choice]}_\n")
            fake.answer_poll(user, {"chat": {"id": chat_id}, "message_id": poll["message_id"]}, [choice])
        fake.wait_for(lambda k=n: sum((m.get("html") or "").startswith("✅ Đáp án")
                                      for m in fake.bot_messages(chat_id)) > k, timeout=60)
        record_bot(fake, chat_id, "group")
    fake.wait_for(lambda: any("Kết quả quiz" in (m.get("html") or "") for m in fake.bot_messages(chat_id)),
                  timeout=60)
    record_bot(fake, chat_id, "group")
    say(minh, "Minh", "/scores")
    runner.stop()
    fake.stop()
    engine.close()
    assert fake.rejected == [], json.dumps(fake.rejected, ensure_ascii=False)
    (ROOT / "docs" / "quiz_transcript.md").write_text("\n".join(out), encoding="utf-8")
    print("written docs/quiz_transcript.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
