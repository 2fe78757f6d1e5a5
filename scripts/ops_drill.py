"""Operations drill on a full data directory: upgrade, backup under load, kill -9, restore, refusals, health.

    .venv/bin/python scripts/ops_drill.py --data /work/bdata/full --models-dir /work/bdata/models [--work DIR]

``--data`` is copied into ``--work`` first and never written to. Then, with the commands an operator types:

1. **upgrade** — ``nqbot verify`` on the copy, then ``nqbot docs list``: an older schema is backed up
   automatically (``nqbot-pre-upgrade-*.tar.gz``) and migrated; the 50 questions (``scripts/questions/
   sections.tsv``, first column) are answered and their citations kept;
2. **backup under load** — the real bot (child process, real PTB application and polling loop against the fake
   Bot API in this process) answers a stream of members' questions through ``--rounds`` rounds of: ``--seconds``
   without backups, one ``nqbot backup`` (a separate process, as from cron), then a CPU-bound process for as
   long as that backup took (what any busy process costs on this machine). Latency p50/p95 (update queued →
   reply at the server) and errors in each kind of window, the noise (p95 of the first and second half of the
   quiet windows), time and size of each backup; ``nqbot status`` while the bot runs;
3. **kill -9** of ``nqbot backup`` mid-way: what is left in the directory, and that it is refused;
4. **restore** into an empty directory (time), ``nqbot verify``, counts against the manifest and the live
   catalog, and the same 50 questions with their citations compared;
5. **refusals** — a truncated archive, one with a flipped byte, one from a newer schema: the message, the exit
   code, and the target directory still empty;
6. **/healthz** — the bot in webhook mode on the restored directory: one update posted, ``GET /healthz``.

Prints every figure with the command behind it, and writes them to ``<work>/drill.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from child_bot import count_errors, free_port  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

TOKEN = "123456:DRILL-TOKEN"
ADMIN_ID = 1001
FIRST_MEMBER = 20_000
MIN_INTERVAL = 6.2  # the bot allows 5 questions per 30 s per member
QUESTIONS = 50


def nqbot(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the CLI exactly as an operator would (a separate process), and echo it."""
    command = [str(Path(sys.executable).with_name("nqbot")), *args]
    print("$ nqbot " + " ".join(args), flush=True)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    for line in (result.stdout + result.stderr).splitlines():
        print("    " + line)
    print(f"    (exit {result.returncode}, {seconds:.1f} s)", flush=True)
    if check and result.returncode not in (0,):
        raise SystemExit(f"nqbot {args[0]} failed")
    result.seconds = seconds  # type: ignore[attr-defined]
    return result


def section_questions() -> list[str]:
    lines = (ROOT / "scripts" / "questions" / "sections.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]


def citations(data: Path, models: Path, questions: list[str]) -> list[list[tuple[int, str, str, str]]]:
    from config.settings import Settings
    from index.engine import Engine

    engine = Engine(Settings(data_dir=data, models_dir=models, _env_file=None))  # type: ignore[call-arg]
    try:
        return [[(c.chunk_id, c.doc_number or "", c.locator, c.quote) for c in engine.ask(q).citations]
                for q in questions]
    finally:
        engine.close()


def counts(data: Path) -> dict[str, int]:
    from bot.operations.databases import connect, count, database_kinds

    found: dict[str, int] = {}
    for kind in database_kinds():
        path = data / kind.filename
        if path.is_file():
            with closing(connect(path)) as db:
                found.update(count(db, kind.counts))
    return found


# the bot process --------------------------------------------------------------------------------------
def serve_bot(args: argparse.Namespace) -> int:
    """Child: the real bot on ``--data`` against ``--api`` (webhook mode with ``--webhook-port``)."""
    from pydantic import SecretStr

    from bot.telegram.app import build_application, webhook_options
    from bot.telegram.config import BotConfig
    from bot.telegram.runner import BackgroundBot
    from config.settings import Settings
    from index.engine import Engine

    errors = count_errors()
    import faulthandler

    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 <pid>`: every thread's stack
    overrides: dict[str, Any] = {"telegram_token": SecretStr(TOKEN), "admin_ids": [ADMIN_ID]}
    if args.webhook_port:
        overrides.update({"webhook_url": "https://nqbot.example.org", "webhook_listen": "127.0.0.1",
                          "webhook_port": args.webhook_port, "webhook_path": "hook"})
    settings = Settings(data_dir=Path(args.data), models_dir=args.models_dir, _env_file=None, **overrides)
    engine = Engine(settings)
    engine.warm_up()
    application = build_application(engine, config=BotConfig(poll_timeout=1.0, status_interval=2.0),
                                    base_url=f"{args.api}/bot", base_file_url=f"{args.api}/file/bot")
    store = application.bot_data["services"].store
    for n in range(args.members):
        store.set_role(FIRST_MEMBER + n, "member", by=ADMIN_ID)
    runner = BackgroundBot(application, poll_timeout=1.0, webhook=webhook_options(settings)).start()
    print("READY", flush=True)
    sys.stdin.read()
    runner.stop()
    engine.close()
    print("RESULT " + json.dumps({"rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                  "errors": errors.count}), flush=True)
    return 0


class Bot:
    def __init__(self, fake: Any, data: Path, models: Path, members: int, webhook_port: int = 0) -> None:
        # As in production: no OMP_THREAD_LIMIT (with OMP_THREAD_LIMIT=1, two question workers searching FAISS at
        # once spin forever in faiss' OpenMP code — a separate issue; `make test` sets it for tesseract).
        env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve-bot", "--data", str(data), "--api", f"http://127.0.0.1:{fake.port}",
             "--members", str(members), "--models-dir", str(models), "--webhook-port", str(webhook_port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("READY"):
                return
            print("    bot: " + line.rstrip())
        raise SystemExit("the bot did not start")

    def stop(self) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        result: dict[str, Any] = {}
        for line in self.process.stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[7:])
            else:
                print("    bot: " + line.rstrip())
        self.process.wait(60)
        return result


# the stream of questions ------------------------------------------------------------------------------
class Stream:
    """Members asking in turn; each answer's (sent at, latency, problem) is recorded."""

    def __init__(self, fake: Any, members: int, questions: list[str]) -> None:
        self.fake, self.questions = fake, questions
        self.samples: list[tuple[float, float]] = []
        self.problems: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.running = True
        self.waiting: dict[int, tuple[threading.Event, list[str]]] = {}
        self.threads = [threading.Thread(target=self._member, args=(FIRST_MEMBER + n, n), daemon=True)
                        for n in range(members)]
        self.watcher = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self.watcher.start()
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(90)

    def _watch(self) -> None:
        seen = 0
        while self.running or self.waiting:
            self.fake.wait_for(lambda done=seen: len(self.fake.calls) > done or not self.running, timeout=3600)
            calls = self.fake.calls
            for method, params in calls[seen:]:
                if method != "sendMessage":
                    continue
                chat = int(params.get("chat_id", 0))
                markup = json.dumps(params.get("reply_markup") or "")
                with self.lock:
                    entry = self.waiting.get(chat)
                    if entry is not None and ("fb:" in markup or not markup.strip('"')):
                        entry[1].append(str(params.get("text", "")))
                        entry[0].set()
                        del self.waiting[chat]
            seen = len(calls)
            if not self.running and not self.waiting:
                return

    def _member(self, user_id: int, n: int) -> None:
        user = self.fake.user(user_id, f"Đảng viên {n}")
        time.sleep(MIN_INTERVAL * n / max(1, len(self.threads)))
        k = n
        while self.running:
            event, texts = threading.Event(), []
            with self.lock:
                self.waiting[user_id] = (event, texts)
            sent = time.time()
            started = time.monotonic()
            self.fake.send_text(user, self.questions[k % len(self.questions)])
            k += len(self.threads)
            if not event.wait(60):
                with self.lock:
                    self.problems.append((sent, f"timeout user={user_id}"))
                    self.waiting.pop(user_id, None)
                continue
            latency = time.monotonic() - started
            with self.lock:
                self.samples.append((sent, latency))
                if "Xin lỗi" in texts[0] or "hỏi hơi nhanh" in texts[0]:
                    self.problems.append((sent, f"bad reply user={user_id}"))
            time.sleep(max(0.0, MIN_INTERVAL - latency))

    def phase(self, windows: list[tuple[float, float]]) -> dict[str, Any]:
        """Answers to questions sent within ``windows`` ((start, end) times): count, p50/p95/max, errors."""
        def inside(sent: float) -> bool:
            return any(start <= sent < end for start, end in windows)

        with self.lock:
            latencies = [latency for sent, latency in self.samples if inside(sent)]
            problems = [p for sent, p in self.problems if inside(sent)]
        q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
        return {"answers": len(latencies), "p50_ms": round(1000 * q[49], 1), "p95_ms": round(1000 * q[94], 1),
                "max_ms": round(1000 * max(latencies, default=0), 1), "errors": len(problems)}


# the drill ---------------------------------------------------------------------------------------------
def drill(args: argparse.Namespace) -> int:
    from tests.fake_telegram import FakeTelegram

    work: Path = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    live, backups = work / "live", work / "backups"
    env = {**os.environ, "NQBOT_MODELS_DIR": str(args.models_dir), "NQBOT_LOG_LEVEL": "WARNING",
           "NQBOT_BACKUP_DIR": str(work / "pre-upgrade"), "PYTHONPATH": str(ROOT)}
    figures: dict[str, Any] = {}
    print(f"## 0. copy {args.data} → {live} (the source is never written)")
    shutil.copytree(args.data, live)

    print("\n## 1. upgrade on start: automatic backup, then migration")
    nqbot("--data-dir", str(live), "verify", env=env, check=False)
    upgrade = nqbot("--data-dir", str(live), "docs", "list", env=env)
    figures["upgrade"] = {"seconds": round(upgrade.seconds, 1),  # type: ignore[attr-defined]
                          "pre_upgrade_backups": sorted(p.name for p in (work / "pre-upgrade").glob("*.tar.gz")),
                          "documents_listed": len(upgrade.stdout.splitlines())}
    nqbot("--data-dir", str(live), "verify", env=env)
    questions = section_questions()[:QUESTIONS]
    before = citations(live, args.models_dir, questions)
    print(f"    {len(questions)} questions answered on the live copy "
          f"({sum(1 for c in before if c)} with citations)")

    print(f"\n## 2. backup while the bot answers ({args.members} members; {args.rounds} rounds of: "
          f"{args.seconds:.0f} s without backups, one `nqbot backup`, then a CPU-bound process for as long as "
          "that backup took)")
    fake = FakeTelegram(token=TOKEN)
    fake.start()
    bot = Bot(fake, live, args.models_dir, args.members)
    stream = Stream(fake, args.members, section_questions())
    stream.start()
    time.sleep(MIN_INTERVAL + 2)  # every member has asked once
    quiet: list[tuple[float, float]] = []
    during: list[tuple[float, float]] = []
    busy: list[tuple[float, float]] = []
    runs = []
    status = None
    for round_no in range(args.rounds):
        start = time.time()
        time.sleep(args.seconds)
        quiet.append((start, time.time()))
        start = time.time()
        result = nqbot("--data-dir", str(live), "backup", str(backups), "--keep", "3", env=env)
        during.append((start, time.time()))
        archive = sorted(backups.glob("nqbot-*.tar.gz"))[-1]
        runs.append({"seconds": round(result.seconds, 2), "bytes": archive.stat().st_size})  # type: ignore[attr-defined]
        start = time.time()
        burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(during[-1][1] - during[-1][0])
        burner.kill()
        burner.wait()
        busy.append((start, time.time()))
        if round_no == 0:
            status = nqbot("--data-dir", str(live), "status", env=env, check=False)
    stream.stop()
    result = bot.stop()
    fake.stop()
    halves = (quiet[: len(quiet) // 2], quiet[len(quiet) // 2:])
    refused_answers = [r for r in fake.rejected if r.get("method") != "sendChatAction"]  # "typing…" is no answer
    figures["load"] = {
        "without_backups": stream.phase(quiet), "during_backups": stream.phase(during),
        "cpu_bound_process": stream.phase(busy),
        # two halves of the quiet windows: how much p95 moves without any backup (the noise)
        "noise": [stream.phase(halves[0]), stream.phase(halves[1])],
        "backups": runs, "bot_errors": result.get("errors"), "refused_requests": fake.rejected,
        "bot_rss_mib": round(result.get("rss_mib", 0))}
    figures["status_output"] = status.stdout.splitlines() if status else []
    for name in ("without_backups", "during_backups", "cpu_bound_process"):
        print(f"    {name:17} {figures['load'][name]}")
    print(f"    noise: p95 of the two halves of the quiet windows: {figures['load']['noise'][0]['p95_ms']} / "
          f"{figures['load']['noise'][1]['p95_ms']} ms")
    low, high = min(r["seconds"] for r in runs), max(r["seconds"] for r in runs)
    print(f"    backups: {len(runs)}, each {low:.1f}–{high:.1f} s (process start included), "
          f"{runs[-1]['bytes'] / 1e6:.1f} MB; bot ERROR logs {result.get('errors')}, "
          f"requests Telegram would refuse {len(fake.rejected)} {fake.rejected[:3]}")

    print("\n## 3. kill -9 of nqbot backup mid-way")
    killed = work / "killed"
    command = [str(Path(sys.executable).with_name("nqbot")), "--data-dir", str(live), "backup", str(killed)]
    print("$ nqbot --data-dir LIVE backup KILLED &  … kill -9 once the partial archive has grown past 5 MB")
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial_size = 0
    while child.poll() is None:
        partials = list(killed.glob(".*.partial")) if killed.exists() else []
        if partials and (partial_size := partials[0].stat().st_size) > 5_000_000:
            os.kill(child.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    child.wait()
    left = sorted(p.name for p in killed.iterdir())
    complete_looking = [name for name in left if name.endswith(".tar.gz")]
    print(f"    killed: {child.returncode == -signal.SIGKILL} at {partial_size / 1e6:.1f} MB; left: {left}")
    partial = next(killed.glob(".*.partial"), None)
    refused = None
    if partial is not None:
        renamed = work / "renamed-partial.tar.gz"
        shutil.copyfile(partial, renamed)
        refused = nqbot("--data-dir", str(work / "from-partial"), "restore", "--check", str(renamed), env=env,
                        check=False)
    again = nqbot("--data-dir", str(live), "backup", str(killed), env=env)
    figures["kill9"] = {"killed": child.returncode == -signal.SIGKILL, "partial_mb": round(partial_size / 1e6, 1),
                        "left": left, "complete_looking": complete_looking,
                        "renamed_partial_refused": None if refused is None else refused.returncode == 2,
                        "after_next_backup": sorted(p.name for p in killed.iterdir()),
                        "next_backup_ok": again.returncode == 0}

    print("\n## 4. restore into an empty directory")
    archive = sorted(backups.glob("nqbot-*.tar.gz"))[-1]
    restored = work / "restored"
    result = nqbot("--data-dir", str(restored), "restore", str(archive), env=env)
    verify = nqbot("--data-dir", str(restored), "verify", env=env, check=False)
    from bot.operations.archive import check_archive

    manifest = check_archive(archive).manifest
    restored_counts, live_counts = counts(restored), counts(live)
    catalog_keys = ("documents", "documents_in_search", "versions", "passages", "passages_in_search")
    after = citations(restored, args.models_dir, questions)
    same = sum(1 for a, b in zip(before, after, strict=True) if a == b)
    figures["restore"] = {
        "seconds": round(result.seconds, 1), "archive_mb": round(archive.stat().st_size / 1e6, 1),  # type: ignore[attr-defined]
        "verify_exit": verify.returncode,
        "counts_equal_manifest": all(restored_counts.get(k) == v for k, v in manifest.counts.items()
                                     if k not in ("audit", "stored_files")) and
        restored_counts.get("audit") == manifest.counts.get("audit", 0) + 1,  # + the restore's own entry
        "catalog_counts_equal_live": all(restored_counts[k] == live_counts[k] for k in catalog_keys),
        "counts": restored_counts, "same_citations": f"{same}/{len(questions)}"}
    print(f"    citations identical for {same} of {len(questions)} questions; catalog counts equal the live "
          f"copy: {figures['restore']['catalog_counts_equal_live']}")

    print("\n## 5. refusals (each into an empty directory)")
    raw = archive.read_bytes()
    truncated, flipped = work / "truncated.tar.gz", work / "flipped.tar.gz"
    truncated.write_bytes(raw[: len(raw) // 2])
    middle = len(raw) // 2
    flipped.write_bytes(raw[:middle] + bytes([raw[middle] ^ 0x01]) + raw[middle + 1:])
    newer = newer_archive(restored, work)
    figures["refusals"] = {}
    for name, path in (("truncated", truncated), ("flipped byte", flipped), ("newer schema", newer)):
        target = work / f"target-{name.replace(' ', '-')}"
        target.mkdir()
        refusal = nqbot("--data-dir", str(target), "restore", str(path), env=env, check=False)
        figures["refusals"][name] = {"exit": refusal.returncode, "message": refusal.stderr.strip(),
                                     "target_empty": not any(target.iterdir())}

    print("\n## 6. /healthz (webhook mode, on the restored directory)")
    figures["healthz"] = healthz(restored, args.models_dir)

    (work / "drill.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nfigures: {work / 'drill.json'}")
    ok = (figures["load"]["during_backups"]["errors"] == 0 and not figures["load"]["bot_errors"]
          and not refused_answers
          and not complete_looking and same == len(questions) and verify.returncode == 0
          and all(r["exit"] == 2 and r["target_empty"] for r in figures["refusals"].values()))
    print("DRILL " + ("PASSED" if ok else "FAILED"))
    return 0 if ok else 1


def newer_archive(source: Path, work: Path) -> Path:
    """An archive as a newer nqbot writes it: its catalog carries the next schema version."""
    from bot.operations.backup import backup
    from bot.operations.databases import DataPaths
    from index.catalog import SCHEMA

    data = work / "newer-data"
    shutil.copytree(source, data)
    with closing(sqlite3.connect(data / "catalog.sqlite3")) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA.version + 1}")
        db.commit()
    return backup(DataPaths.of(data), work / "newer-backups").path


def healthz(data: Path, models: Path) -> dict[str, Any]:
    import httpx

    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram(token=TOKEN)
    fake.start()
    port = free_port()
    bot = Bot(fake, data, models, 1, webhook_port=port)
    try:
        admin = fake.user(ADMIN_ID, "Admin")
        fake.send_text(admin, "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?")
        update = fake.pending_updates[-1]
        posted = httpx.post(f"http://127.0.0.1:{port}/hook", json=update)
        fake.wait_messages(ADMIN_ID, 1, timeout=60)
        time.sleep(0.5)
        print(f"$ curl -s http://127.0.0.1:{port}/healthz")
        answer = httpx.get(f"http://127.0.0.1:{port}/healthz")
        print(f"    HTTP {answer.status_code} {answer.text}")
        return {"post_status": posted.status_code, "status": answer.status_code, "body": answer.json()}
    finally:
        bot.stop()
        fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="a full data directory (copied, never written)")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models")
    parser.add_argument("--work", type=Path, default=Path("/tmp/nqbot-ops-drill"))
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="the quiet window of each round")
    parser.add_argument("--rounds", type=int, default=12, help="rounds of: quiet, one backup, a CPU-bound process")
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--webhook-port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bot:
        return serve_bot(args)
    if args.data is None:
        parser.error("--data is required")
    return drill(args)


if __name__ == "__main__":
    sys.exit(main())
