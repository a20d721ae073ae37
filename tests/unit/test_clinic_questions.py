"""Clinic questions answered from clinic.yml, the second answer of a two-question message, and
the splitting of a message into its questions."""
import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import clinic_questions
from clinic import config

CLINIC = {
    "name": "Test Physio", "phone": "604-555-0199", "address": "1 Test Way", "booking_url": "https://example.com/b",
    "timezone": "America/Vancouver", "hours": {"monday": "08:00-19:00"},
    "fees": "Fees vary by visit.", "insurance": "Extended health often covers it.",
    "clinic_questions_confirmed": False,
    "referral": "Call us to check whether your plan needs a referral.",
    "availability": "Book online to see openings.",
}


@pytest.fixture(autouse=True)
def clinic_file(tmp_path, monkeypatch):
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(CLINIC))
    monkeypatch.setenv("CLINIC_CONFIG", str(path))
    return path


def tracker(slots=None, channel="rest"):
    latest = {"text": "x", "intent": {"name": "faq"}, "entities": []}
    events = [{"event": "user", "text": "x", "input_channel": channel, "parse_data": latest}]
    return Tracker("p", slots or {}, latest, events, False, None, {}, "action_listen")


def run(action, trk):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, trk, {})
    return dispatcher.messages, events


@pytest.mark.parametrize("action,expected", [
    (clinic_questions.ActionClinicReferral(), "whether your plan needs a referral"),
    (clinic_questions.ActionClinicAvailability(), "Book online to see openings."),
    # not written in clinic.yml: a plain "call us", never an invented fact
    (clinic_questions.ActionClinicOffer(), config.CLINIC_QUESTION_DEFAULT),
    (clinic_questions.ActionClinicWhatToBring(), config.CLINIC_QUESTION_DEFAULT),
])
def test_clinic_answers_come_from_the_clinic_file_with_the_phone_number(action, expected):
    [message], _ = run(action, tracker())
    assert expected in message["text"] and "604-555-0199" in message["text"]


def test_unconfirmed_clinic_answers_are_reported_as_placeholders():
    assert any("clinic_questions" in p for p in config.placeholders(config.load()))


def test_the_shipped_clinic_file_has_every_clinic_answer():
    from pathlib import Path
    shipped = yaml.safe_load((Path(__file__).resolve().parents[2] / "clinic.yml").read_text())
    for key in config.CLINIC_QUESTIONS:
        assert shipped.get(key), key


def test_second_faq_answer_is_its_response_and_the_slot_is_cleared():
    messages, events = run(clinic_questions.ActionAnswerSecond(), tracker({"second_question": "faq/does_it_hurt"}))
    assert messages[0]["response"] == "utter_faq/does_it_hurt"
    assert events == [{"event": "slot", "timestamp": None, "name": "second_question", "value": None}]


def test_second_clinic_answer_is_built_from_the_clinic_file():
    messages, _ = run(clinic_questions.ActionAnswerSecond(), tracker({"second_question": "ask_referral"}))
    assert "referral" in messages[0]["text"]


def test_on_sms_the_second_answer_is_one_numbered_option():
    messages, _ = run(clinic_questions.ActionAnswerSecond(),
                      tracker({"second_question": "faq/does_it_hurt"}, channel="twilio"))
    assert messages[0]["buttons"] == [{"title": "Does it hurt?", "payload": "Does dry needling hurt?"}]


def test_nothing_to_answer_sends_nothing():
    messages, events = run(clinic_questions.ActionAnswerSecond(), tracker({}))
    assert messages == [] and events[0]["name"] == "second_question"


@pytest.mark.parametrize("text,halves", [
    ("what is IMS and is it effective?", ("what is IMS", "is it effective?")),
    ("What is dry needling? How is it different from acupuncture?",
     ("What is dry needling?", "How is it different from acupuncture?")),
    ("how much does it cost, and do you direct bill", ("how much does it cost", "do you direct bill")),
    # SMS shorthand for "and"
    ("wat is ims n does it hurt", ("wat is ims", "does it hurt")),
    # one question about two times: the feeling during, then after
    ("what will i feel during and after ims?", ("what will i feel during ims?", "what will i feel after ims?")),
    ("what should I do before/after my session", ("what should I do before my session",
                                                  "what should I do after my session")),
])
def test_two_questions_are_split(text, halves):
    from components.two_questions import split_questions
    assert split_questions(text) == halves


@pytest.mark.parametrize("text", ["is it safe", "can i take advil and tylenol together",
                                  "does it hurt", "pain in my neck and shoulder, can ims help",
                                  "is it safe during pregnancy and after birth",
                                  "do you have before and after photos?",
                                  "what is the difference in pain during and after ims",
                                  "should i eat before or after ims?"])
def test_one_question_is_not_split(text):
    from components.two_questions import split_questions
    assert split_questions(text) is None


def test_quoted_questions_are_split_too():
    from components.two_questions import split_questions
    assert split_questions("\u201cWill I be sore?\u201d or \u201cDoes it work?\u201d") == ("Will I be sore?", "Does it work?")


def _message_with_halves(text, first, second, p=0.9, intent="faq", key=None):
    from rasa.shared.nlu.training_data.message import Message
    from components.two_questions import split_questions
    from components.two_questions import HALVES
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": p})
    if intent == "faq":
        msg.set("response_selector", {"faq": {"response": {"intent_response_key": key or first}}})
    a, b = split_questions(text)
    msg.set(HALVES, [(a, (first, p)), (b, (second, p))])
    return msg


def test_splitter_puts_the_second_question_in_the_parse_result():
    from components.question_splitter import QuestionSplitter
    msg = _message_with_halves("wat is ims n does it hurt", "faq/what_is_dry_needling", "faq/does_it_hurt")
    QuestionSplitter({}).process([msg])
    assert msg.get("second_question")["label"] == "faq/does_it_hurt"
    assert any(e["entity"] == "second_question" and e["value"] == "faq/does_it_hurt" for e in msg.get("entities"))


def test_splitter_leaves_an_unsure_half_alone():
    from components.question_splitter import QuestionSplitter
    msg = _message_with_halves("what is IMS and is it effective?", "faq/what_is_dry_needling", "faq/benefits", p=0.3)
    QuestionSplitter({}).process([msg])
    assert not msg.get("second_question")


def _through_gate_and_splitter(msg, **gate_config):
    """The pipeline's order: the FAQ answer gate, then the question splitter."""
    from components.faq_answer_gate import FaqAnswerGate
    from components.question_splitter import QuestionSplitter
    config = {"threshold": 0.3, "ambiguity_threshold": 0.0, "out_of_scope_threshold": 0.0, **gate_config}
    FaqAnswerGate(config).process([msg])
    QuestionSplitter({}).process([msg])
    return msg


def test_the_splitter_never_answers_what_the_gate_held_back():
    # issue 19: the gate turned the message into a fallback (the acupuncture comparison needs 0.9); the
    # splitter used to answer its first half with that very answer at 0.65
    from components.two_questions import HALVES
    msg = _message_with_halves("is it acupuncture? and does it hurt", "faq/vs_acupuncture", "faq/does_it_hurt",
                               p=0.65)
    msg.set("response_selector", {"faq": {"ranking": [{"intent_response_key": "faq/vs_acupuncture",
                                                       "confidence": 0.65}],
                                          "response": {"intent_response_key": "faq/vs_acupuncture"}}})
    msg.set(HALVES, [("is it acupuncture?", ("faq/vs_acupuncture", 0.65)), ("and does it hurt", ("faq/does_it_hurt", 0.95))])
    _through_gate_and_splitter(msg, answer_thresholds={"faq/vs_acupuncture": 0.9})
    assert msg.get("intent")["name"] == "nlu_fallback"
    assert not msg.get("second_question")


def test_a_second_question_needs_its_own_answers_bar():
    from components.two_questions import HALVES
    msg = _message_with_halves("does it hurt? is it acupuncture", "faq/does_it_hurt", "faq/vs_acupuncture", p=0.95)
    msg.set("response_selector", {"faq": {"ranking": [{"intent_response_key": "faq/does_it_hurt", "confidence": 0.95}],
                                          "response": {"intent_response_key": "faq/does_it_hurt"}}})
    msg.set(HALVES, [("does it hurt?", ("faq/does_it_hurt", 0.95)), ("is it acupuncture", ("faq/vs_acupuncture", 0.7))])
    _through_gate_and_splitter(msg, answer_thresholds={"faq/vs_acupuncture": 0.9})
    assert current_answer(msg) == "faq/does_it_hurt" and not msg.get("second_question")
    # with the bar met, both are answered
    msg.set(HALVES, [("does it hurt?", ("faq/does_it_hurt", 0.95)), ("is it acupuncture", ("faq/vs_acupuncture", 0.93))])
    _through_gate_and_splitter(msg, answer_thresholds={"faq/vs_acupuncture": 0.9})
    assert msg.get("second_question")["label"] == "faq/vs_acupuncture"


def current_answer(msg):
    from components.question_splitter import current_label
    return current_label(msg)


def test_one_reader_of_a_parse_result_for_components_console_and_evaluation():
    from clinic import parse_result
    parse = {"intent": {"name": "faq", "confidence": 0.9},
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/safety", "confidence": 0.8}}},
             "second_question": {"label": "faq/aftercare"}}
    assert parse_result.label(parse) == "faq/safety"
    assert parse_result.label_and_confidence(parse) == ("faq/safety", 0.8)
    assert parse_result.second_label(parse) == "faq/aftercare"
    assert parse_result.label({"intent": {"name": "greet"}}) == "greet" and parse_result.label({}) == ""
