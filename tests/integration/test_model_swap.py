"""Publish reaches a real Rasa server without one failed or lost message (issue 18, point 3).

A real Rasa server pulls from the real console's model server (GET /model/live). It starts with its
local model while nothing is published (Rasa 3.6 alone would start with none: 204), then a release is
made live (a copy of the model with another sha256) while three patients keep writing: every reply
arrives and is not empty, and the server reports the new model."""
import gzip
import os
import shutil
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path

import requests

from clinic import content_store as store
from publishing import releases
from tests.servers import ROOT, VENV_BIN, Stack, free_port, newest_model, texts, wait_for

TOKEN = "swap-test-token"
API_TOKEN = "swap-test-api-token"
QUESTIONS = ["is this acupuncture?", "does dry needling hurt?", "will I be sore after?", "what are your hours?",
             "how many sessions will I need?", "is it safe?"]


def recompressed(model: str, dest: Path) -> Path:
    """The same model in another gzip wrapper: another sha256, another ETag."""
    with gzip.open(model, "rb") as src, gzip.GzipFile(dest, "wb", mtime=1234567) as out:
        shutil.copyfileobj(src, out)
    return dest


class ApiStack(Stack):
    """The usual stack, with Rasa's HTTP API on (GET /status names the model being served)."""

    def start_rasa(self):
        log = self.workdir / "rasa.log"
        self.processes["rasa"] = proc = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--model", self.model,
             "--port", str(self.rasa_port), "--endpoints", self.endpoints, "--credentials",
             str(ROOT / "credentials.yml"), "--enable-api", "--auth-token", API_TOKEN],
            cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        self.startup_seconds["rasa"] = wait_for(f"{self.url}/", proc, 240, log, expect="Hello from Rasa")

    def model_file(self) -> str:
        return requests.get(f"{self.url}/status", params={"token": API_TOKEN}, timeout=5).json()["model_file"]


def start_console(workdir: Path, env: dict) -> subprocess.Popen:
    python = ROOT / "console" / ".venv" / "bin" / "python"
    assert python.exists(), "the console's venv is missing: make console-setup"
    log = workdir / "console.log"
    process = subprocess.Popen([str(python), "-m", "console", "serve", "--port", env["CONSOLE_PORT"]], cwd=ROOT,
                               env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    wait_for(f"http://127.0.0.1:{env['CONSOLE_PORT']}/health", process, 60, log)
    return process


def test_publish_swaps_the_model_with_no_failed_or_empty_reply(tmp_path):
    model = newest_model()
    content_url = f"sqlite:///{tmp_path / 'content.db'}"
    port = str(free_port())
    env = {"CLINIC_CONTENT_DB_URL": content_url, "MODEL_SERVER_TOKEN": TOKEN,
           "MODEL_SERVER_URL": f"http://127.0.0.1:{port}/model/live",
           "RATE_LIMIT_PER_MINUTE": "0"}  # three senders writing non-stop: this test is about the swap
    console_env = {**os.environ, **env, "CONSOLE_PORT": port, "PYTHONPATH": str(ROOT),
                   "CONSOLE_DB_URL": f"sqlite:///{tmp_path / 'console.db'}",
                   "TRACKER_DB": str(tmp_path / "stack" / "tracker.db"),
                   "CALLBACK_DB_URL": f"sqlite:///{tmp_path / 'callbacks.db'}"}
    (tmp_path / "stack").mkdir()
    console = start_console(tmp_path, console_env)
    stack = ApiStack(tmp_path / "stack", env=env, model=model)
    try:
        stack.start()
        # nothing published: the model server says 204 and the server answers with its own model
        assert requests.get(f"{env['MODEL_SERVER_URL']}?token={TOKEN}", timeout=5).status_code == 204
        assert stack.model_file() == Path(model).name
        assert "acupuncture" in texts(stack.say("before", "is this acupuncture?")).lower()

        new_model = recompressed(model, tmp_path / "release-2.tar.gz")
        eng = store.engine(content_url)
        rid = store.add_release(eng, "test", status="passed", model_file=str(new_model),
                                model_sha256=releases.file_sha256(new_model))

        results, stop = [], threading.Event()

        def patient(n: int):
            i = 0
            while not stop.is_set():
                text = QUESTIONS[(n + i) % len(QUESTIONS)]
                started = time.monotonic()
                try:
                    reply = requests.post(f"{stack.url}/webhooks/rest/webhook",
                                          json={"sender": f"swap-{n}", "message": text}, timeout=60)
                    said = texts(reply.json()) if reply.status_code == 200 else ""
                    # an answer, not the channel's own "try again in a minute" (Rasa failed the turn)
                    ok = bool(said.strip()) and "try again in a minute" not in said
                except requests.RequestException:
                    ok = False
                results.append((started, time.monotonic() - started, ok, text))
                i += 1
        threads = [threading.Thread(target=patient, args=(n,), daemon=True) for n in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(3)  # traffic before the switch

        published = time.monotonic()
        releases.publish(eng, rid, "test")
        swapped = None
        while time.monotonic() - published < 120:
            if stack.model_file() == new_model.name:
                swapped = time.monotonic()
                break
            time.sleep(0.1)
        time.sleep(3)  # traffic after the switch
        stop.set()
        for thread in threads:
            thread.join(timeout=90)

        assert swapped is not None, "the server never reported the published model"
        during = [r for r in results if published <= r[0] <= swapped]
        failed = [r for r in results if not r[2]]
        latencies = [r[1] for r in results]
        during_max = max((r[1] for r in during), default=0.0)
        print(f"\nswap: {swapped - published:.1f} s from publish to the new model answering; "
              f"{len(results)} messages ({len(during)} during the swap), 0 allowed to fail: {len(failed)} failed; "
              f"latency median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
              f"max during the swap {during_max * 1000:.0f} ms")
        assert failed == []
        assert len(during) >= 10, "too few messages while the model was being swapped"
        # the model loads beside the old one: no message waits for the whole load. Relative to the swap's own
        # length, so a busy machine (slower load, slower replies alike) does not decide it: measured here
        # 1.3-1.5 s longest reply during 5-9 s swaps; with the load on the event loop (Rasa's own), one reply
        # waited 3.9 s, the whole 4-6 s load
        assert during_max < 0.5 * (swapped - published), (during_max, swapped - published)
        assert "acupuncture" in texts(stack.say("after", "is this acupuncture?")).lower()
    finally:
        stack.stop()
        os.killpg(console.pid, signal.SIGTERM)
        console.wait(timeout=20)
