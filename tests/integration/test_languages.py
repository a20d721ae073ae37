"""Patients writing in Korean, Chinese, Farsi, Spanish, Punjabi, Tagalog on the running assistant:
every gathered emergency gets 911 (or 988) in their language and in English, on REST and signed SMS;
one of each kind on the widget; anything else a kind reply in their language with the clinic's phone,
a call-back button and 8-1-1 (issue 17)."""
import json
import sqlite3
import uuid

import pytest
import requests

from channels.sms import segments
from clinic import language_replies
from tests.multilingual import gathered
from tests.patients import Widget, rest, sms

CLINIC_PHONE = "604-555-0100"
EMERGENCIES = gathered.emergencies()
# one emergency and one crisis per language, for the slower widget
SAMPLE = {}
for _item in EMERGENCIES:
    SAMPLE.setdefault((_item["language"], _item["group"]), _item)


assert_emergency_reply = gathered.assert_emergency_reply


@pytest.mark.parametrize("item", EMERGENCIES, ids=lambda i: f"{i['language']}-{i['group']}")
def test_every_gathered_emergency_gets_911_in_their_language_on_rest(stack, item):
    assert_emergency_reply(item, rest(stack, "lang-" + uuid.uuid4().hex[:12], item["text"]))


def test_every_gathered_emergency_gets_911_in_their_language_by_signed_sms(stack):
    for item in EMERGENCIES:
        reply = sms(stack, f"+1604555{uuid.uuid4().int % 10000:04d}", item["text"])
        assert_emergency_reply(item, reply)
        assert segments(reply) <= 2, reply


@pytest.mark.parametrize("key", sorted(SAMPLE), ids=lambda k: f"{k[0]}-{k[1]}")
def test_the_widget_answers_in_their_language(stack, key):
    item = SAMPLE[key]
    widget = Widget(stack)
    try:
        reply = widget.say(item["text"])
    finally:
        widget.close()
    assert_emergency_reply(item, reply)


def test_the_widget_tells_an_ordinary_question_in_their_language(stack):
    widget = Widget(stack)
    try:
        reply = widget.say("침 치료 한 번에 얼마예요?")
    finally:
        widget.close()
    assert "영어로만" in reply and CLINIC_PHONE in reply and "8-1-1" in reply, reply


@pytest.mark.parametrize("code,text", [
    ("ko", "침 치료 한 번에 얼마예요?"), ("zh-Hans", "请问你们周六开门吗？"), ("zh-Hant", "請問針灸要預約嗎？"),
    ("fa", "سلام، برای طب سوزنی وقت می‌خواستم"), ("es", "¿Cuánto cuesta una sesión de punción seca?"),
    ("pa", "ਕੀ ਤੁਸੀਂ ਸ਼ਨੀਵਾਰ ਨੂੰ ਖੁੱਲ੍ਹੇ ਹੋ?"), ("tl", "magkano po ang isang session ng dry needling?"),
])
def test_an_ordinary_question_in_another_language_gets_a_kind_reply_in_it(stack, code, text):
    reply = requests.post(f"{stack.url}/webhooks/rest/webhook", timeout=40,
                          json={"sender": "q-" + uuid.uuid4().hex[:12], "message": text}).json()
    expected = language_replies.reply(code, "other", None)["text"]
    body = " ".join(m.get("text", "") for m in reply)
    assert CLINIC_PHONE in body and "8-1-1" in body, body
    assert expected[:8] in body, (expected, body)
    assert any(b.get("payload") == "/request_human" for m in reply for b in m.get("buttons") or []), reply
    assert "I can't answer" not in body and "I only know" not in body
    texted = sms(stack, f"+1604555{uuid.uuid4().int % 10000:04d}", text)
    assert CLINIC_PHONE in texted and segments(texted) <= 2, texted


def test_english_is_unchanged(stack):
    assert "Traditional Chinese Medicine" in rest(stack, "en-" + uuid.uuid4().hex[:8], "is this acupuncture?")


def test_the_language_is_kept_with_the_conversation_for_staff(stack):
    sender = "kept-" + uuid.uuid4().hex[:10]
    rest(stack, sender, "숨을 못 쉬겠어요")
    with sqlite3.connect(stack.env["TRACKER_DB"]) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)).fetchall()
    parse = json.loads(rows[-1][0])["parse_data"]
    assert parse["language"]["code"] == "ko" and parse["language"]["name"] == "Korean"
    assert parse["intent"]["name"] == "emergency"


def test_a_name_in_korean_letters_is_a_name_inside_the_call_back_form(stack):
    sender = "form-ko-" + uuid.uuid4().hex[:8]
    assert "What name" in rest(stack, sender, "can someone call me back?")
    assert "phone number" in rest(stack, sender, "김민수")  # the form goes on: not "we answer in English"


def test_the_call_back_button_of_the_reply_starts_the_call_back(stack):
    sender = "btn-" + uuid.uuid4().hex[:8]
    reply = requests.post(f"{stack.url}/webhooks/rest/webhook", timeout=40,
                          json={"sender": sender, "message": "침 치료 예약하고 싶어요"}).json()
    payload = next(b["payload"] for m in reply for b in m.get("buttons") or [])
    assert "What name" in rest(stack, sender, payload)
