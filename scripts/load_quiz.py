"""Load test of a group quiz: 50 members answering every question at once, the real bot against the fake Bot API.

    .venv/bin/python scripts/load_quiz.py [--members 50] [--questions 10] [--seconds 10] [--models-dir data/models]

The bot runs in a child process (``--serve-bot``) as in production — the real application, its polling loop,
AIORateLimiter, job queue and thread pools — on a temporary data directory with four Party documents ingested.
The driver (this process) runs the fake Bot API, a group with the members, and an admin who starts
``/quiz 57 71 N``. Every member votes in every poll within its first seconds (70 % right), each vote pushed to
the fake as the ``poll_answer`` update Telegram would send.

Prints the p50/p95/max of answer-to-score — from a vote reaching Telegram to the bot having scored it (its row in
``quiz_answers``, epoch seconds on the same clock) — votes scored, the scoreboard checked against the votes cast,
requests the fake refused (must be 0) and ERROR log records of the bot (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
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

from child_bot import count_errors  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

DOCUMENTS = ("57-NQ-TW.txt", "71-NQ-TW.txt", "66-NQ-TW.txt", "127-KL-TW.txt")
ADMIN_ID = 1001
FIRST_MEMBER = 20_000
GROUP_ID = -1001234500000
TOKEN = "123456:TEST-TOKEN"


# the bot process --------------------------------------------------------------------------------------
def serve_bot(args: argparse.Namespace) -> int:
    from pydantic import SecretStr

    from bot.telegram.app import build_application
    from bot.telegram.config import BotConfig
    from bot.telegram.runner import BackgroundBot
    from config.settings import Settings
    from index.engine import Engine
    from tests.corpus import party_path

    errors = count_errors()
    data = Path(args.data)
    settings = Settings(data_dir=data / "data", models_dir=args.models_dir, _env_file=None,
                        quiz_seconds=args.seconds)  # type: ignore[call-arg]
    engine = Engine(settings)
    for name in DOCUMENTS:
        report = engine.ingest_path(party_path(name))
        print(f"ingested {name}: {report.status}, {report.chunks} passages", flush=True)
    engine.warm_up()
    bot_settings = settings.model_copy(update={"telegram_token": SecretStr(TOKEN), "admin_ids": [ADMIN_ID],
                                               "data_dir": data / "bot"})
    application = build_application(engine, settings=bot_settings, config=BotConfig(poll_timeout=1.0),
                                    base_url=f"{args.api}/bot", base_file_url=f"{args.api}/file/bot")
    runner = BackgroundBot(application, poll_timeout=1.0).start()
    print("READY", flush=True)
    sys.stdin.read()  # until the driver closes our stdin
    runner.stop()
    engine.close()
    print("RESULT " + json.dumps({"rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                  "errors": errors.count}), flush=True)
    return 0


# the driver ------------------------------------------------------------------------------------------
def drive(args: argparse.Namespace) -> int:
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram(token=TOKEN)
    fake.start()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="nqbot-load-quiz-") as tmp:
        bot = subprocess.Popen(
            [sys.executable, __file__, "--serve-bot", "--data", tmp, "--api", f"http://127.0.0.1:{fake.port}",
             "--seconds", str(args.seconds), "--models-dir", str(args.models_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert bot.stdin is not None and bot.stdout is not None
        for line in bot.stdout:
            print(line.rstrip())
            if line.startswith("READY"):
                break
        else:
            print("the bot process did not start")
            return 1
        admin = fake.user(ADMIN_ID, "Admin", username="quantri")
        members = [fake.user(FIRST_MEMBER + n, f"Đảng viên {n}") for n in range(args.members)]
        group = fake.group(GROUP_ID, "Chi bộ thi đua", members=[admin, *members])
        fake.send_text(admin, "/allowgroup", chat=group)
        fake.wait_for(lambda: any("Đã bật bot" in (m.get("html") or "") for m in fake.bot_messages(GROUP_ID)))
        started = time.monotonic()
        fake.send_text(admin, f"/quiz 57 71 {args.questions}", chat=group)
        cast: dict[tuple[str, int], tuple[float, bool]] = {}  # (poll id, user) → (time voted, right?)
        lock = threading.Lock()

        def vote(user: dict[str, Any], poll: dict[str, Any], right: bool, delay: float) -> None:
            time.sleep(delay)
            correct = poll["correct_option_ids"][0]
            choice = correct if right else (correct + 1) % len(poll["options"])
            with lock:
                cast[(poll["id"], user["id"])] = (time.time(), right)
            fake.answer_poll(user, {"chat": {"id": GROUP_ID}, "message_id": poll["message_id"]}, [choice])

        for n in range(args.questions):
            poll = fake.wait_for(lambda k=n: len(polls := fake.polls(GROUP_ID)) > k and polls[k], timeout=120)
            threads = [threading.Thread(target=vote, args=(user, poll, rng.random() < 0.7, rng.uniform(0, 2.0)))
                       for user in members]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        board = fake.wait_for(lambda: next((m for m in fake.bot_messages(GROUP_ID)
                                            if "Kết quả quiz" in (m.get("html") or "")), None), timeout=120)
        wall = time.monotonic() - started
        store = sqlite3.connect(f"file:{Path(tmp) / 'bot' / 'bot.sqlite3'}?mode=ro", uri=True)
        scored = {(r[0], r[1]): (r[2], bool(r[3])) for r in store.execute(
            "SELECT q.poll_id, a.user_id, a.answered_at, a.correct FROM quiz_answers a "
            "JOIN quiz_rounds q ON q.id = a.round_id")}
        store.close()
        bot.stdin.close()
        result: dict[str, float] = {}
        for line in bot.stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[7:])
        bot.wait(60)
        fake.stop()

    latencies = [scored[key][0] - when for key, (when, _) in cast.items() if key in scored]
    wrongly = sum(scored[key][1] != right for key, (_, right) in cast.items() if key in scored)
    missing = len(cast) - len(latencies)
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    right_per_member: dict[int, int] = {}
    for (_, user), (_, right) in cast.items():
        right_per_member[user] = right_per_member.get(user, 0) + right
    best = max(right_per_member.values(), default=0)
    rejected, errors = len(fake.rejected), int(result.get("errors", 1))
    print(f"members: {args.members}, questions: {args.questions} × {args.seconds} s, wall {wall:.1f} s")
    print(f"votes cast: {len(cast)}, scored: {len(latencies)}, lost: {missing}, scored wrongly: {wrongly}")
    print(f"answer-to-score (vote reaches the fake Bot API → bot has scored it): p50 {1000 * q[49]:.0f} ms, "
          f"p95 {1000 * q[94]:.0f} ms, max {1000 * max(latencies, default=0):.0f} ms")
    print(f"scoreboard: first line {board['html'].splitlines()[1]!r} (best member answered {best} right)")
    print(f"requests refused by the fake Bot API: {rejected}; bot ERROR logs: {errors}; "
          f"bot peak RSS {result.get('rss_mib', 0):.0f} MiB")
    return 1 if rejected or errors or missing or wrongly else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10, help="NQBOT_QUIZ_SECONDS for the run")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models")
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return serve_bot(args) if args.serve_bot else drive(args)


if __name__ == "__main__":
    sys.exit(main())
