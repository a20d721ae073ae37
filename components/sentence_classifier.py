"""The intent and FAQ-answer classifier: sentence meaning and words, one logistic regression.

Features: the all-MiniLM-L6-v2 sentence embedding (components/minilm.py) next to tf-idf words
(1-2) and character n-grams (2-5, typos and SMS spelling). One multinomial logistic regression
over every label: the intents and the FAQ answers (`faq/<key>`) side by side, so "benefits"
the treatment and "benefits" the insurance plan compete directly.

Measured against the previous DIET + ResponseSelector pipeline (with and without MiniLM
features), on the same data: held-out 0.98 vs 0.92, real-world development set 0.79 vs 0.67,
training in well under a minute instead of 4-8 (see results/eval/summary.md and the README).

Output has the shape Rasa's parse result has (CONTRACT.md): `intent` / `intent_ranking`, and
for an FAQ answer `intent.name == "faq"` with `response_selector.faq.response` (the key and
`utter_action`, which `utter_faq` sends) and `.ranking` (for the "did you mean" buttons).
FallbackClassifier and FaqAnswerGate after it turn an unsure answer into `nlu_fallback`.
The model is stored as plain arrays (JSON + .npy), not pickles.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from components import linear_store, minilm
from components.two_questions import HALVES, split_questions

RETRIEVAL = "faq"


class LabelModel:
    """Intent-or-FAQ-key classifier: [MiniLM embedding * scale, tf-idf] -> logistic regression."""

    def __init__(self, vectorizers: Dict[str, TfidfVectorizer], model: LogisticRegression, scale: float):
        self.vectorizers, self.model, self.scale = vectorizers, model, scale
        self.classes = [str(c) for c in model.classes_]

    def features(self, texts: List[str]):
        dense = csr_matrix(minilm.shared().encode(texts) * self.scale)
        return hstack([dense] + [v.transform(texts) for v in self.vectorizers.values()]).tocsr()

    @classmethod
    def fit(cls, texts: List[str], labels: List[str], seed: int, scale: float = 2.0, c: float = 10.0) -> "LabelModel":
        vectorizers = linear_store.new_vectorizers()
        for vectorizer in vectorizers.values():
            vectorizer.fit(texts)
        model = LogisticRegression(C=c, max_iter=3000, random_state=seed)
        model.classes_ = np.array(sorted(set(labels)))
        fitted = cls(vectorizers, model, scale)
        model.fit(fitted.features(texts), labels)
        fitted.classes = [str(c) for c in model.classes_]
        return fitted

    def probabilities(self, texts: List[str]) -> np.ndarray:
        return linear_store.predict_proba(self.model, self.features(texts))

    def predict(self, texts: List[str]) -> List[Tuple[str, float]]:
        return [(self.classes[int(np.argmax(p))], float(np.max(p))) for p in self.probabilities(texts)]

    def save(self, directory: Path) -> None:
        linear_store.save(directory, self.vectorizers, self.model, {"scale": self.scale})

    @classmethod
    def load(cls, directory: Path) -> "LabelModel":
        vectorizers, model, meta = linear_store.load(directory)
        return cls(vectorizers, model, float(meta["scale"]))


def training_pairs(training_data: TrainingData) -> Tuple[List[str], List[str]]:
    examples = [m for m in training_data.intent_examples if m.get("text")]
    return ([m.get("text") for m in examples],
            [m.get("intent_response_key") or m.get("intent") for m in examples])


def apply_label(message: Message, classes: List[str], probs: np.ndarray) -> None:
    """Write the ranking into the message as DIET + ResponseSelector would."""
    order = np.argsort(-probs)
    faq_ranking, intent_ranking, seen = [], [], set()
    for i in order:
        label, confidence = classes[i], float(probs[i])
        if label.startswith(RETRIEVAL + "/"):
            faq_ranking.append({"id": None, "confidence": confidence, "intent_response_key": label})
            name = RETRIEVAL
        else:
            name = label
        if name not in seen:  # faq's confidence is its best answer's
            seen.add(name)
            intent_ranking.append({"name": name, "confidence": confidence})
    intent = dict(intent_ranking[0])
    message.set("intent", intent, add_to_output=True)
    message.set("intent_ranking", intent_ranking[:10], add_to_output=True)
    if faq_ranking:
        best = faq_ranking[0]["intent_response_key"]
        selector = {"response": {"id": None, "responses": [], "response_templates": [],
                                 "confidence": faq_ranking[0]["confidence"], "intent_response_key": best,
                                 "utter_action": f"utter_{best}", "template_name": f"utter_{best}"},
                    "ranking": faq_ranking[:10], "joint": True}
        message.set("response_selector", {"all_retrieval_intents": [RETRIEVAL], RETRIEVAL: selector},
                    add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SentenceClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"minilm_scale": 2.0, "C": 10.0, "random_seed": 2024}

    def __init__(self, config: Dict[Text, Any], model_storage: Optional[ModelStorage] = None,
                 resource: Optional[Resource] = None, model: Optional[LabelModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model_storage, self.resource, self.model = model_storage, resource, model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SentenceClassifier":
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                model = LabelModel.load(Path(directory))
        except (ValueError, FileNotFoundError):
            pass
        if model is not None:
            minilm.shared()  # load and check the weights now, not on a patient's first message
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = training_pairs(training_data)
        self.model = LabelModel.fit(texts, labels, self.config["random_seed"],
                                    self.config["minilm_scale"], self.config["C"])
        with self.model_storage.write_to(self.resource) as directory:
            self.model.save(Path(directory))
        return self.resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        todo = [m for m in messages if m.get("text")]
        if not todo:
            return messages
        for message, probs in zip(todo, self.model.probabilities([m.get("text") for m in todo])):
            apply_label(message, self.model.classes, probs)
        for message in todo:
            halves = split_questions(message.get("text"))
            if halves:
                message.set(HALVES, list(zip(halves, self.model.predict(list(halves)))))
        return messages
