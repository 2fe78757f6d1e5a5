"""Record a real session (the real bot against the fake Bot API) as Markdown: user lines and bot lines."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from pydantic import SecretStr  # noqa: E402

from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.config import BotConfig  # noqa: E402
from bot.telegram.runner import BackgroundBot  # noqa: E402
from config.settings import Settings  # noqa: E402
from index.engine import Engine  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

SAMPLES = ROOT / "documents" / "samples"
out: list[str] = []
seen: dict[tuple[int, int], str] = {}


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def record_bot(fake: FakeTelegram, chat_id: int, label: str) -> None:
    for m in fake.bot_messages(chat_id):
        key = (chat_id, m["message_id"])
        body = m["html"]
        if seen.get(key) == body + json.dumps(buttons(m)):
            continue
        edited = key in seen
        seen[key] = body + json.dumps(buttons(m))
        out.append(f"**bot → {label}**{' (edited message #' + str(m['message_id']) + ')' if edited else ''}:\n")
        out.append("```html\n" + body + "\n```\n")
        if buttons(m):
            out.append("buttons: " + " · ".join(f"`{t}` ({d})" for t, d in buttons(m)) + "\n")


def user_line(label: str, text: str) -> None:
    out.append(f"**{label}:** {text}\n")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="nqbot-transcript-"))
    settings = Settings(data_dir=tmp / "data", models_dir=ROOT / "data" / "models", _env_file=None)  # type: ignore[call-arg]
    engine = Engine(settings)
    for name in ("57-NQ-TW.txt", "71-NQ-TW.txt", "huong-dan-su-dung-nqbot.md"):
        engine.ingest_path(SAMPLES / name)
    engine.warm_up()
    fake = FakeTelegram()
    fake.start()
    bot_settings = settings.model_copy(update={"telegram_token": SecretStr(fake.token), "admin_ids": [1001],
                                               "data_dir": tmp / "bot"})
    app = build_application(engine, settings=bot_settings, config=BotConfig(poll_timeout=1.0, progress_interval=0.0,
                                                                            progress_step=20),
                            base_url=fake.base_url, base_file_url=fake.base_file_url)
    runner = BackgroundBot(app, poll_timeout=1.0).start()
    admin = fake.user(1001, "Quản trị", username="quantri")
    lan = fake.user(2001, "Lan", username="lan_dv")

    def count(chat_id: int) -> int:
        return len(fake.bot_messages(chat_id))

    def say(user: dict[str, Any], label: str, text: str, *, n: int = 1, chat: dict[str, Any] | None = None,
            chat_label: str | None = None, answer: bool = False) -> None:
        chat_id = chat["id"] if chat else user["id"]
        before = count(chat_id)
        user_line(label, text)
        fake.send_text(user, text, chat=chat)
        if answer:
            fake.wait_for(lambda: count(chat_id) > before and any(
                d.startswith("fb:") for _, d in buttons(fake.bot_messages(chat_id)[-1])), timeout=60)
        else:
            fake.wait_for(lambda: count(chat_id) >= before + n, timeout=60)
        record_bot(fake, chat_id, chat_label or label.split(" ")[0])

    out.append("# nqbot — a session on the fake Telegram server\n")
    out.append("Messages exactly as the bot sent them (Telegram HTML, `parse_mode=HTML`), with inline buttons "
               "(label and callback_data).\n")
    out.append("\n## An unknown user, an invite\n")
    say(lan, "Lan (not yet invited)", "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?")
    say(admin, "Admin", "/invite")
    code = fake.bot_messages(admin["id"])[-1]["text"].split("start=")[1].split()[0]
    say(lan, "Lan", f"/start {code}")
    out.append("\n## Questions\n")
    say(lan, "Lan", "Nghị quyết 57 đặt mục tiêu gì về chuyển đổi số đến năm 2030?", answer=True)
    last = fake.bot_messages(lan["id"])[-1]
    passage = next(d for _, d in buttons(last) if d.startswith("pa:"))
    before = count(lan["id"])
    user_line("Lan", f"presses `📄 [1] Cả đoạn` ({passage})")
    fake.press_button(lan, last, passage)
    fake.wait_for(lambda: count(lan["id"]) > before)
    record_bot(fake, lan["id"], "Lan")
    fb = next(d for _, d in buttons(last) if d.startswith("fb:") and d.endswith(":u"))
    user_line("Lan", f"presses `👍` ({fb})")
    fake.press_button(lan, last, fb)
    fake.wait_for(lambda: any("✓" in t for t, _ in buttons(
        next(m for m in fake.bot_messages(lan["id"]) if m["message_id"] == last["message_id"]))))
    record_bot(fake, lan["id"], "Lan")
    say(lan, "Lan", "Nghị quyết 71 đặt mục tiêu gì đến năm 2030?", answer=True)
    say(lan, "Lan", "còn mục tiêu đến năm 2045 thì sao?", answer=True)
    say(lan, "Lan", "nghi quyet 57 quan diem chi dao la gi", answer=True)
    say(lan, "Lan", "Cách nấu phở bò ngon tại nhà?", answer=True)
    say(lan, "Lan", "/doc 57-NQ/TW")
    out.append("\n## An admin uploads a document\n")
    notice = ("TỈNH ỦY NGHỆ AN\nSố 920-TB/TU\nNghệ An, ngày 05 tháng 3 năm 2025\n\nTHÔNG BÁO\n"
              "Kết luận của Ban Thường vụ Tỉnh ủy về công tác chuyển đổi số trong các cơ quan Đảng\n\n"
              "I. KẾT QUẢ ĐẠT ĐƯỢC\n1. Các cơ quan Đảng đã hoàn thành việc số hóa 80% hồ sơ lưu trữ.\n"
              "2. Hệ thống họp trực tuyến đã kết nối đến 100% đảng ủy cấp xã.\n\n"
              "II. NHIỆM VỤ THỜI GIAN TỚI\n1. Đến hết năm 2026, 100% văn bản của các cơ quan Đảng cấp tỉnh "
              "được ký số và gửi nhận trên môi trường mạng.\n")
    before = count(admin["id"])
    user_line("Admin", "sends the file `tb-920-tu.txt`")
    fake.send_document(admin, "tb-920-tu.txt", notice.encode(), mime_type="text/plain")
    fake.wait_for(lambda: count(admin["id"]) > before and buttons(fake.bot_messages(admin["id"])[-1]))
    record_bot(fake, admin["id"], "Admin")
    preview = fake.bot_messages(admin["id"])[-1]
    ok = next(d for _, d in buttons(preview) if d.endswith(":ok"))
    user_line("Admin", f"presses `✅ Xác nhận` ({ok})")
    fake.press_button(admin, preview, ok)
    fake.wait_for(lambda: "✅" in fake.bot_messages(admin["id"])[-1]["html"], timeout=60)
    edits = [p["text"] for m, p in fake.calls if m == "editMessageText" and p["message_id"] == preview["message_id"]]
    for text in [e for e in edits if e.startswith("⏳")]:
        out.append("**bot → Admin** (progress edit):\n```html\n" + text + "\n```\n")
    record_bot(fake, admin["id"], "Admin")
    say(admin, "Admin", "Tỉnh ủy Nghệ An yêu cầu đến hết năm nào văn bản được ký số?", answer=True)
    out.append("\n## A study group\n")
    minh = fake.user(2002, "Minh")
    group = fake.group(-1001, "Chi bộ Văn phòng", members=[admin, lan, minh])
    say(admin, "Admin (in the group)", "/allowgroup", chat=group, chat_label="group")
    say(minh, "Minh (in the group)", "Chiều nay chi bộ họp lúc 14 giờ nhé", n=0, chat=group, chat_label="group")
    out.append("_(no reply: the bot only answers when addressed)_\n")
    say(minh, "Minh (in the group)", "@nqbot_test_bot Nghị quyết 71 đặt mục tiêu gì đến năm 2045?", chat=group,
        chat_label="group", answer=True)
    runner.stop()
    fake.stop()
    assert fake.rejected == [], fake.rejected
    (ROOT / "docs" / "transcript.md").write_text("\n".join(out), encoding="utf-8")
    print("written docs/transcript.md")


if __name__ == "__main__":
    main()
