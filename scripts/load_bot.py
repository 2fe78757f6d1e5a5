"""Load test of the Telegram bot: the real PTB application against the fake Bot API, many members at once.

    .venv/bin/python scripts/load_bot.py [--members 50] [--seconds 60] [--models-dir data/models]

The fake Bot API server and the simulated members run in this process; the bot runs in a child process
(``--serve-bot``), as in production: the real application with its polling loop, AIORateLimiter and thread
pools, on a temporary data dir with a few Party documents (bundled samples and test data) ingested. Each member
asks varied Vietnamese questions (some typed without diacritics), waits for the answer, and paces itself
under the bot's per-user limit (5 questions / 30 s) so every question is answered.

Prints questions/s sustained, p50/p95 latency from the update being queued at the fake server to the bot's
reply reaching it, errors (timeouts, apologies, rate-limit notices, requests Telegram would refuse, ERROR log
records of the bot: must be 0) and the bot process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from benchmark_questions import PARTY_TEXTS, negatives, positives, without_marks  # noqa: E402
from child_bot import count_errors  # noqa: E402

DOCUMENTS = ("57-NQ-TW.txt", "71-NQ-TW.txt", "66-NQ-TW.txt", "127-KL-TW.txt")
ADMIN_ID = 1001
FIRST_MEMBER = 10_000
#: A member asks at most once per this many seconds (the bot allows 5 questions per 30 s per user).
MIN_INTERVAL = 6.2
TOKEN = "123456:TEST-TOKEN"


# the bot process --------------------------------------------------------------------------------------
def serve_bot(args: argparse.Namespace) -> int:
    """Child process: ingest, start the bot against ``--api``, print READY, run until stdin closes."""
    from pydantic import SecretStr

    from bot.telegram.app import build_application
    from bot.telegram.config import BotConfig
    from bot.telegram.runner import BackgroundBot
    from config.settings import Settings
    from index.engine import Engine

    errors = count_errors()
    data = Path(args.data)
    settings = Settings(data_dir=data / "data", models_dir=args.models_dir, _env_file=None)
    engine = Engine(settings)
    started = time.perf_counter()
    for name in DOCUMENTS:
        report = engine.ingest_path(PARTY_TEXTS[name])
        print(f"ingested {name}: {report.status}, {report.chunks} passages", flush=True)
    engine.warm_up()
    bot_settings = settings.model_copy(update={"telegram_token": SecretStr(TOKEN), "admin_ids": [ADMIN_ID],
                                               "data_dir": data / "bot"})
    application = build_application(engine, settings=bot_settings, config=BotConfig(poll_timeout=1.0),
                                    base_url=f"{args.api}/bot", base_file_url=f"{args.api}/file/bot")
    store = application.bot_data["services"].store
    for n in range(args.members):
        store.set_role(FIRST_MEMBER + n, "member", by=ADMIN_ID)
    runner = BackgroundBot(application, poll_timeout=1.0).start()
    print(f"READY set-up {time.perf_counter() - started:.1f} s, "
          f"rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)
    sys.stdin.read()  # until the driver closes our stdin
    runner.stop()
    engine.close()
    print("RESULT " + json.dumps({"rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                  "errors": errors.count}), flush=True)
    return 0


# the driver ------------------------------------------------------------------------------------------
def question_pool() -> list[str]:
    wanted = {"/".join(name.removesuffix(".txt").rsplit("-", 1)) for name in DOCUMENTS}  # 57-NQ-TW → 57-NQ/TW
    pos = [(q, n) for q, n in positives() if n in wanted]
    return [q for q, _ in pos] + [q for q, _ in without_marks(pos)] + negatives()[:5]


class Replies(threading.Thread):
    """One thread watching the fake's request log: wakes the member whose answer (the message with the
    👍/👎 keyboard, or any plain reply) has reached the server."""

    def __init__(self, fake: Any) -> None:
        super().__init__(daemon=True, name="replies")
        self.fake = fake
        self.waiting: dict[int, tuple[threading.Event, list[str]]] = {}
        self.lock = threading.Lock()
        self.running = True

    def expect(self, chat_id: int) -> tuple[threading.Event, list[str]]:
        entry = (threading.Event(), [])
        with self.lock:
            self.waiting[chat_id] = entry
        return entry

    def run(self) -> None:
        seen = 0
        while self.running:
            self.fake.wait_for(lambda done=seen: len(self.fake.calls) > done or not self.running, timeout=3600)
            calls = self.fake.calls
            for method, params in calls[seen:]:
                if method != "sendMessage":
                    continue
                chat_id = int(params.get("chat_id", 0))
                markup = json.dumps(params.get("reply_markup") or "")
                text = str(params.get("text", ""))
                final = "fb:" in markup or not markup.strip('"')
                with self.lock:
                    entry = self.waiting.get(chat_id)
                    if entry is not None and final:
                        entry[1].append(text)
                        entry[0].set()
                        del self.waiting[chat_id]
            seen = len(calls)


class Member(threading.Thread):
    def __init__(self, fake: Any, replies: Replies, user_id: int, questions: list[str], until: float,
                 latencies: list[float], problems: list[str], lock: threading.Lock) -> None:
        super().__init__(daemon=True, name=f"member-{user_id}")
        self.fake, self.replies = fake, replies
        self.user = fake.user(user_id, f"Đảng viên {user_id}")
        self.questions, self.until = questions, until
        self.latencies, self.problems, self.lock = latencies, problems, lock
        self.random = random.Random(user_id)
        self.asked = 0

    def run(self) -> None:
        time.sleep(self.random.uniform(0, MIN_INTERVAL))  # spread the first questions
        while time.monotonic() < self.until:
            started = time.monotonic()
            event, texts = self.replies.expect(self.user["id"])
            self.fake.send_text(self.user, self.random.choice(self.questions))
            if not event.wait(60):
                with self.lock:
                    self.problems.append(f"timeout user={self.user['id']}")
                return
            with self.lock:
                self.latencies.append(time.monotonic() - started)
                if "Xin lỗi" in texts[0] or "hỏi hơi nhanh" in texts[0]:
                    self.problems.append(f"bad reply user={self.user['id']}: {texts[0][:50]}")
            self.asked += 1
            time.sleep(max(0.0, MIN_INTERVAL - (time.monotonic() - started)) + self.random.uniform(0, 1.0))


def drive(args: argparse.Namespace) -> int:
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram(token=TOKEN)
    fake.start()
    with tempfile.TemporaryDirectory(prefix="nqbot-load-") as tmp:
        bot = subprocess.Popen(
            [sys.executable, __file__, "--serve-bot", "--data", tmp, "--api", f"http://127.0.0.1:{fake.port}",
             "--members", str(args.members), "--models-dir", str(args.models_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert bot.stdin is not None and bot.stdout is not None
        for line in bot.stdout:
            print(line.rstrip())
            if line.startswith("READY"):
                break
        else:
            print("the bot process did not start")
            return 1
        replies = Replies(fake)
        replies.start()
        questions = question_pool()
        latencies: list[float] = []
        problems: list[str] = []
        lock = threading.Lock()
        t0 = time.monotonic()
        members = [Member(fake, replies, FIRST_MEMBER + n, questions, t0 + args.seconds, latencies, problems, lock)
                   for n in range(args.members)]
        for member in members:
            member.start()
        for member in members:
            member.join(timeout=args.seconds + 120)
        wall = time.monotonic() - t0
        bot.stdin.close()
        result: dict[str, float] = {}
        for line in bot.stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[7:])
            else:
                print(line.rstrip())
        bot.wait(60)
        replies.running = False
        fake.stop()

    asked = sum(m.asked for m in members)
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    rejected = len(fake.rejected)
    bot_errors = int(result.get("errors", 1))
    total_errors = len(problems) + rejected + bot_errors
    print(f"members: {args.members}, duration: {wall:.1f} s, questions answered: {asked} "
          f"({len(questions)} distinct questions, {sum(1 for x in questions if x.isascii())} typed without diacritics)")
    print(f"throughput: {asked / wall:.2f} questions/s sustained")
    print(f"latency (update queued → reply at the server): p50 {1000 * q[49]:.0f} ms, p95 {1000 * q[94]:.0f} ms, "
          f"max {1000 * max(latencies, default=0):.0f} ms")
    print(f"errors: {total_errors} (timeouts/bad replies {len(problems)}, refused requests {rejected}, "
          f"bot ERROR logs {bot_errors})")
    for problem in problems[:10]:
        print("  ", problem)
    print(f"bot process peak RSS: {result.get('rss_mib', 0):.0f} MiB")
    return 1 if total_errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models",
                        help="converted models (converted there on first use, ~1 min)")
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return serve_bot(args) if args.serve_bot else drive(args)


if __name__ == "__main__":
    sys.exit(main())
