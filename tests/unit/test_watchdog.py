"""The watchdog (scripts/watchdog.py) against a real HTTP health endpoint: the front desk is
emailed once when a part stays down past the limit, once when it is back, and a mail server
that is down too only delays the email."""
import http.server
import importlib.util
import json
import threading
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location("watchdog", Path(__file__).resolve().parents[2] / "scripts" / "watchdog.py")
watchdog = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(watchdog)


@pytest.fixture
def part():
    state = {"status": 200}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"checks": {"action_server": {"ok": state["status"] == 200}}}).encode()
            self.send_response(state["status"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, f"http://127.0.0.1:{server.server_port}/health"
    server.shutdown()


def test_front_desk_emailed_after_the_limit_once_and_again_on_recovery(part, monkeypatch):
    state, url = part
    monkeypatch.setattr(watchdog, "ALERT_AFTER", 180)
    clock, sent = [1000.0], []
    dog = watchdog.Watchdog({"rasa": url}, now=lambda: clock[0], send=lambda s, b: sent.append((s, b)))
    state["status"] = 503
    dog.check()
    clock[0] += 100
    dog.check()
    assert sent == []  # a blip is not worth an email
    clock[0] += 100
    dog.check()
    dog.check()
    assert len(sent) == 1 and "degraded" in sent[0][0] and "action_server" in sent[0][1]
    assert "911" in sent[0][1]
    state["status"] = 200
    dog.check()
    assert len(sent) == 2 and "working again" in sent[1][0]


def test_an_email_the_mail_server_refused_is_sent_at_the_next_check(part, monkeypatch):
    state, url = part
    monkeypatch.setattr(watchdog, "ALERT_AFTER", 0)
    sent, mail_up = [], [False]

    def send(subject, body):
        if not mail_up[0]:
            raise ConnectionRefusedError()
        sent.append(subject)

    dog = watchdog.Watchdog({"actions": url}, send=send)
    state["status"] = 503
    dog.check()
    assert sent == []
    mail_up[0] = True
    dog.check()
    assert sent == ["Patient assistant degraded: actions"]
