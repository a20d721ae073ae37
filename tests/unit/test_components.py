"""The two custom NLU components, on Rasa's own Message objects."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from components.emergency_net import EmergencyNet
from components.faq_answer_gate import FaqAnswerGate


def message(text, intent="faq", confidence=0.95, answers=(("faq/safety", 0.9), ("faq/aftercare", 0.05))):
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    msg.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    ranking = [{"intent_response_key": key, "confidence": c} for key, c in answers]
    msg.set("response_selector", {"faq": {"ranking": ranking, "response": {
        "intent_response_key": ranking[0]["intent_response_key"] if ranking else None,
        "confidence": ranking[0]["confidence"] if ranking else 0}}}, add_to_output=True)
    return msg


def gate(**config):
    return FaqAnswerGate(config)


def test_confident_answer_passes_the_gate():
    msg = gate().process([message("is it safe?")])[0]
    assert msg.get("intent")["name"] == "faq"


def test_unsure_answer_becomes_nlu_fallback_even_when_the_intent_is_sure():
    msg = gate().process([message("hmm", answers=(("faq/safety", 0.41), ("faq/aftercare", 0.39)))])[0]
    assert msg.get("intent")["name"] == "nlu_fallback"
    assert msg.get("intent_ranking")[0]["name"] == "nlu_fallback"
    # the answer ranking stays, for the "did you mean" buttons
    assert msg.get("response_selector")["faq"]["ranking"][0]["intent_response_key"] == "faq/safety"


def test_two_close_answers_are_ambiguous():
    msg = gate(threshold=0.3).process([message("x", answers=(("faq/safety", 0.52), ("faq/aftercare", 0.47)))])[0]
    assert msg.get("intent")["name"] == "nlu_fallback"


def test_gate_ignores_other_intents():
    msg = gate().process([message("hi", intent="greet", answers=(("faq/safety", 0.2), ("faq/x", 0.2)))])[0]
    assert msg.get("intent")["name"] == "greet"


STORY = ("The needles went in one by one down my back and the whole thing took about ten minutes. "
         "Some spots I barely felt and others ached for a while, and then we were done for the day.")


def test_a_long_story_needs_a_surer_answer_than_a_short_question():
    long_gate = gate(threshold=0.3, long_message_chars=150, long_message_threshold=0.6)
    unsure = (("faq/does_it_hurt", 0.55), ("faq/what_to_expect", 0.3))
    assert len(STORY) > 150
    assert long_gate.process([message(STORY, confidence=0.55, answers=unsure)])[0].get("intent")["name"] == "nlu_fallback"
    assert long_gate.process([message("does it hurt?", confidence=0.55, answers=unsure)])[0].get("intent")["name"] == "faq"
    sure = (("faq/does_it_hurt", 0.8), ("faq/what_to_expect", 0.1))
    assert long_gate.process([message(STORY, confidence=0.8, answers=sure)])[0].get("intent")["name"] == "faq"
    # intents too: a paragraph that is only maybe about booking gets the "did you mean"
    assert long_gate.process([message(STORY, intent="ask_referral", confidence=0.41)])[0].get("intent")["name"] == "nlu_fallback"


def test_a_long_message_never_holds_back_an_emergency():
    long_gate = gate(threshold=0.3, long_message_chars=150, long_message_threshold=0.6)
    msg = long_gate.process([message(STORY, intent="emergency", confidence=0.4)])[0]
    assert msg.get("intent")["name"] == "emergency"


def test_an_answer_often_given_wrongly_asks_for_more_confidence():
    strict = gate(threshold=0.3, answer_thresholds={"faq/vs_acupuncture": 0.9, "bot_challenge": 0.7})
    answers = (("faq/vs_acupuncture", 0.8), ("faq/what_is_dry_needling", 0.15))
    held = strict.process([message("what is it, is it acupuncture?", confidence=0.8, answers=answers)])[0]
    assert held.get("intent")["name"] == "nlu_fallback"
    sure = (("faq/vs_acupuncture", 0.95), ("faq/what_is_dry_needling", 0.03))
    assert strict.process([message("is this acupuncture?", confidence=0.95, answers=sure)])[0].get("intent")["name"] == "faq"
    # other answers keep the ordinary bar
    other = (("faq/safety", 0.8), ("faq/aftercare", 0.1))
    assert strict.process([message("is it safe?", confidence=0.8, answers=other)])[0].get("intent")["name"] == "faq"
    assert strict.process([message("r u a bot", intent="bot_challenge", confidence=0.6)])[0].get("intent")["name"] == "nlu_fallback"


def test_faq_without_any_answer_ranking_falls_back():
    msg = gate().process([message("?", answers=())])[0]
    assert msg.get("intent")["name"] == "nlu_fallback"


def test_red_flag_overrides_a_confident_faq_answer():
    msg = message("sore after ims and now i cant breathe", answers=(("faq/soreness_after", 0.99), ("faq/x", 0.0)))
    msg = EmergencyNet().process([msg])[0]
    assert msg.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert msg.get("emergency")["kind"] == "medical"
    assert [i["name"] for i in msg.get("intent_ranking")].count("emergency") == 1


def test_red_flag_overrides_fallback_and_marks_crisis():
    msg = message("i want to end my life", intent="nlu_fallback", confidence=0.5)
    msg = EmergencyNet().process([msg])[0]
    assert msg.get("intent")["name"] == "emergency"
    assert msg.get("emergency")["kind"] == "crisis"


def test_ordinary_message_is_untouched():
    msg = EmergencyNet().process([message("will i be sore tomorrow?")])[0]
    assert msg.get("intent")["name"] == "faq"
    assert msg.get("emergency") is None


def test_second_opinion_blocks_confident_nonsense_and_survives_save_and_load(tmp_path):
    from components.faq_answer_gate import SecondOpinion

    texts = ["is it acupuncture", "does needling hurt", "will i be sore after ims", "what is dry needling",
             "whats the weather", "who won the game", "write me a poem", "whats 2 plus 2",
             "book an appointment", "i want to book ims"]
    labels = ["faq"] * 4 + ["out_of_scope"] * 4 + ["book_appointment"] * 2
    opinion = SecondOpinion.fit(texts, labels, "faq", seed=1)
    opinion.save(tmp_path)
    loaded = SecondOpinion.load(tmp_path)
    for text in ("does dry needling hurt", "whats the weather tomorrow"):
        assert abs(loaded.faq_probability(text) - opinion.faq_probability(text)) < 1e-9
    assert loaded.faq_probability("does dry needling hurt") > loaded.faq_probability("who won the hockey game")

    assert loaded.out_of_scope_probability("who won the hockey game") > loaded.out_of_scope_probability("does it hurt")

    for config in ({"second_opinion_threshold": 0.3, "out_of_scope_threshold": 0.0},  # P(faq) high enough
                   {}):  # default: P(out_of_scope) low enough
        gate = FaqAnswerGate(config)
        gate.opinion = loaded
        confident_nonsense = message("who won the game", answers=(("faq/safety", 0.97), ("faq/x", 0.01)))
        assert gate.process([confident_nonsense])[0].get("intent")["name"] == "nlu_fallback", config
        real = message("does needling hurt", answers=(("faq/does_it_hurt", 0.97), ("faq/x", 0.01)))
        assert gate.process([real])[0].get("intent")["name"] == "faq", config


def test_model_emergency_drops_a_second_question_and_gives_both_numbers():
    msg = message("something bad happened after my session", intent="emergency", confidence=0.9)
    msg.set("second_question", {"label": "faq/safety"})
    msg.set("entities", [{"entity": "second_question", "value": "faq/safety"}])
    msg = EmergencyNet().process([msg])[0]
    assert [e["value"] for e in msg.get("entities")] == ["unclear"]
    assert not msg.get("second_question")


def test_an_unsure_model_whose_best_guess_is_emergency_stays_a_fallback():
    # measured: short form answers ("I'm a new patient") can have emergency as a weak best guess
    msg = message("I'm a new patient", intent="nlu_fallback", confidence=0.3)
    msg.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.3},
                               {"name": "emergency", "confidence": 0.23}, {"name": "faq", "confidence": 0.2}])
    assert EmergencyNet().process([msg])[0].get("intent")["name"] == "nlu_fallback"


def test_an_unsure_model_whose_best_guess_is_something_else_stays_a_fallback():
    msg = message("hmm", intent="nlu_fallback", confidence=0.3)
    msg.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.3},
                               {"name": "faq", "confidence": 0.28}, {"name": "emergency", "confidence": 0.2}])
    assert EmergencyNet().process([msg])[0].get("intent")["name"] == "nlu_fallback"


def test_a_model_only_emergency_on_a_question_about_a_risk_becomes_a_did_you_mean():
    # "can needling cause a collapsed lung?" is a question about a risk, not an emergency
    msg = message("how common is it for needling to cause a collapsed lung?", intent="emergency", confidence=0.9)
    msg = EmergencyNet({}).process([msg])[0]
    assert msg.get("intent")["name"] == "nlu_fallback"
    assert not any(e.get("entity") == "emergency_kind" for e in msg.get("entities") or [])
    story = EmergencyNet({}).process(
        [message("something bad happened after my session", intent="emergency", confidence=0.4)])[0]
    assert story.get("intent")["name"] == "emergency"  # no confidence bar by default: safety first
    barred = EmergencyNet({"model_threshold": 0.7}).process(
        [message("something bad happened after my session", intent="emergency", confidence=0.4)])[0]
    assert barred.get("intent")["name"] == "nlu_fallback"


def test_a_red_flag_wins_whatever_the_model_confidence():
    msg = message("i cant breathe after my ims", intent="faq", confidence=0.99)
    assert EmergencyNet({"model_threshold": 0.99}).process([msg])[0].get("intent")["name"] == "emergency"


@pytest.mark.parametrize("n_classes", [2, 4])
def test_fast_probabilities_equal_sklearns(n_classes):
    import numpy as np
    from scipy.sparse import random as sparse_random
    from sklearn.linear_model import LogisticRegression
    from components import linear_store

    rng = np.random.default_rng(0)
    x = sparse_random(60, 300, density=0.05, format="csr", random_state=1)
    y = rng.integers(0, n_classes, 60)
    model = LogisticRegression(C=10, max_iter=2000).fit(x, y)
    assert np.allclose(linear_store.predict_proba(model, x), model.predict_proba(x), atol=1e-12)
