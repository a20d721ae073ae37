"""Another treatment as the subject of a question gets the out-of-scope reply, not an FAQ answer
(clinic/other_treatments.yml, components/faq_answer_gate.py)."""
import sys
from pathlib import Path

import pytest
import yaml

from clinic.other_treatments import RULES, about_another_treatment
from tests.unit.test_components import gate, message

ROOT = Path(__file__).resolve().parents[2]
DATA = yaml.safe_load(RULES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", DATA["match"])
def test_a_question_about_another_treatment_is_out_of_scope_even_when_the_answer_was_sure(text):
    assert about_another_treatment(text)
    msg = gate(threshold=0.3).process([message(text, answers=(("faq/does_it_hurt", 0.92), ("faq/safety", 0.03)))])[0]
    assert msg.get("intent")["name"] == "out_of_scope"
    # the ranking stays: the out-of-scope reply may still offer the dry-needling answer one tap away
    assert msg.get("response_selector")["faq"]["ranking"][0]["intent_response_key"] == "faq/does_it_hurt"


@pytest.mark.parametrize("text", DATA["no_match"])
def test_a_comparison_with_another_treatment_keeps_its_answer(text):
    assert not about_another_treatment(text)
    msg = gate(threshold=0.3).process([message(text, answers=(("faq/does_it_hurt", 0.92), ("faq/safety", 0.03)))])[0]
    assert msg.get("intent")["name"] == "faq"


def test_intents_are_left_alone():
    msg = gate().process([message("is cupping part of acupuncture", intent="ask_acupuncture")])[0]
    assert msg.get("intent")["name"] == "ask_acupuncture"


def test_no_faq_training_example_and_no_faq_item_of_a_development_set_is_caught():
    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_compare import load_set, training_examples

    texts, labels = training_examples()
    items = [(it["text"], it["label"]) for name in ("heldout", "realworld-dev", "realworld-dev2", "realworld-dev3",
                                                    "realworld-dev4") for it in load_set(name)]
    caught = [(t, l) for t, l in list(zip(texts, labels)) + items if l.startswith("faq/") and about_another_treatment(t)]
    assert not caught, caught
