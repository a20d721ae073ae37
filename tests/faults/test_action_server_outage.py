"""The action server killed (SIGKILL) in the middle of a call-back form, hung (SIGSTOP), and the
mail server down: emergencies still get 911 / 988 on every channel, everything else a short
reply with the clinic's number, and after recovery the form carries on where it was, with
nothing lost or stored twice."""
import signal
import time
import uuid

import pytest
import requests

from tests.faults.conftest import (CLINIC_PHONE, assert_clear_reply_with_phone, assert_emergencies_answered,
                                   kill, stored_requests_checksum)
from tests.multilingual import gathered
from tests.patients import rest, sms, Widget
from tests.servers import Stack
from tests.smtp_server import SmtpServer


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    smtp = SmtpServer().start()
    servers = Stack(tmp_path_factory.mktemp("outage"), env={
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "FRONT_DESK_EMAIL": "desk@example.com",
        "NOTIFY_RETRY_SECONDS": "1", "ACTION_RETRY_SECONDS": "2", "ACTION_TIMEOUT_SECONDS": "4",
        "ACTION_BREAKER_SECONDS": "5"}).start()
    servers.smtp = smtp
    yield servers
    servers.stop()
    servers.smtp.stop()


def health(stack) -> dict:
    reply = requests.get(f"{stack.url}/health", timeout=10)
    return {**reply.json(), "http": reply.status_code}


def test_action_server_killed_mid_form_then_restarted(stack):
    db = stack.env["CALLBACK_DB_URL"]
    sender = "form-" + uuid.uuid4().hex
    assert "What name" in rest(stack, sender, "can someone call me back?")
    assert "phone number" in rest(stack, sender, "Sam Outage")
    before = stored_requests_checksum(db)

    kill(stack, "actions")
    answer = rest(stack, sender, "604 555 0134")
    assert "send it again" in answer and CLINIC_PHONE in answer  # not silence, not "[]"
    assert_emergencies_answered(stack, "action server down")
    assert_clear_reply_with_phone(stack, "action server down")
    checked = health(stack)
    assert checked["http"] == 503 and checked["checks"]["action_server"]["ok"] is False
    assert requests.get(f"{stack.url}/health/live", timeout=5).status_code == 200

    stack.start_actions()
    assert health(stack)["http"] == 200
    # the form waits at the question it was on: the answer sent during the outage was not half-kept
    assert "email" in rest(stack, sender, "604 555 0134")
    for message, expected in [("skip", "When would you like"), ("any weekday morning", "clinic before"),
                              ("I'm a new patient", "Privacy"), ("yes", "Shall I send it"),
                              ("yes", "Reference: CB-")]:
        assert expected in rest(stack, sender, message), message
    after = stored_requests_checksum(db)
    assert after != before and after.endswith(f"/{int(before.split('/')[1]) + 1}")  # exactly one new request
    rest(stack, sender, "yes")  # a repeated "yes" stores nothing more
    assert stored_requests_checksum(db) == after


def test_every_gathered_emergency_in_every_language_with_the_action_server_down(stack):
    """Issue 17: the Rasa server answers them itself, in the patient's language and in English."""
    kill(stack, "actions")
    try:
        for item in gathered.emergencies():
            for reply in (rest(stack, "down-" + uuid.uuid4().hex[:10], item["text"]),
                          sms(stack, f"+1604555{uuid.uuid4().int % 10000:04d}", item["text"])):
                gathered.assert_emergency_reply(item, reply)
    finally:
        stack.start_actions()


def test_hung_action_server_gets_a_reply_in_seconds_not_minutes(stack):
    stack.processes["actions"].send_signal(signal.SIGSTOP)  # alive but answering nothing
    try:
        started = time.monotonic()
        reply = rest(stack, "hung-" + uuid.uuid4().hex, "hi")
        assert CLINIC_PHONE in reply and time.monotonic() - started < 15
        started = time.monotonic()
        assert "911" in rest(stack, "hung-" + uuid.uuid4().hex, "chest pain after ims and i cant breathe")
        assert time.monotonic() - started < 3  # emergencies never wait for the action server
    finally:
        stack.processes["actions"].send_signal(signal.SIGCONT)
    time.sleep(6)  # past the circuit breaker's pause
    assert "What name" in rest(stack, "hung-" + uuid.uuid4().hex, "can someone call me back?")


def test_mail_server_down_patients_still_answered_and_the_email_follows(stack):
    stack.smtp.stop()
    try:
        assert_emergencies_answered(stack, "mail server down")
        phone = f"+1604555{uuid.uuid4().int % 10000:04d}"
        assert "What name" in sms(stack, phone, "can someone call me back?")
        texts = [sms(stack, phone, message) for message in
                 ["Pat Quill", "604 555 0155", "skip", "any weekday morning", "returning", "yes", "yes"]]
        assert "Reference: CB-" in texts[-1], texts
        sent_before = len(stack.smtp.messages)
    finally:
        stack.smtp = SmtpServer(port=stack.smtp.port).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any("Pat Quill" in str(m) for m in stack.smtp.messages):
        time.sleep(0.5)
    assert any("Pat Quill" in m.get_payload() for m in stack.smtp.messages), sent_before


def test_widget_form_survives_the_outage_too(stack):
    widget = Widget(stack)
    try:
        assert "What name" in widget.say("I'd like a call back please")
        kill(stack, "actions")
        reply = widget.say("Wendy Widget")
        assert "send it again" in reply and CLINIC_PHONE in reply
        assert "911" in widget.say("my chest hurts and i cant breathe after needling")
        stack.start_actions()
    finally:
        widget.close()
