"""The deterministic safety net: red-flag messages become `emergency`, whatever the model said.

Runs last in the NLU pipeline, so it also overrides `nlu_fallback` and FAQ answers. The kind
of emergency (medical -> 911, crisis -> 988) travels in the parse result under `emergency`
for the action that replies.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from clinic import red_flags

EMERGENCY = "emergency"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class EmergencyNet(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyNet":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            kind = red_flags.classify(message.get("text") or "")
            if kind is None:
                continue
            intent = {"name": EMERGENCY, "confidence": 1.0}
            others = [i for i in message.get("intent_ranking") or [] if i.get("name") != EMERGENCY]
            message.set("intent", intent, add_to_output=True)
            message.set("intent_ranking", [dict(intent)] + others, add_to_output=True)
            message.set(EMERGENCY, {"kind": kind, "source": "red_flags"}, add_to_output=True)
        return messages
