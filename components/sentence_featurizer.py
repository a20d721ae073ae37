"""Sentence meaning as a feature: the all-MiniLM-L6-v2 embedding of the whole message.

A dense *sentence* feature (384 numbers, L2-normalised) next to the word and character
n-gram features, for DIET and the ResponseSelector. Word counts tell "benefits" from
"benefit plan" only when the training data has both; the embedding carries that "is it worth a
try" and "why should I bother" mean the same. No sequence features: the model reads the
sentence as a whole (cheap: one forward pass per message, ~5-15 ms on one core).
The weights are checked against the pinned sha256 on load (components/minilm.py).
"""
from typing import Any, Dict, List, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components import minilm


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.encoder = minilm.shared()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MiniLMSentenceFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def _featurize(self, messages: List[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        if not todo:
            return
        vectors = self.encoder.encode([m.get(TEXT) for m in todo]) * float(self._config["scale"])
        for message, vector in zip(todo, vectors):
            message.add_features(Features(np.asarray(vector, dtype=np.float32)[None, :], FEATURE_TYPE_SENTENCE,
                                          TEXT, self._config[FEATURIZER_CLASS_ALIAS]))

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
