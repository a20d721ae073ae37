"""SMS as Twilio sends it: signed form-encoded POSTs to the real running Rasa server."""
import sqlite3
import uuid
from xml.etree import ElementTree

import requests
from twilio.request_validator import RequestValidator

from channels.sms import conversation_id, segments


def post(stack, body, phone=None, signature=None, extra=None):
    url = stack.env["TWILIO_WEBHOOK_URL"]
    params = {"From": phone or f"+1604555{uuid.uuid4().int % 10000:04d}", "To": "+16045550100",
              "Body": body, "MessageSid": "SM" + uuid.uuid4().hex, **(extra or {})}
    if signature is None:
        signature = RequestValidator(stack.env["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
    response = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
    return response, params["From"]


def reply_text(response):
    assert response.status_code == 200 and "xml" in response.headers["Content-Type"]
    messages = ElementTree.fromstring(response.text).findall("Message")
    assert len(messages) <= 1  # one SMS per turn, options included
    return messages[0].text if messages else ""


def test_question_gets_the_answer_with_numbered_options_in_one_sms(stack):
    response, _ = post(stack, "is this acupuncture??")
    text = reply_text(response)
    assert "Traditional Chinese Medicine" in text
    assert "Reply 1 Book" in text and ", 2 " in text
    assert "*" not in text and "](" not in text
    assert segments(text) <= 2


def test_numbered_reply_maps_to_the_button(stack):
    phone = "+16045550142"
    post(stack, "does it hurt", phone=phone)
    text = reply_text(post(stack, "1", phone=phone)[0])
    assert "example.com/book" in text  # 1 = Book online


def test_emergency_over_sms(stack):
    text = reply_text(post(stack, "had ims today now short of breath")[0])
    assert "911" in text


def test_stop_start_help(stack):
    phone = "+16045550177"
    assert "unsubscribed" in reply_text(post(stack, "STOP", phone=phone)[0])
    assert reply_text(post(stack, "is it safe?", phone=phone)[0]) == ""  # nothing after STOP
    assert "resubscribed" in reply_text(post(stack, "start", phone=phone)[0])
    assert "sterile" in reply_text(post(stack, "is it safe?", phone=phone)[0])
    help_text = reply_text(post(stack, "HELP", phone=phone)[0])
    assert "STOP" in help_text and "604-555-0100" in help_text


def test_forged_signature_is_refused_and_touches_no_conversation(stack):
    phone = "+16045550166"
    response, _ = post(stack, "is this acupuncture?", phone=phone, signature="forged")
    assert response.status_code == 403
    response = requests.post(stack.env["TWILIO_WEBHOOK_URL"], data={"From": phone, "Body": "hi"}, timeout=10)
    assert response.status_code == 403  # no signature at all
    with sqlite3.connect(stack.env["TRACKER_DB"]) as db:
        rows = db.execute("select count(*) from events where sender_id = ?", (conversation_id(phone),)).fetchone()
    assert rows[0] == 0


def test_empty_and_huge_bodies_get_polite_replies(stack):
    assert "empty" in reply_text(post(stack, "")[0])
    text = reply_text(post(stack, "my back hurts " * 360)[0])  # ~5,000 characters
    assert text and "Traceback" not in text


def test_phone_numbers_stay_out_of_the_tracker_store(stack):
    phone = "+16045550188"
    reply_text(post(stack, "hello", phone=phone)[0])
    with sqlite3.connect(stack.env["TRACKER_DB"]) as db:
        senders = [row[0] for row in db.execute("select distinct sender_id from events")]
    assert conversation_id(phone) in senders
    assert not any("604555" in sender for sender in senders)
