"""Call-back requests in a real SQLite database, and the front desk's email through a real SMTP server."""
import hashlib
import hmac
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from callbacks import notify
from callbacks.store import CallbackRequest, CallbackStore, Notification, utcnow
from tests.smtp_server import SmtpServer, free_port

REQUEST = dict(name="Sam Lee", phone="+16045550134", email=None, preferred_time="Tue, Dec 1, afternoon",
               preferred_start=None, patient_type="new", channel="rest")


@pytest.fixture
def db(tmp_path):
    return CallbackStore(f"sqlite:///{tmp_path / 'callbacks.db'}")




def test_a_request_gets_a_short_readable_reference(db):
    request, created = db.submit(sender_id="s1", **REQUEST)
    assert created and request.reference.startswith("CB-") and len(request.reference) == 8
    assert not set(request.reference[3:]) & set("01IO")


def test_confirming_twice_stores_one_request(db):
    first, created1 = db.submit(sender_id="s1", **REQUEST)
    second, created2 = db.submit(sender_id="s1", **REQUEST)
    assert created1 and not created2 and first.reference == second.reference
    assert len(db.list()) == 1


def test_requests_survive_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'callbacks.db'}"
    reference = CallbackStore(url).submit(sender_id="s1", **REQUEST)[0].reference
    assert [r.reference for r in CallbackStore(url).list()] == [reference]


def test_staff_mark_done_export_and_purge(db):
    a, _ = db.submit(sender_id="s1", **REQUEST)
    db.submit(sender_id="s2", **{**REQUEST, "name": "Ana Ruiz", "phone": "+17785550199"})
    assert db.mark_done(a.reference.lower())
    assert [r.name for r in db.list("new")] == ["Ana Ruiz"]
    out = io.StringIO()
    assert db.export_csv(out) == 2
    assert "Sam Lee" in out.getvalue() and "done" in out.getvalue()
    with db.sessions() as session:  # age one request past the retention period
        session.get(CallbackRequest, a.id).created_at = utcnow() - timedelta(days=40)
        session.commit()
    assert db.purge(30) == 1 and len(db.list(None)) == 1


def test_delete_my_details_removes_only_that_patients_requests(db):
    db.submit(sender_id="s1", **REQUEST)
    db.submit(sender_id="s2", **{**REQUEST, "name": "Ana Ruiz"})
    assert db.delete_for_sender("s1") == 1
    assert [r.name for r in db.list(None)] == ["Ana Ruiz"]
    assert db.delete_for_sender("s1") == 0


def test_front_desk_gets_an_email(db, smtp):
    request, _ = db.submit(sender_id="s1", **REQUEST)
    assert notify.deliver_pending(db) == {"sent": 1, "failed": 0}
    [mail] = smtp.messages
    assert request.reference in mail["Subject"] and mail["To"] == "desk@example.com"
    body = mail.get_payload()
    assert "+16045550134" in body and "Tue, Dec 1, afternoon" in body
    assert db.pending_notifications() == []


def test_several_action_servers_retrying_at_once_send_each_email_once(db, smtp):
    for i in range(5):
        db.submit(sender_id=f"s{i}", **{**REQUEST, "name": f"Patient {i}"})
    servers = [CallbackStore(db.engine.url.render_as_string(hide_password=False)) for _ in range(4)]  # four processes on one database
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(notify.deliver_pending, servers))
    assert sum(r["sent"] for r in results) == 5
    assert len(smtp.messages) == 5 and len({m["Subject"] for m in smtp.messages}) == 5
    assert db.pending_notifications() == []


def test_a_send_interrupted_by_a_crash_is_taken_over_later(db, smtp):
    db.submit(sender_id="s1", **REQUEST)
    [note] = db.pending_notifications()
    assert db.claim(note.id)  # a server claims it, then dies before sending
    assert not db.claim(note.id) and notify.deliver_pending(db) == {"sent": 0, "failed": 0}
    with db.sessions() as session:
        session.get(Notification, note.id).updated_at = utcnow() - timedelta(minutes=11)
        session.commit()
    assert notify.deliver_pending(db) == {"sent": 1, "failed": 0}


def test_mail_server_down_keeps_the_email_and_sends_it_later(db, monkeypatch, caplog):
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))  # nothing listens here
    monkeypatch.delenv("CALLBACK_WEBHOOK_URL", raising=False)
    request, _ = db.submit(sender_id="s1", **REQUEST)
    assert notify.deliver_pending(db) == {"sent": 0, "failed": 1}
    assert len(db.pending_notifications()) == 1
    assert "+16045550134" not in caplog.text and "604" not in caplog.text
    server = SmtpServer().start()
    try:
        monkeypatch.setenv("SMTP_PORT", str(server.port))
        assert notify.deliver_pending(db) == {"sent": 1, "failed": 0}
        assert request.reference in server.messages[0]["Subject"]
    finally:
        server.stop()


def test_clinic_webhook_gets_signed_json(db, smtp, monkeypatch):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("X-Signature")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("CALLBACK_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook")
    monkeypatch.setenv("CALLBACK_WEBHOOK_SECRET", "s3cret")
    try:
        request, _ = db.submit(sender_id="s1", notify=notify.channels(), **REQUEST)
        assert notify.deliver_pending(db) == {"sent": 2, "failed": 0}
    finally:
        server.shutdown()
    [(body, signature)] = received
    assert json.loads(body)["request"]["reference"] == request.reference
    assert signature == hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
