"""Drill: two ``nqbot serve`` webhook workers behind nginx on one PostgreSQL database; one is killed mid-way.

    .venv/bin/python scripts/drill_workers.py [--members 50] [--seconds 60] [--kill-at 30] [--models-dir DIR]
                                              [--database-url URL] [--out drill.json]

What it sets up (all on 127.0.0.1, stopped at the end):

* PostgreSQL with pgvector: ``--database-url`` (an empty database), else a throwaway server from the PyPI
  package ``pgserver`` in a temporary folder; the four Party texts load_bot uses are ingested with the CLI;
* the fake Bot API (``tests/fake_telegram``, its ``--local`` flavour: files on this disk), which delivers updates
  to the webhook as Telegram does — up to 40 requests at once, each update sent again after 1 s until a 2xx;
* nginx (installed from Debian's packages when missing) terminating TLS with a throwaway self-signed certificate
  and balancing the two workers, retrying a request on the other worker when the connection to the first one
  fails or breaks (``proxy_next_upstream error timeout non_idempotent``) — the configuration the README shows;
* two workers (``nqbot serve``, webhook mode, each its own data directory as on two machines).

Then ``--members`` simulated members ask for ``--seconds`` (each waits for the answer, then paces itself under
the per-user limit); an admin uploads a notice and confirms it while they ask, and five more members ask about it
until it is answered; at ``--kill-at`` seconds worker 1 is killed with SIGKILL at a moment it is handling an update
(recorded in the inbox, not yet answered). Afterwards the drill checks that every question got exactly one answer
(answers with the 👍/👎 keyboard per chat, and the questions logged in the database per member, both equal to the
questions asked), which worker handled each update (the shared inbox), how long after the kill worker 2 took
worker 1's unanswered updates over (its log), what nginx and the fake saw, and writes everything to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from benchmark_questions import PARTY_TEXTS  # noqa: E402
from child_bot import free_port  # noqa: E402
from load_bot import DOCUMENTS, MIN_INTERVAL, question_pool  # noqa: E402

TOKEN = "123456:DRILL-TOKEN"
ADMIN_ID = 1001
FIRST_MEMBER = 10_000
CHECKERS = range(20_001, 20_006)
UPLOAD_AT = 12.0
NOTICE = """TỈNH ỦY NGHỆ AN
Số 950-TB/TU
Nghệ An, ngày 05 tháng 3 năm 2025

THÔNG BÁO
Kết luận của Ban Thường vụ Tỉnh ủy về diễn tập vận hành hệ thống hỏi đáp văn bản

I. KẾT QUẢ ĐẠT ĐƯỢC
1. Các cơ quan Đảng đã hoàn thành việc số hóa 87% hồ sơ lưu trữ về diễn tập vận hành.
2. Hệ thống máy chủ dự phòng đã được kiểm tra tại 100% đảng ủy cấp xã.

II. NHIỆM VỤ THỜI GIAN TỚI
1. Đến hết năm 2027, mỗi huyện ủy tổ chức ít nhất hai đợt diễn tập vận hành hệ thống máy chủ dự phòng.
"""
CHECK_QUESTION = "Đến hết năm 2027 mỗi huyện ủy tổ chức bao nhiêu đợt diễn tập vận hành hệ thống máy chủ dự phòng?"


# set-up ------------------------------------------------------------------------------------------------
def ensure_nginx() -> str:
    """nginx from Debian's packages (installed when missing, without starting the system's service)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    policy = Path("/usr/sbin/policy-rc.d")
    created = not policy.exists()
    if created:  # a package's service must not start (and take port 80) just because it was installed
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"], check=True, env=env)
    finally:
        if created:
            policy.unlink(missing_ok=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_postgres(folder: Path) -> tuple[str, Any]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        import psycopg

        server = pgserver.get_server(folder, cleanup_mode="delete")
    with psycopg.connect(server.get_uri(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE nqbot_drill")
    return server.get_uri().replace("/postgres?", "/nqbot_drill?"), server


NGINX = """worker_processes 1;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log info;
events {{ worker_connections 1024; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
{site}
}}
"""

#: The part an operator copies (README, "Several workers on PostgreSQL"): ports and paths differ.
SITE = """    upstream nqbot_workers {{
        server 127.0.0.1:{first} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{second} max_fails=1 fail_timeout=10s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {crt};
        ssl_certificate_key {key};
        client_max_body_size 1m;
        location /telegram {{
            proxy_pass http://nqbot_workers;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Telegram-Bot-Api-Secret-Token $http_x_telegram_bot_api_secret_token;
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}"""


def start_nginx(nginx: str, tmp: Path, port: int, ports: list[int]) -> subprocess.Popen[bytes]:
    crt, key = tmp / "drill.crt", tmp / "drill.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    site = SITE.format(first=ports[0], second=ports[1], port=port, crt=crt, key=key)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX.format(tmp=tmp, site=site))
    subprocess.run([nginx, "-t", "-c", str(conf)], check=True, capture_output=True)
    return subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"])


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=1800)


def start_worker(index: int, base_env: dict[str, str], port: int, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**base_env, "NQBOT_DATA_DIR": str(tmp / f"worker{index}"), "NQBOT_WEBHOOK_PORT": str(port)}
    log = open(tmp / f"worker{index}.log", "wb")  # noqa: SIM115 - the child writes it until it ends
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def wait_healthy(port: int, timeout: float = 300.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2.0, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"worker on port {port} did not become healthy")


# members -----------------------------------------------------------------------------------------------
def answers(fake: Any, chat_id: int) -> list[dict[str, Any]]:
    """The bot's answers in a chat: the messages with the 👍/👎 keyboard (one per question answered)."""
    return [params for method, params in fake.calls if method == "sendMessage"
            and int(params.get("chat_id", 0)) == chat_id and "fb:" in json.dumps(params.get("reply_markup") or "")]


class Member(threading.Thread):
    def __init__(self, fake: Any, user_id: int, questions: list[str], until: float, log: list[dict[str, Any]],
                 lock: threading.Lock) -> None:
        super().__init__(daemon=True, name=f"member-{user_id}")
        self.fake, self.user = fake, fake.user(user_id, f"Đảng viên {user_id}")
        self.questions, self.until, self.log, self.lock = questions, until, log, lock
        self.random = random.Random(user_id)
        self.asked = 0

    def run(self) -> None:
        time.sleep(self.random.uniform(0, MIN_INTERVAL))
        chat_id = self.user["id"]
        while time.monotonic() < self.until:
            before = len(answers(self.fake, chat_id))
            started = time.monotonic()
            message = self.fake.send_text(self.user, self.random.choice(self.questions))
            self.asked += 1
            try:
                self.fake.wait_for(lambda b=before: len(answers(self.fake, chat_id)) > b, timeout=60)
                latency: float | None = time.monotonic() - started
            except Exception:  # noqa: BLE001 - a lost answer is what the drill counts
                latency = None
            with self.lock:
                self.log.append({"user": chat_id, "message_id": message["message_id"], "sent": started,
                                 "latency": latency})
            time.sleep(max(0.0, MIN_INTERVAL - (time.monotonic() - started)) + self.random.uniform(0, 1.0))


# the drill ---------------------------------------------------------------------------------------------
def drill(args: argparse.Namespace) -> dict[str, Any]:
    import psycopg

    from bot.store_postgres import PostgresBotStore
    from tests.fake_telegram import FakeTelegram

    nginx = ensure_nginx()
    tmp = Path(tempfile.mkdtemp(prefix="nqbot-drill-"))
    tmp.chmod(0o755)
    server = None
    processes: list[subprocess.Popen[bytes]] = []
    fake = FakeTelegram(token=TOKEN, local_dir=tmp / "botapi")
    result: dict[str, Any] = {"members": args.members, "seconds": args.seconds, "kill_at": args.kill_at}
    try:
        url = args.database_url or ""
        if not url:
            url, server = start_postgres(tmp / "pg")
        fake.start()
        fake.deliver_webhooks(max_connections=40, retry_after=1.0)
        ports = [free_port(), free_port()]
        proxy_port = free_port()
        base_env = {**os.environ, "PYTHONPATH": str(ROOT), "NQBOT_DATABASE_URL": url,
                    "NQBOT_MODELS_DIR": str(args.models_dir), "NQBOT_TELEGRAM_TOKEN": TOKEN,
                    "NQBOT_TELEGRAM_API_URL": fake.api_root, "NQBOT_ADMIN_IDS": str(ADMIN_ID),
                    "NQBOT_WEBHOOK_URL": f"https://127.0.0.1:{proxy_port}", "NQBOT_WEBHOOK_LISTEN": "127.0.0.1",
                    "NQBOT_WEBHOOK_PATH": "telegram", "NQBOT_WEBHOOK_SECRET": secrets.token_urlsafe(16),
                    "NQBOT_LOG_LEVEL": "INFO", "NQBOT_DATA_DIR": str(tmp / "cli")}
        started = time.perf_counter()
        ingest = cli(base_env, "ingest", *[str(PARTY_TEXTS[name]) for name in DOCUMENTS])
        if ingest.returncode != 0:
            raise RuntimeError(f"ingest failed: {ingest.stderr[-2000:]}")
        result["ingest_seconds"] = round(time.perf_counter() - started, 1)
        store = PostgresBotStore(url, admin_ids=[ADMIN_ID])
        for user_id in [*range(FIRST_MEMBER, FIRST_MEMBER + args.members), *CHECKERS]:
            store.set_role(user_id, "member", by=ADMIN_ID)
        store.close()
        processes.append(start_nginx(nginx, tmp, proxy_port, ports))
        workers = [start_worker(i + 1, base_env, port, tmp) for i, port in enumerate(ports)]
        processes += workers
        for port in ports:
            wait_healthy(port)
        fake.wait_for(lambda: any(m == "setWebhook" for m, _ in fake.calls), timeout=60)
        result["set_up_seconds"] = round(time.perf_counter() - started, 1)
        ids = worker_ids(tmp)
        result["workers"] = {str(i + 1): {"pid": w.pid, "port": p, "worker_id": ids.get(i + 1)}
                             for i, (w, p) in enumerate(zip(workers, ports, strict=True))}
        print(f"set up in {result['set_up_seconds']} s: workers {result['workers']}", flush=True)

        log: list[dict[str, Any]] = []
        lock = threading.Lock()
        questions = question_pool()
        t0 = time.monotonic()
        members = [Member(fake, FIRST_MEMBER + n, questions, t0 + args.seconds, log, lock)
                   for n in range(args.members)]
        for member in members:
            member.start()
        upload: dict[str, Any] = {}
        uploader = threading.Thread(target=upload_and_check, args=(fake, t0, upload), daemon=True)
        uploader.start()
        time.sleep(max(0.0, t0 + args.kill_at - time.monotonic()))
        busy = kill_while_busy(url, workers[0], ids.get(1))
        killed_at, killed_clock = time.monotonic() - t0, time.time()
        result["busy_when_killed"] = busy
        print(f"worker 1 killed (SIGKILL) at {killed_at:.1f} s, handling {busy} updates", flush=True)
        for member in members:
            member.join(timeout=args.seconds + 120)
        uploader.join(timeout=180)
        fake.wait_for(lambda: not fake.pending_updates, timeout=60)
        time.sleep(5.0)  # late duplicates would arrive now
        wall = time.monotonic() - t0

        with psycopg.connect(url, autocommit=True) as connection:
            inbox = {int(r[0]): (int(r[1]), r[2], json.loads(r[3])) for r in connection.execute(
                "SELECT update_id, worker, state, payload FROM nqbot.inbox")}
            logged = {int(r[0]): int(r[1]) for r in connection.execute(
                "SELECT user_id, COUNT(*) FROM nqbot.questions GROUP BY user_id")}
        result.update(analyse(fake, members, log, inbox, logged, ids, wall, killed_at, upload, tmp))
        result["takeover_seconds"] = takeover_seconds(tmp / "worker2.log", killed_clock)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        fake.stop()
        if server is not None:
            server.cleanup()
        result["logs"] = str(tmp)
    return result


def kill_while_busy(url: str, worker: subprocess.Popen[bytes], worker_id: int | None, wait: float = 10.0) -> int:
    """SIGKILL the worker at a moment it is handling updates (recorded, not yet answered), if one comes within
    ``wait`` seconds; how many it was handling."""
    import psycopg

    busy = 0
    deadline = time.monotonic() + wait
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < deadline and worker_id is not None:
            row = connection.execute("SELECT COUNT(*) FROM nqbot.inbox WHERE state = 'working' AND worker = %s",
                                     (worker_id,)).fetchone()
            busy = int(row[0]) if row else 0
            if busy:
                break
            time.sleep(0.002)
        os.kill(worker.pid, signal.SIGKILL)
    return busy


def takeover_seconds(log_file: Path, killed_clock: float) -> float | None:
    """Seconds from the kill to worker 2's first log line saying it took over worker 1's updates (None: none)."""
    for line in log_file.read_text(errors="replace").splitlines():
        if "took over" in line:
            stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            if stamp >= killed_clock - 0.01:
                return round(stamp - killed_clock, 2)
    return None


def worker_ids(tmp: Path) -> dict[int, int]:
    """Worker number → its inbox id, from the line each worker logs at start."""
    found: dict[int, int] = {}
    for number in (1, 2):
        text = (tmp / f"worker{number}.log").read_text(errors="replace")
        for line in text.splitlines():
            if "webhook worker " in line:
                found[number] = int(line.split("webhook worker ", 1)[1].split(":", 1)[0])
    return found


def upload_and_check(fake: Any, t0: float, out: dict[str, Any]) -> None:
    """The admin uploads a notice and confirms it; five members ask about it until it answers (each once)."""
    time.sleep(max(0.0, t0 + UPLOAD_AT - time.monotonic()))
    admin = fake.user(ADMIN_ID, "Admin")
    out["sent_at"] = round(time.monotonic() - t0, 1)
    sent = fake.send_document(admin, "tb-950.txt", NOTICE.encode(), mime_type="text/plain")
    preview = fake.wait_for(lambda: next((m for m in fake.bot_messages(ADMIN_ID) if "up:" in json.dumps(
        m.get("reply_markup") or {})), None), timeout=120)
    data = next(b["callback_data"] for row in preview["reply_markup"]["inline_keyboard"] for b in row
                if b.get("callback_data", "").endswith(":ok"))
    fake.press_button(admin, preview, data)
    done = fake.wait_for(lambda: next((m for m in fake.bot_messages(ADMIN_ID) if m["message_id"] ==
                                       preview["message_id"] and "✅" in m.get("text", "")), None), timeout=300)
    indexed = time.monotonic()
    out.update({"message_id": sent["message_id"], "indexed_at": round(indexed - t0, 1),
                "done_text": done["text"][:60], "checks": []})
    for user_id in CHECKERS:
        user = fake.user(user_id, f"Kiểm tra {user_id}")
        before = len(answers(fake, user_id))
        asked = time.monotonic()
        fake.send_text(user, CHECK_QUESTION)
        fake.wait_for(lambda b=before, u=user_id: len(answers(fake, u)) > b, timeout=60)
        text = answers(fake, user_id)[-1]["text"]
        out["checks"].append({"user": user_id, "after_indexed_s": round(asked - indexed, 2),
                              "answer_s": round(time.monotonic() - asked, 2), "cites_950": "950-TB/TU" in text})


def analyse(fake: Any, members: list[Member], log: list[dict[str, Any]], inbox: dict[int, tuple[int, str, Any]],
            logged: dict[int, int], ids: dict[int, int], wall: float, killed_at: float, upload: dict[str, Any],
            tmp: Path) -> dict[str, Any]:
    by_id = {v: k for k, v in ids.items()}
    asked = {m.user["id"]: m.asked for m in members}
    answered = {chat: len(answers(fake, chat)) for chat in asked}
    lost = sum(max(0, asked[c] - answered[c]) for c in asked)
    duplicated = sum(max(0, answered[c] - asked[c]) for c in asked)
    db_mismatch = sum(1 for c in asked if logged.get(c, 0) != asked[c])
    latencies = [e["latency"] for e in log if e["latency"] is not None]
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    handled: dict[str, int] = {}
    for worker, _state, _payload in inbox.values():
        key = f"worker {by_id.get(worker, '?')}"
        handled[key] = handled.get(key, 0) + 1
    failures = fake.webhook.failures() if fake.webhook is not None else []
    retried = sorted({a.update_id for a in failures})
    nginx_log = (tmp / "nginx-error.log").read_text(errors="replace")
    worker_logs = {n: (tmp / f"worker{n}.log").read_text(errors="replace") for n in (1, 2)}
    took_over = [line for line in worker_logs[2].splitlines() if "took over" in line]
    upload_workers: dict[str, str] = {}
    for worker, _state, payload in inbox.values():
        name = f"worker {by_id.get(worker, '?')}"
        if (payload.get("message") or {}).get("document", {}).get("file_name") == "tb-950.txt":
            upload_workers["read_by"] = name
        if str((payload.get("callback_query") or {}).get("data", "")).endswith(":ok"):
            upload_workers["confirmed_by"] = name
        chat = (payload.get("message") or {}).get("chat", {}).get("id")
        if chat in CHECKERS:
            upload_workers.setdefault("asked_about_it", "")
            upload_workers["asked_about_it"] += f"{name}; "
    return {
        "wall_seconds": round(wall, 1),
        "killed_at": round(killed_at, 1),
        "questions_asked": sum(asked.values()),
        "answers_received": sum(answered.values()),
        "lost": lost,
        "duplicated": duplicated,
        "members_whose_logged_questions_differ": db_mismatch,
        "throughput_qps": round(sum(asked.values()) / wall, 2),
        "latency_ms": {"p50": round(1000 * q[49]), "p95": round(1000 * q[94]), "max": round(1000 * max(latencies))},
        "slow_answers_over_5s": sum(1 for x in latencies if x > 5),
        "updates_handled": handled,
        "updates_not_done": sum(1 for _, state, _ in inbox.values() if state != "done"),
        "webhook_failed_attempts": len(failures),
        "webhook_failed_outcomes": sorted({a.outcome for a in failures}),
        "updates_sent_again": len(retried),
        "updates_taken_over": sum(int(line.split("took over ", 1)[1].split(" ", 1)[0]) for line in took_over),
        "nginx_upstream_errors": sum(1 for line in nginx_log.splitlines() if "upstream" in line and "[error]" in line),
        "nginx_tried_next": sum(1 for line in nginx_log.splitlines() if "while connecting to upstream" in line
                                or "prematurely closed" in line or "while reading response header" in line),
        "worker_error_logs": {str(n): sum(1 for line in text.splitlines() if " ERROR " in line)
                              for n, text in worker_logs.items()},
        "upload": {**upload, **upload_workers},
        "rejected_requests": [{k: str(v)[:120] for k, v in r.items()} for r in fake.rejected],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill-at", type=float, default=30.0)
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a throwaway pgserver)")
    parser.add_argument("--out", type=Path, default=Path("drill.json"))
    args = parser.parse_args()
    result = drill(args)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    ok = (result.get("lost") == 0 and result.get("duplicated") == 0
          and result.get("members_whose_logged_questions_differ") == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
