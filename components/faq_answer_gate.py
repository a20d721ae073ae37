"""Fall back when the FAQ *answer* is uncertain, not only the `faq` intent.

Rasa's FallbackClassifier looks at the intent confidence alone: a message can be confidently
`faq` while the ResponseSelector is torn between two answers, and the patient then gets the
wrong one. This component runs after the ResponseSelector and turns such a message into
`nlu_fallback` (what CONTRACT.md promises `/model/parse` reports), keeping the answer ranking
so the fallback can offer the likely topics as buttons.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

FALLBACK = "nlu_fallback"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class FaqAnswerGate(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "retrieval_intent": "faq",
            # the chosen answer's confidence must reach this...
            "threshold": 0.5,
            # ...and beat the runner-up by at least this much
            "ambiguity_threshold": 0.1,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqAnswerGate":
        return cls(config)

    def answer_is_uncertain(self, message: Message) -> bool:
        retrieval_intent = self.config["retrieval_intent"]
        if (message.get("intent") or {}).get("name") != retrieval_intent:
            return False
        selector = (message.get("response_selector") or {}).get(retrieval_intent) or {}
        ranking = selector.get("ranking") or []
        if not ranking:
            return True
        top = ranking[0].get("confidence", 0.0)
        runner_up = ranking[1].get("confidence", 0.0) if len(ranking) > 1 else 0.0
        return top < self.config["threshold"] or top - runner_up < self.config["ambiguity_threshold"]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not self.answer_is_uncertain(message):
                continue
            fallback = {"name": FALLBACK, "confidence": float(self.config["threshold"])}
            message.set("intent", fallback, add_to_output=True)
            ranking = list(message.get("intent_ranking") or [])
            message.set("intent_ranking", [dict(fallback)] + ranking, add_to_output=True)
        return messages
