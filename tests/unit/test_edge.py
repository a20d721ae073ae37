"""What every channel lets through to Rasa (channels/edge.py) and says when Rasa cannot answer
(channels/safety_net.py)."""
import asyncio

import pytest

from channels import edge, safety_net


@pytest.mark.parametrize("sender", ["\ud800", "ab\udfffc", "", " ", "x" * 129, None, 12, ["a"], "a\x00b"])
def test_unstorable_sender_ids_are_refused(sender):
    assert edge.sender_problem(sender)


@pytest.mark.parametrize("sender", ["me", "sms-3f2a", "widget-" + "a" * 32, "Zoë"])
def test_ordinary_sender_ids_pass(sender):
    assert edge.sender_problem(sender) is None


def test_text_with_lone_surrogates_is_cleaned_not_refused():
    cleaned = edge.patient_text("is this acupuncture \ud800?")
    cleaned.encode("utf-8")  # storable
    assert cleaned.startswith("is this acupuncture")


@pytest.mark.parametrize("typed,expected", [
    ("/restart", "restart"), ("/faq", "faq"), ("/session_start", "session_start"), ("/back", "back"),
    ("/nlu_fallback", "nlu_fallback"), ("/", "?"), ("/faq/not_a_topic", "faq/not_a_topic"),
    ("/book_appointment", "/book_appointment"), ("/request_human", "/request_human"),
    ('/correct_callback{"cb_field": "cb_phone"}', '/correct_callback{"cb_field": "cb_phone"}'),
    ('/request_human{"cb_phone": "+16045550000"}', "/request_human"),
    ('/affirm{"cb_consent": true}', "/affirm"),
])
def test_only_our_buttons_payloads_reach_rasa_as_payloads(typed, expected):
    assert edge.patient_text(typed) == expected


@pytest.mark.parametrize("metadata", ["x", ["a"], 3, {"a": {"b": 1}}, {"a": "x" * 5000}, {"a": "\ud800"}, {1: 2}])
def test_metadata_that_is_not_a_small_flat_object_is_dropped(metadata):
    assert edge.clean_metadata(metadata) is None


def test_small_metadata_is_kept():
    assert edge.clean_metadata({"page": "/ims", "lang": "en"}) == {"page": "/ims", "lang": "en"}


def test_emergency_texts_come_from_the_domain_with_the_right_numbers():
    texts = safety_net.emergency_texts()
    assert "911" in texts["medical"] and "988" not in texts["medical"]
    assert "988" in texts["crisis"] and "911" in texts["unclear"] and "988" in texts["unclear"]


def run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)


def test_rasa_failing_still_gives_911_for_an_emergency_and_the_number_otherwise():
    async def broken():
        raise ConnectionError("tracker store down")

    emergency = run(safety_net.answer(broken, lambda: [], "cant breathe after needling, chest pain", "rest"))
    assert "911" in emergency[0]["text"]
    crisis = run(safety_net.answer(broken, lambda: [], "i want to kill myself", "rest"))
    assert "988" in crisis[0]["text"]
    plain = run(safety_net.answer(broken, lambda: [], "is it safe?", "twilio"))
    assert safety_net.clinic_phone() in plain[0]["text"] and "Traceback" not in plain[0]["text"]


def test_a_turn_that_takes_too_long_is_answered_and_finishes_in_the_background(monkeypatch):
    monkeypatch.setattr(safety_net, "TURN_TIMEOUT_SECONDS", 0.2)
    finished = []

    async def slow():
        await asyncio.sleep(0.5)
        finished.append(True)

    async def scenario():
        reply = await safety_net.answer(slow, lambda: [], "hello", "rest")
        await asyncio.sleep(0.6)
        return reply

    reply = run(scenario())
    assert "try again in a minute" in reply[0]["text"] and finished == [True]


def test_silence_from_rasa_becomes_a_reply():
    async def quiet():
        return None

    assert run(safety_net.answer(quiet, lambda: [], "hmm", "rest"))[0]["text"]
