"""Start the real action server and Rasa server for tests and benchmarks, once, on free ports."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def texts(replies) -> str:
    """All bot texts of one REST reply, as the patient reads them."""
    return " ".join(r.get("text", "") for r in replies)


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list:
    """`count` distinct free ports: all held open at once while chosen (closing one before asking for
    the next can hand the same port out twice; then Rasa and the web page server collide)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def newest_model() -> str:
    if os.environ.get("TEST_MODEL"):  # a chosen model instead of the newest (comparing two models)
        return os.environ["TEST_MODEL"]
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("no trained model in models/: run `make train` first")
    return str(models[-1])


def wait_for(url: str, process: subprocess.Popen, timeout: float, log: Path, expect: str = "") -> float:
    """Until `url` answers (and its body holds `expect`: the right server, not another on that port)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-3000:]}")
        try:
            response = requests.get(url, timeout=1)
            if response.status_code < 500 and expect in response.text:
                return time.monotonic() - start
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not up after {timeout}s; log:\n{log.read_text()[-3000:]}")


class Stack:
    """An action server plus a Rasa server sharing one SQLite tracker store in `workdir`."""

    def __init__(self, workdir: Path, env: Optional[Dict[str, str]] = None, model: Optional[str] = None,
                 endpoints: str = "endpoints.yml"):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.rasa_port, self.action_port, self.web_port = free_ports(3)
        self.model = model or newest_model()
        self.endpoints = str(ROOT / endpoints)
        self.clinic_file = self.workdir / "clinic.yml"
        shutil.copy(ROOT / "clinic.yml", self.clinic_file)
        self.env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(ROOT),
            "CLINIC_CONFIG": str(self.clinic_file),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRACKER_DB": str(self.workdir / "tracker.db"),
            "CALLBACK_DB_URL": f"sqlite:///{self.workdir / 'callbacks.db'}",
            "TWILIO_AUTH_TOKEN": "test-token-not-a-secret",
            "TWILIO_WEBHOOK_URL": f"http://127.0.0.1:{self.rasa_port}/webhooks/twilio/webhook",
            # endpoints.yml's model server: nothing listens on port 9, so each server keeps the model it
            # was started with (never a console that happens to run on this machine)
            "MODEL_SERVER_URL": "http://127.0.0.1:9/model/live",
            "MODEL_SERVER_TOKEN": "no-model-server",
            **(env or {}),
        }
        self.processes = {}
        self.startup_seconds = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self):
        log = self.workdir / "actions.log"
        self.processes["actions"] = proc = subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(self.action_port)],
            cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.startup_seconds["actions"] = wait_for(f"http://127.0.0.1:{self.action_port}/health/live", proc, 60, log)

    def start_rasa(self):
        log = self.workdir / "rasa.log"
        self.processes["rasa"] = proc = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--model", self.model, "--port", str(self.rasa_port),
             "--endpoints", self.endpoints, "--credentials", str(ROOT / "credentials.yml"),
             "--cors", f"http://127.0.0.1:{self.web_port}"],
            cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.startup_seconds["rasa"] = wait_for(f"{self.url}/", proc, 240, log, expect="Hello from Rasa")

    def start_web(self):
        log = self.workdir / "web.log"
        self.processes["web"] = proc = subprocess.Popen(
            [str(VENV_BIN / "python"), "scripts/serve_web.py", str(self.web_port)],
            cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{self.web_port}/", proc, 30, log)

    def start(self) -> "Stack":
        self.start_actions()
        self.start_web()
        self.start_rasa()
        return self

    def stop(self, name: Optional[str] = None):
        for key in [name] if name else list(self.processes):
            proc = self.processes.pop(key, None)
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    def say(self, sender: str, text: str, timeout: float = 30):
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=timeout)
        response.raise_for_status()
        return response.json()
