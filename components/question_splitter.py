"""Two questions in one message ("what is IMS and does it hurt?"): both get answered, in order.

The message is split at a question boundary ("...? ...", "... and how/is/does/can ...", "during and
after") by components/two_questions.py.
Each half is classified by the sentence classifier before it (components/sentence_classifier.py
leaves `question_halves` on the message: one model, trained once). When both halves are confidently two different questions
the assistant can answer, the first becomes the message's intent (FAQ answer included, as
CONTRACT.md's /model/parse shape), and the second goes out as:
  - `second_question` in the parse result: {"label": "faq/benefits", "text": ..., "confidence": ...}
  - the entity `second_question`, which fills the slot of the same name; a rule then runs
    action_answer_second after the first answer (data/rules_second_question.yml).
Runs before EmergencyNet, which drops the second question when it raises an emergency.
"""
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from clinic import parse_result
from components.two_questions import HALVES

# the FAQ answer gate leaves its bars on the message (components/faq_answer_gate.py): the splitter
# answers a half only when the gate would have let that answer through on its own
GATE_BARS = "faq_gate_bars"

ENTITY = "second_question"
ANSWERABLE_INTENTS = {"ask_cost", "ask_hours", "ask_location", "ask_contact", "ask_offer", "ask_referral",
                      "ask_availability", "ask_what_to_bring", "ask_acupuncture", "ask_medication",
                      "book_appointment"}
def answerable(label: str) -> bool:
    return label.startswith("faq/") or label in ANSWERABLE_INTENTS


def current_label(message: Message) -> str:
    return parse_result.label({"intent": message.get("intent"), "response_selector": message.get("response_selector")})


def clears_the_gate(message: Message, label: str, confidence: float) -> bool:
    """The gate's bar for this answer (its own, or the general one) is met, and the gate did not
    hold the whole message back (out of scope, a long story read over-confidently)."""
    bars = message.get(GATE_BARS)
    if not bars:
        return True  # no gate in the pipeline
    if bars.get("held_back"):
        return False
    return confidence >= max(bars.get("threshold", 0.0), (bars.get("answer_thresholds") or {}).get(label, 0.0))


def set_label(message: Message, label: str, confidence: float) -> None:
    """Make `label` the message's answer, in the shape Rasa's parse result has."""
    if label.startswith("faq/"):
        intent = {"name": "faq", "confidence": confidence}
        selectors = dict(message.get("response_selector") or {})
        faq = dict(selectors.get("faq") or {})
        faq["response"] = {"id": None, "responses": [], "response_templates": [], "confidence": confidence,
                           "intent_response_key": label, "utter_action": f"utter_{label}",
                           "template_name": f"utter_{label}"}
        faq.setdefault("ranking", [])
        selectors["faq"] = faq
        message.set("response_selector", selectors, add_to_output=True)
    else:
        intent = {"name": label, "confidence": confidence}
    ranking = [i for i in message.get("intent_ranking") or [] if i.get("name") != intent["name"]]
    message.set("intent", intent, add_to_output=True)
    message.set("intent_ranking", [dict(intent)] + ranking, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionSplitter(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.5, "replace_threshold": 0.6}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> "QuestionSplitter":
        return cls(config)

    def second_question(self, message: Message) -> Optional[Dict[str, Any]]:
        halves = message.get(HALVES)
        if not halves or (message.get("intent") or {}).get("name") == "emergency":
            return None
        (_, (first, p_first)), (second_text, (second, p_second)) = halves
        if first == second or not (answerable(first) and answerable(second)):
            return None
        if min(p_first, p_second) < self.config["threshold"]:
            return None
        if not clears_the_gate(message, second, p_second):
            return None
        main = current_label(message)
        if main != first:
            # the whole message was read differently: take the halves' reading only when sure
            if min(p_first, p_second) < self.config["replace_threshold"]:
                return None
            if not clears_the_gate(message, first, p_first):
                return None  # the gate's "not sure" stands: never an answer it would refuse
            set_label(message, first, p_first)
        return {"label": second, "text": second_text, "confidence": p_second, "first": first}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            second = self.second_question(message)
            if not second:
                continue
            message.set(ENTITY, second, add_to_output=True)
            entities = [e for e in message.get("entities") or [] if e.get("entity") != ENTITY]
            text = message.get("text") or ""
            # the span is the second question; the whole message when it was rewritten ("during and after")
            start = text.rfind(second["text"])
            start, end = (start, start + len(second["text"])) if start >= 0 else (0, len(text))
            entities.append({"entity": ENTITY, "value": second["label"], "start": start, "end": end,
                             "confidence": second["confidence"], "extractor": "QuestionSplitter"})
            message.set("entities", entities, add_to_output=True)
        return messages
