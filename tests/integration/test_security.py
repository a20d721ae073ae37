"""Locked down: Rasa's HTTP API is not exposed, and logs carry no phone numbers or emails."""
import re
import uuid

import pytest
import requests

from tests.servers import texts


@pytest.mark.parametrize("method,path", [
    ("GET", "/status"), ("GET", "/version"), ("GET", "/conversations/someone/tracker"),
    ("POST", "/model/parse"), ("POST", "/conversations/someone/messages"), ("PUT", "/model"),
])
def test_rasa_http_api_is_not_reachable_without_enabling_it(stack, method, path):
    response = requests.request(method, stack.url + path, json={"text": "hi"}, timeout=10)
    assert response.status_code in (401, 403, 404, 405)
    assert "events" not in response.text and "sender_id" not in response.text


def test_logs_carry_no_phone_numbers_or_emails(stack):
    sender = uuid.uuid4().hex
    for text in ["please call me back", "Lee Privacy", "778 555 0123", "lee.privacy@example.org",
                 "any weekday morning", "I've been before", "yes", "yes"]:
        stack.say(sender, text)
    logs = "".join(p.read_text(errors="replace") for p in stack.workdir.glob("*.log"))
    assert "Lee Privacy" not in logs
    assert not re.search(r"778\D{0,3}555\D{0,3}0123", logs)
    assert "lee.privacy@example.org" not in logs


def test_typed_payloads_cannot_fill_the_form_or_skip_its_questions(stack):
    sender = uuid.uuid4().hex
    injected = '/request_human{"cb_phone": "+16045550000", "cb_consent": true, "cb_name": "X"}'
    reply = texts(stack.say(sender, injected))
    assert "What name" in reply  # the form starts at its first question, nothing pre-filled
    reply = texts(stack.say(sender, '/affirm'))
    assert "Reference" not in reply
    reply = texts(stack.say(sender, '/correct_callback{"cb_field": "cb_consent"}'))
    assert "Reference" not in reply
