"""`make run`'s start script for real (scripts/run.sh under supervisord): a part killed with SIGKILL
is restarted and the output says so; the other parts are not taken down with it; a request that
used to stop the whole server (a lone UTF-16 surrogate) gets a 400 and stops nothing."""
import os
import signal
import subprocess
import time
import uuid

import pytest
import requests

from tests.servers import ROOT, VENV_BIN, free_ports, newest_model
from tests.smtp_server import SmtpServer


def up(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


@pytest.fixture(scope="module")
def supervised(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("supervised")
    smtp = SmtpServer().start()
    names = ("RASA_PORT", "ACTION_PORT", "WEB_PORT", "CONSOLE_PORT")
    ports = dict(zip(names, free_ports(len(names))))
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "VAR_DIR": str(workdir / "var"), "ENDPOINTS": "endpoints.yml", "PYTHONPATH": str(ROOT),
           "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['ACTION_PORT']}/webhook",
           "TRACKER_DB": str(workdir / "tracker.db"), "CALLBACK_DB_URL": f"sqlite:///{workdir / 'callbacks.db'}",
           "CONSOLE_DB_URL": f"sqlite:///{workdir / 'console.db'}",
           "WEB_ORIGINS": f"http://127.0.0.1:{ports['WEB_PORT']}",
           # this run's own console as the model server, never one that happens to run on this machine
           "MODEL_SERVER_URL": f"http://127.0.0.1:{ports['CONSOLE_PORT']}/model/live",
           "MODEL_SERVER_TOKEN": "test-token-not-a-secret",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "FRONT_DESK_EMAIL": "desk@example.com"}
    newest_model()  # fails clearly when there is no trained model
    log = workdir / "run.log"
    process = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log.open("w"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        wait_until(lambda: up(base["RASA_PORT"] + "/health/live"), 240, "Rasa server up")
        yield base, workdir, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # supervisord stops every part
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        smtp.stop()


def supervised_pid(workdir, name: str) -> int:
    out = subprocess.run([str(VENV_BIN / "supervisorctl"), "-c", str(workdir / "var" / "supervisord.conf"),
                          "pid", name], capture_output=True, text=True, timeout=20).stdout.strip()
    return int(out)


def say(base, text: str, sender: str = None) -> requests.Response:
    return requests.post(base["RASA_PORT"] + "/webhooks/rest/webhook",
                         json={"sender": sender or uuid.uuid4().hex, "message": text}, timeout=40)


def test_a_lone_surrogate_is_refused_and_stops_nothing(supervised):
    base, _, _ = supervised
    reply = requests.post(base["RASA_PORT"] + "/webhooks/rest/webhook", headers={"Content-Type": "application/json"},
                          data=b'{"sender":"\\ud800","message":"hi"}', timeout=10)
    assert reply.status_code == 400
    assert "911" in " ".join(m["text"] for m in say(base, "my chest hurts and i cant breathe").json())


def test_killed_rasa_server_is_restarted_and_the_others_stay_up(supervised):
    base, workdir, log = supervised
    os.kill(supervised_pid(workdir, "rasa"), signal.SIGKILL)
    time.sleep(1)
    assert up(base["ACTION_PORT"] + "/health/live") and up(base["WEB_PORT"] + "/health/live")
    wait_until(lambda: up(base["RASA_PORT"] + "/health/live"), 240, "Rasa server restarted")
    assert "911" in " ".join(m["text"] for m in say(base, "my chest hurts and i cant breathe").json())
    output = log.read_text()
    assert "exited: rasa (terminated by SIGKILL" in output and output.count("spawned: 'rasa'") >= 2


def test_killed_action_server_is_restarted_and_answers_again(supervised):
    base, workdir, log = supervised
    os.kill(supervised_pid(workdir, "actions"), signal.SIGKILL)
    wait_until(lambda: up(base["ACTION_PORT"] + "/health/live"), 60, "action server restarted")
    assert "What name" in " ".join(m["text"] for m in say(base, "can someone call me back?").json())
    assert "exited: actions (terminated by SIGKILL" in log.read_text()
    assert up(base["WEB_PORT"] + "/health")  # the web page's check of the Rasa server
