"""The one-tap alternative beside an answer (clinic/alternative.py, issue 19)."""
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
