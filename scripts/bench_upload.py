"""An admin's upload through the real bot: Confirm → searchable, and the bot's memory idle, during, after.

    .venv/bin/python scripts/bench_upload.py --data-dir DIR [--file ../shared/corpus/legal/X.txt]
                                             [--embedder openvino|e5-small] [--no-worker] [--idle 20]

The bot (the real PTB application and polling loop, in a child process, as ``load_bot.py`` runs it) serves a
copy of DIR (e.g. the full shared corpus) against the fake Bot API. The driver waits until the bot is idle and
has answered a few questions, then sends ``--file`` as the admin (a changed copy, so it is a new version of an
indexed document: ~260 passages for the default, a 180 KB, ~60-page circular), presses Confirm (or Replace),
and times the bot's "indexed" message and a member's question that must cite the new version. RSS of the bot
process and of its children (the passage worker) is sampled every 0.1 s throughout.

``--embedder e5-small --no-worker`` reproduces the bot before issue 9 (the float32 model in the bot's process).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from child_bot import count_errors  # noqa: E402
from load_bot import ADMIN_ID, TOKEN  # noqa: E402

MEMBER = 20_000
DEFAULT_FILE = ROOT.parent / "shared" / "corpus" / "legal" / "Thong_tu__35-2025_cd24d4.txt"
QUESTION = "Quy chế kiểm tra nghiệp vụ giám định sở hữu công nghiệp quy định những gì?"


def serve_bot(args: argparse.Namespace) -> int:
    """Child process: the bot on ``--data``, until stdin closes."""

    from pydantic import SecretStr

    from bot.telegram.app import build_application
    from bot.telegram.config import BotConfig
    from bot.telegram.runner import BackgroundBot
    from config.settings import Settings
    from index.engine import Engine

    count_errors()
    data = Path(args.data)
    settings = Settings(data_dir=data / "data", models_dir=args.models_dir, embedder=args.embedder,
                        passage_worker=not args.no_worker, passage_worker_idle=args.idle, _env_file=None)
    engine = Engine(settings)
    engine.warm_up()
    bot_settings = settings.model_copy(update={"telegram_token": SecretStr(TOKEN), "admin_ids": [ADMIN_ID],
                                               "data_dir": data / "bot"})
    application = build_application(engine, settings=bot_settings, config=BotConfig(poll_timeout=1.0),
                                    base_url=f"{args.api}/bot", base_file_url=f"{args.api}/file/bot")
    application.bot_data["services"].store.set_role(MEMBER, "member", by=ADMIN_ID)
    runner = BackgroundBot(application, poll_timeout=1.0).start()
    print(f"READY {os.getpid()}", flush=True)
    sys.stdin.read()
    runner.stop()
    engine.close()
    return 0


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


class Sampler(threading.Thread):
    """(time, bot RSS, children RSS) every 0.1 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.running = pid, [], True
        self.samples: list[tuple[float, float, float]]

    def run(self) -> None:
        while self.running:
            self.samples.append((time.monotonic(), rss_mib(self.pid), sum(rss_mib(c) for c in children(self.pid))))
            time.sleep(0.1)

    def between(self, start: float, end: float) -> tuple[float, float, float]:
        """Max bot RSS, max children RSS, max of their sum between two times."""
        rows = [s for s in self.samples if start <= s[0] <= end] or self.samples[-1:]
        return max(r[1] for r in rows), max(r[2] for r in rows), max(r[1] + r[2] for r in rows)


def drive(args: argparse.Namespace) -> int:
    from tests.fake_telegram import FakeTelegram
    from tests.fake_telegram.rules import inline_callback_datas

    fake = FakeTelegram(token=TOKEN)
    fake.start()
    admin, member = fake.user(ADMIN_ID, "Admin"), fake.user(MEMBER, "Đảng viên")
    with tempfile.TemporaryDirectory(prefix="nqbot-upload-") as tmp:
        shutil.copytree(args.data_dir, Path(tmp) / "data", ignore=shutil.ignore_patterns("*.tmp"))
        command = [sys.executable, __file__, "--serve-bot", "--data", tmp, "--api", f"http://127.0.0.1:{fake.port}",
                   "--models-dir", str(args.models_dir), "--embedder", args.embedder, "--idle", str(args.idle)]
        bot = subprocess.Popen(command + (["--no-worker"] if args.no_worker else []), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
        assert bot.stdin is not None and bot.stdout is not None
        line = bot.stdout.readline()
        if not line.startswith("READY"):
            print("the bot did not start:", line)
            return 1
        sampler = Sampler(int(line.split()[1]))
        sampler.start()

        def ask(question: str) -> str:
            before = len(fake.bot_messages(member["id"]))
            fake.send_text(member, question)
            replies = fake.wait_for(lambda: [m for m in fake.bot_messages(member["id"])[before:]
                                             if "fb:" in json.dumps(m.get("reply_markup") or "")], timeout=120)
            return str(replies[0].get("text", ""))

        for question in ("Nghị quyết 57 đặt mục tiêu gì đến năm 2030?", "Đảng viên vi phạm kỷ luật bị xử lý thế nào?",
                         "chuyen doi so trong co quan dang"):
            ask(question)
        time.sleep(3)
        idle_at = time.monotonic()
        time.sleep(2)
        idle = sampler.between(idle_at, time.monotonic())

        data = args.file.read_bytes() + "\n\n(bản cập nhật)\n".encode()
        before = len(fake.bot_messages(admin["id"]))
        fake.send_document(admin, args.file.name, data, mime_type="text/plain")
        preview = fake.wait_for(lambda: next((m for m in fake.bot_messages(admin["id"])[before:]
                                              if any(d.startswith("up:") for d in
                                                     inline_callback_datas(m.get("reply_markup")))), None),
                                timeout=120)
        choice = next(d for d in inline_callback_datas(preview["reply_markup"]) if d.endswith((":ok", ":rep")))
        passages = next((ln for ln in str(preview.get("text", "")).splitlines() if ln.startswith("Số đoạn")), "")
        confirm = time.monotonic()
        fake.press_button(admin, preview, choice)
        fake.wait_for(lambda: next((m for m in fake.bot_messages(admin["id"])
                                    if m["message_id"] == preview["message_id"] and "Đã nạp" in str(m.get("text"))),
                                   None), timeout=600)
        indexed = time.monotonic()
        answer = ask(QUESTION)
        answered = time.monotonic()
        during = sampler.between(confirm, answered)
        time.sleep(5)
        soon = sampler.between(time.monotonic() - 1, time.monotonic())
        time.sleep(max(0.0, args.idle + 5 - 5))
        later = sampler.between(time.monotonic() - 1, time.monotonic())
        sampler.running = False
        bot.stdin.close()
        bot.wait(60)
        fake.stop()

    cited = "Thông tư ban hành quy chế kiểm tra nghiệp vụ" in answer or "sở hữu công nghiệp" in answer
    load = os.getloadavg()
    print(f"embedder {args.embedder}, passage worker {'off' if args.no_worker else f'on (idle {args.idle:g} s)'}; "
          f"file {args.file.name} ({len(data) // 1024} KB), {passages}")
    print(f"Confirm → indexed message: {indexed - confirm:.1f} s; → a member's answer citing it: "
          f"{answered - confirm:.1f} s (cited: {cited})")
    print(f"RSS MiB (bot process / passage worker / together): idle {idle[0]:.0f} / {idle[1]:.0f} / {idle[2]:.0f}; "
          f"during the upload max {during[0]:.0f} / {during[1]:.0f} / {during[2]:.0f}; "
          f"5 s after {soon[0]:.0f} / {soon[1]:.0f} / {soon[2]:.0f}; "
          f"{args.idle + 5:g} s after {later[0]:.0f} / {later[1]:.0f} / {later[2]:.0f}")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"samples {len(sampler.samples)}, median bot RSS {statistics.median(s[1] for s in sampler.samples):.0f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="library to serve (copied first)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--models-dir", type=Path,
                        default=Path(os.environ.get("NQBOT_MODELS_DIR", ROOT / "data" / "models")))
    parser.add_argument("--embedder", default="openvino")
    parser.add_argument("--no-worker", action="store_true", help="embed passages in the bot's own process")
    parser.add_argument("--idle", type=float, default=20.0, help="NQBOT_PASSAGE_WORKER_IDLE for the run")
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return serve_bot(args) if args.serve_bot else drive(args)


if __name__ == "__main__":
    sys.exit(main())
