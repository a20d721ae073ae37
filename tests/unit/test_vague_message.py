"""A message that names nothing gets no FAQ answer (clinic/vague_message.py, components/faq_answer_gate.py)."""
import sys
from pathlib import Path

import pytest

from clinic.vague_message import names_nothing

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from eval_compare import load_set, training_examples  # noqa: E402


@pytest.mark.parametrize("text", ["and the other stuff with the thing?", "so um the thing with the stuff?",
                                  "that one", "ok and this?", "The other thing..."])
def test_filler_only_messages_name_nothing(text):
    assert names_nothing(text)


@pytest.mark.parametrize("text", ["what is it?", "does it hurt", "and the other thing, is it safe?", "how much",
                                  "where r u", "ims?", "", "?!", "你好"])
def test_a_question_word_or_a_topic_is_something(text):
    assert not names_nothing(text)


def test_no_faq_training_example_and_no_development_item_names_nothing():
    texts, labels = training_examples()
    assert not [t for t, label in zip(texts, labels) if label.startswith("faq/") and names_nothing(t)]
    for name in ("heldout", "realworld-dev", "realworld-dev2", "realworld-dev3", "realworld-dev4"):
        assert not [i["text"] for i in load_set(name) if i["label"].startswith("faq/") and names_nothing(i["text"])]


def test_the_gate_holds_back_an_faq_answer_to_a_message_that_names_nothing():
    from rasa.shared.nlu.training_data.message import Message

    from components.faq_answer_gate import FaqAnswerGate

    gate = FaqAnswerGate({"threshold": 0.3, "out_of_scope_threshold": 0.0})

    def confident(text):
        message = Message(data={"text": text})
        message.set("intent", {"name": "faq", "confidence": 0.96})
        message.set("response_selector", {"faq": {"ranking": [
            {"intent_response_key": "faq/combined_therapy", "confidence": 0.96}],
            "response": {"intent_response_key": "faq/combined_therapy", "confidence": 0.96}}})
        return gate.process([message])[0]

    assert confident("and the other stuff with the thing?").get("intent")["name"] == "nlu_fallback"
    assert confident("is ims combined with other stuff?").get("intent")["name"] == "faq"
