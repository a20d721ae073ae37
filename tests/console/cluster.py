"""The production configuration on loopback, for the console's end-to-end tests and bench/publish_swap.py.

PostgreSQL (tracker store, call-backs, the console's tables, the shared content store) and Redis (lock
store); one action server, TWO Rasa servers (endpoints.prod.yml) that pull their model from the
console's /model/live; the clinic's web page with the widget; the console from its own venv.
Each part is a real process on a free port, started once and stopped by its own pid.
"""
import os
import re
import secrets
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Dict, Optional

import requests
from twilio.request_validator import RequestValidator
from xml.etree import ElementTree

from tests.backing_services import Postgres, Redis
from tests.servers import Stack, free_port, newest_model, texts

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_PY = ROOT / "console" / ".venv" / "bin" / "python"


class Console:
    """`python -m console serve` from console/.venv, on the shared PostgreSQL."""

    def __init__(self, workdir: Path, env: Dict[str, str], port: int):
        self.workdir, self.port = Path(workdir), port
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = self.workdir / "console.log"
        self.env = {**env, "PYTHONPATH": str(ROOT), "CONSOLE_INGEST_SECONDS": "1",
                    "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "1"}  # emergency emails go nowhere
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> str:
        out = subprocess.run([str(CONSOLE_PY), "-m", "console", *args], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout

    def add_user(self, name: str, role: str) -> str:
        """The one-time password `console users add` prints (its last line)."""
        return self.cli("users", "add", name, "--role", role).strip().splitlines()[-1].strip()

    def start(self) -> "Console":
        self.process = subprocess.Popen([str(CONSOLE_PY), "-m", "console", "serve", "--port", str(self.port)],
                                        cwd=ROOT, env=self.env, stdout=self.log.open("w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if requests.get(self.url + "/health", timeout=1).status_code in (200, 503):
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"console not up; log:\n{self.log.read_text()[-3000:]}")

    def children(self) -> list:
        """Pids of processes this console started (a candidate's worker, in a session of its own)."""
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                found += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            for pid in self.children():  # a worker still training when a test failed: its whole group
                try:
                    os.killpg(pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    pass
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Cluster:
    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.postgres = self.redis = self.console = self.a = self.b = None
        self.admin_password = ""

    def start(self) -> "Cluster":
        self.postgres = Postgres(self.workdir).start()
        self.redis = Redis(self.workdir).start()
        url, console_port = self.postgres.url, free_port()
        self.model = newest_model()  # one model for both servers and the console's "initial" release
        (self.workdir / "releases").mkdir(exist_ok=True)
        # the bare postgresql:// URL, as a clinic would write it (clinic/content_store.py names the driver)
        shared = {**self.postgres.env(), **self.redis.env(), "CALLBACK_DB_URL": url, "CLINIC_CONTENT_DB_URL": url,
                  "MODEL_SERVER_URL": f"http://127.0.0.1:{console_port}/model/live",
                  "MODEL_SERVER_TOKEN": secrets.token_urlsafe(24)}
        self.shared = shared
        # the console first: the Rasa servers ask it for the live model when they start
        self.console = Console(self.workdir / "console", {
            **os.environ, **shared, "CONSOLE_DB_URL": url, "TRACKER_DB_URL": url,
            "CONSOLE_REVIEWED_FILE": str(self.workdir / "nlu_reviewed.yml"),
            "RELEASES_DIR": str(self.workdir / "releases"), "BASE_MODEL": self.model}, console_port)
        self.console.env.pop("TRACKER_DB", None)
        self.admin_password = self.console.cli("init").strip().splitlines()[-1].strip()
        self.console.start()
        self.a = Stack(self.workdir / "a", env=shared, model=self.model, endpoints="endpoints.prod.yml")
        self.a.start()  # action server, web page, Rasa
        self.b = Stack(self.workdir / "b", env={**shared, "ACTION_ENDPOINT_URL": self.a.env["ACTION_ENDPOINT_URL"]},
                       model=self.model, endpoints="endpoints.prod.yml")
        self.b.start_rasa()
        return self

    @property
    def servers(self):
        return (self.a, self.b)

    def stop(self) -> None:
        for part in (self.b, self.a, self.console, self.redis, self.postgres):
            if part is not None:
                try:
                    part.stop()
                except Exception:  # one part failing to stop must not leave the others running
                    pass


def sms(stack: Stack, body: str, phone: Optional[str] = None) -> str:
    """A signed SMS as Twilio sends it to one Rasa server; the reply's text."""
    url = stack.env["TWILIO_WEBHOOK_URL"]
    params = {"From": phone or f"+1604555{uuid.uuid4().int % 10000:04d}", "To": "+16045550100",
              "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}
    signature = RequestValidator(stack.env["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
    response = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
    assert response.status_code == 200, response.status_code
    messages = ElementTree.fromstring(response.text).findall("Message")
    return messages[0].text or "" if messages else ""


def rest(stack: Stack, body: str) -> str:
    return texts(stack.say("e2e-" + uuid.uuid4().hex[:10], body))


def until(check, seconds: float, every: float = 0.5):
    """Call `check` until it returns something truthy or `seconds` pass; its last result."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(every)


def old_unanswered_message(db_url: str, text: str, days_ago: float = 3) -> None:
    """A patient message the assistant fell back on, written into the tracker store's `events` table
    as Rasa writes it (a user event, action_fallback, its reply): for wordings today's assistant would
    not fall back on, e.g. an emergency the red-flag net now catches."""
    import json
    import sqlalchemy

    when, sender = time.time() - days_ago * 86400, "old-" + uuid.uuid4().hex[:12]
    parse = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": [],
             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}]}
    rows = [{"event": "user", "timestamp": when, "text": text, "parse_data": parse, "input_channel": "rest"},
            {"event": "action", "timestamp": when + 0.1, "name": "action_fallback"},
            {"event": "bot", "timestamp": when + 0.2, "text": "Sorry, I'm not sure I understood.", "data": {}}]
    engine = sqlalchemy.create_engine(db_url)
    try:
        with engine.begin() as db:
            for r in rows:
                db.execute(sqlalchemy.text(
                    "insert into events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                    "values (:s, :t, :ts, :i, :a, :d)"),
                    {"s": sender, "t": r["event"], "ts": r["timestamp"], "d": json.dumps(r),
                     "i": "nlu_fallback" if r["event"] == "user" else None,
                     "a": r.get("name") if r["event"] == "action" else None})
    finally:
        engine.dispose()


def serving(stack: Stack) -> str:
    """The model a Rasa server last swapped in, from its log (rasa_fixes/model_pull.py): the sha's first
    12 characters, or "" while it runs the model it started with."""
    found = re.findall(r"now serving model ([0-9a-f]{12})", (stack.workdir / "rasa.log").read_text(errors="replace"))
    return found[-1] if found else ""
