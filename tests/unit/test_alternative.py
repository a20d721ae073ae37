"""The one-tap alternative beside an answer (clinic/alternative.py, issue 19)."""
import asyncio
import functools
from pathlib import Path

from clinic.alternative import alternative_button, alternative_label


def parse(given, ranking, intent="faq", second=None):
    """A parse result as the sentence classifier writes it: FAQ answers and intents on one scale."""
    faq = [{"intent_response_key": k, "confidence": c} for k, c in ranking if k.startswith("faq/")]
    intents = [{"name": k, "confidence": c} for k, c in ranking if not k.startswith("faq/")]
    result = {
        "intent": {"name": intent, "confidence": dict(ranking)[given]},
        "intent_ranking": [{"name": "faq", "confidence": 1.0}] + intents if intent == "faq" else intents,
        "response_selector": {"faq": {"joint": True, "ranking": faq,
                                      "response": {"intent_response_key": given if intent == "faq" else None,
                                                   "confidence": dict(ranking)[given]}}},
    }
    if second:
        result["second_question"] = {"label": second}
    return result


def test_a_close_runner_up_is_offered_as_a_readable_button():
    p = parse("faq/does_it_hurt", [("faq/does_it_hurt", 0.55), ("faq/soreness_after", 0.35), ("faq/safety", 0.05)])
    assert alternative_label(p) == "faq/soreness_after"
    assert alternative_button(p) == {"title": "Or were you asking: Will I be sore after?",
                                     "payload": "Will I be sore after dry needling?"}


def test_a_clear_answer_gets_no_alternative():
    p = parse("faq/does_it_hurt", [("faq/does_it_hurt", 0.9), ("faq/soreness_after", 0.21)])
    assert alternative_label(p) is None  # 0.21 < 0.3 x 0.9
    p = parse("faq/does_it_hurt", [("faq/does_it_hurt", 0.5), ("faq/soreness_after", 0.15)])
    assert alternative_label(p) is None  # below 0.2


def test_no_alternative_without_an_answer_or_for_the_second_question_already_answered():
    fallback = parse("faq/does_it_hurt", [("faq/does_it_hurt", 0.4), ("faq/soreness_after", 0.35)])
    fallback["intent"] = {"name": "nlu_fallback", "confidence": 0.3}
    assert alternative_label(fallback) is None
    emergency = parse("emergency", [("emergency", 0.6), ("faq/soreness_after", 0.4)], intent="emergency")
    assert alternative_label(emergency) is None
    both = parse("faq/what_is_dry_needling", [("faq/what_is_dry_needling", 0.5), ("faq/does_it_hurt", 0.4)],
                 second="faq/does_it_hurt")
    assert alternative_label(both) is None


def test_an_intent_runner_up_and_no_duplicate_of_the_answers_own_buttons():
    p = parse("faq/session_details", [("faq/session_details", 0.5), ("ask_cost", 0.4)])
    assert alternative_button(p)["payload"] == "/ask_cost"
    p = parse("faq/session_details", [("faq/session_details", 0.5), ("book_appointment", 0.4)])
    assert alternative_button(p, [{"title": "Book online", "payload": "/book_appointment"}]) is None


# -- as sent: nlg/localised.py adds the button in the Rasa server, on the web and within SMS's two segments
@functools.lru_cache(maxsize=1)
def _domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


def _sent(channel, ranking, name="utter_faq/does_it_hurt"):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from nlg.localised import LocalisedResponses

    domain = _domain()
    tracker = DialogueStateTracker("patient", domain.slots)
    p = parse(name.replace("utter_", ""), ranking)
    tracker.update(UserUttered("does it hurt or will i be sore", intent=p["intent"], parse_data={"text": "x", **p},
                               input_channel=channel))
    return asyncio.run(LocalisedResponses(domain=domain).generate(name, tracker, "collector"))


def test_the_web_answer_carries_the_alternative_after_its_own_buttons():
    message = _sent("socketio", [("faq/does_it_hurt", 0.55), ("faq/soreness_after", 0.35)])
    assert message["buttons"][-1] == {"title": "Or were you asking: Will I be sore after?",
                                      "payload": "Will I be sore after dry needling?"}
    assert message["buttons"][0]["title"] == "Book online"
    clear = _sent("socketio", [("faq/does_it_hurt", 0.95), ("faq/soreness_after", 0.03)])
    assert all("Or were you asking" not in b["title"] for b in clear["buttons"])


def test_on_sms_the_alternative_is_a_short_numbered_option_within_two_segments():
    from channels.sms_text import render, segments

    message = _sent("twilio", [("faq/does_it_hurt", 0.55), ("faq/soreness_after", 0.35)])
    sms = render([message])
    assert "Or: Will I be sore after?" in sms and segments(sms) <= 2
    # every pair of FAQ answers: the alternative is offered only when it fits
    from actions.buttons import FAQ_BUTTONS
    for given in FAQ_BUTTONS:
        for other in FAQ_BUTTONS:
            if other != given:
                sent = _sent("twilio", [(f"faq/{given}", 0.5), (f"faq/{other}", 0.4)], f"utter_faq/{given}")
                assert segments(render([sent])) <= 2, (given, other)


def test_the_acupuncture_reply_offers_the_dry_needling_answer_a_patient_may_have_meant():
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from nlg.localised import LocalisedResponses

    p = parse("ask_acupuncture", [("ask_acupuncture", 0.6), ("faq/soreness_after", 0.35)], intent="ask_acupuncture")
    assert alternative_label(p) == "faq/soreness_after"
    domain = _domain()
    tracker = DialogueStateTracker("patient", domain.slots)
    tracker.update(UserUttered("bruises after acupuncture normal?", intent=p["intent"], parse_data={"text": "x", **p},
                               input_channel="socketio"))
    message = asyncio.run(LocalisedResponses(domain=domain).generate("utter_acupuncture", tracker, "collector"))
    assert "acupunctur" in message["text"]
    assert message["buttons"][-1] == {"title": "Or were you asking: Will I be sore after?",
                                      "payload": "Will I be sore after dry needling?"}
    # the reply's own "Is it acupuncture?" button is not offered twice
    same = parse("ask_acupuncture", [("ask_acupuncture", 0.6), ("faq/vs_acupuncture", 0.35)], intent="ask_acupuncture")
    assert alternative_button(same, domain.responses["utter_acupuncture"][0]["buttons"]) is None
    sure = parse("ask_acupuncture", [("ask_acupuncture", 0.95), ("faq/vs_acupuncture", 0.03)], intent="ask_acupuncture")
    assert alternative_label(sure) is None
