"""Give an FAQ answer only when it is safe to: otherwise `nlu_fallback`.

Rasa's FallbackClassifier looks at the intent confidence alone. Four gaps remain, and this
component (after the classifier) closes them:

1. The ResponseSelector is unsure which answer fits (low confidence, or two answers close):
   a message can be confidently "some FAQ" and still get the wrong answer.
2. The classifier is confidently wrong: unrelated questions ("how do I fix a python error") can
   land on an FAQ answer with high confidence. A second, independent model (tf-idf words +
   character n-grams, logistic regression over the intents, trained here on the same data) must
   not find the message out of scope. (It used to have to find `faq` itself plausible; once
   `ask_acupuncture` had many examples, that refused "Is this acupuncture?" - measured on the
   development sets, the out-of-scope test keeps the protection and loses no answers.)

3. A long message (a story, a paragraph with background) is read with more confidence than it
   earns: on the real-world development sets, long messages the model got wrong had a median
   confidence of 0.7 against 0.9 for short ones. So any answer to a message longer than
   `long_message_chars` needs `long_message_threshold` (emergencies are never held back).

4. Some answers are given wrongly more often than others (the acupuncture comparison for "what is
   dry needling? is it acupuncture?"): `answer_thresholds` asks more confidence of those.

5. A question about another treatment ("Does microneedling hurt?", clinic/other_treatments.yml) is out of
   scope, however sure the classifier is of "Does it hurt?": it becomes `out_of_scope`, not a fallback.

6. A message that names nothing ("and the other stuff with the thing?", clinic/vague_message.py) gets no FAQ
   answer, however sure the classifier is: a fallback, whose buttons offer the likely topics.

In each case the message becomes `nlu_fallback` (as CONTRACT.md promises `/model/parse`
reports), keeping the answer ranking so the fallback can offer the likely topics as buttons.
The second model is stored as plain arrays (JSON + .npy), not pickles.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from components import linear_store
from clinic.other_treatments import about_another_treatment
from clinic.vague_message import names_nothing
from components.question_splitter import GATE_BARS, current_label

FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
NEVER_HELD_BACK = {"emergency", FALLBACK, OUT_OF_SCOPE}


class SecondOpinion:
    """P(intent is `faq`) from tf-idf + logistic regression, independent of DIET."""

    def __init__(self, vectorizers: Dict[str, TfidfVectorizer], model: LogisticRegression, faq: str):
        self.vectorizers, self.model, self.faq = vectorizers, model, faq
        classes = [str(c) for c in model.classes_]
        self.faq_index = classes.index(faq) if faq in classes else None  # once, not per message
        self.out_of_scope_index = classes.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in classes else None

    @classmethod
    def fit(cls, texts: List[str], labels: List[str], faq: str, seed: int) -> "SecondOpinion":
        vectorizers = linear_store.new_vectorizers()
        features = hstack([v.fit_transform(texts) for v in vectorizers.values()]).tocsr()
        model = LogisticRegression(C=10, max_iter=3000, class_weight="balanced", random_state=seed)
        model.fit(features, labels)
        return cls(vectorizers, model, faq)

    def _probabilities(self, text: str):
        features = hstack([v.transform([text]) for v in self.vectorizers.values()]).tocsr()
        return linear_store.predict_proba(self.model, features)[0]

    def faq_probability(self, text: str) -> float:
        if self.faq_index is None:
            return 1.0
        return float(self._probabilities(text)[self.faq_index])

    def out_of_scope_probability(self, text: str) -> float:
        if self.out_of_scope_index is None:
            return 0.0
        return float(self._probabilities(text)[self.out_of_scope_index])

    def save(self, directory: Path) -> None:
        linear_store.save(directory, self.vectorizers, self.model, {"faq": self.faq})

    @classmethod
    def load(cls, directory: Path) -> "SecondOpinion":
        vectorizers, model, meta = linear_store.load(directory)
        return cls(vectorizers, model, meta["faq"])


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
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
            # the second model's P(faq) must reach this (0: not checked)
            "second_opinion_threshold": 0.0,
            # ...and its P(out_of_scope) must stay below this (0: not checked)
            "out_of_scope_threshold": 0.5,
            # a message longer than this many characters (0: no limit)...
            "long_message_chars": 0,
            # ...gets any answer (an intent or an FAQ answer) only at this confidence
            "long_message_threshold": 0.6,
            # answers that need more confidence than `threshold`, by label ("faq/<key>" or an intent)
            "answer_thresholds": {},
            "random_seed": 2024,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: Optional[ModelStorage] = None,
                 resource: Optional[Resource] = None, opinion: Optional[SecondOpinion] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model_storage, self.resource, self.opinion = model_storage, resource, opinion

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FaqAnswerGate":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "FaqAnswerGate":
        opinion = None
        try:
            with model_storage.read_from(resource) as directory:
                opinion = SecondOpinion.load(Path(directory))
        except (ValueError, FileNotFoundError):
            pass  # trained without a second opinion
        return cls(config, model_storage, resource, opinion)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get("text")]
        wanted = self.config["second_opinion_threshold"] > 0 or self.config["out_of_scope_threshold"] > 0
        if wanted and len({m.get("intent") for m in examples}) > 1:
            self.opinion = SecondOpinion.fit(
                [m.get("text") for m in examples], [m.get("intent") for m in examples],
                self.config["retrieval_intent"], self.config["random_seed"])
            with self.model_storage.write_to(self.resource) as directory:
                self.opinion.save(Path(directory))
        return self.resource

    def long_and_unsure(self, message: Message) -> bool:
        intent = message.get("intent") or {}
        limit = self.config["long_message_chars"]
        if not limit or intent.get("name") in NEVER_HELD_BACK or len(message.get("text") or "") <= limit:
            return False
        return intent.get("confidence", 0.0) < self.config["long_message_threshold"]

    def below_its_own_bar(self, message: Message) -> bool:
        bar = (self.config["answer_thresholds"] or {}).get(current_label(message))
        return bar is not None and (message.get("intent") or {}).get("confidence", 0.0) < bar

    def asks_about_another_treatment(self, message: Message) -> bool:
        label = current_label(message) or ""
        return label.startswith(self.config["retrieval_intent"] + "/") and about_another_treatment(message.get("text"))

    def answer_is_unsafe(self, message: Message) -> bool:
        if self.long_and_unsure(message) or self.below_its_own_bar(message):
            return True
        retrieval_intent = self.config["retrieval_intent"]
        if (message.get("intent") or {}).get("name") != retrieval_intent:
            return False
        if names_nothing(message.get("text")):
            return True
        selector = (message.get("response_selector") or {}).get(retrieval_intent) or {}
        ranking = selector.get("ranking") or []
        if not ranking:
            return True
        top = ranking[0].get("confidence", 0.0)
        runner_up = ranking[1].get("confidence", 0.0) if len(ranking) > 1 else 0.0
        if top < self.config["threshold"] or top - runner_up < self.config["ambiguity_threshold"]:
            return True
        if self.opinion is not None:
            text = message.get("text") or ""
            if self.config["second_opinion_threshold"] > 0 and \
                    self.opinion.faq_probability(text) < self.config["second_opinion_threshold"]:
                return True
            if self.config["out_of_scope_threshold"] > 0 and \
                    self.opinion.out_of_scope_probability(text) >= self.config["out_of_scope_threshold"]:
                return True
        return False

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            other_treatment = self.asks_about_another_treatment(message)
            held_back = other_treatment or self.answer_is_unsafe(message)
            # the same bars for the question splitter's answers (not in the parse result)
            message.set(GATE_BARS, {"threshold": float(self.config["threshold"]), "held_back": held_back,
                                    "answer_thresholds": dict(self.config["answer_thresholds"] or {})})
            if not held_back:
                continue
            fallback = {"name": OUT_OF_SCOPE if other_treatment else FALLBACK,
                        "confidence": float(self.config["threshold"])}
            message.set("intent", fallback, add_to_output=True)
            ranking = list(message.get("intent_ranking") or [])
            message.set("intent_ranking", [dict(fallback)] + ranking, add_to_output=True)
        return messages
