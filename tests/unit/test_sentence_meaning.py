"""The MiniLM encoder (numpy) and the sentence classifier built on it."""
import numpy as np
import pytest

from components import minilm
from components.sentence_classifier import LabelModel, apply_label
from rasa.shared.nlu.training_data.message import Message


@pytest.fixture(scope="module")
def encoder():
    return minilm.shared()


def test_weights_are_the_pinned_ones():
    assert minilm._sha256(minilm.DEFAULT_DIR / "model.safetensors") == minilm.WEIGHTS_SHA256


def test_embeddings_are_unit_length_384_numbers(encoder):
    vectors = encoder.encode(["what is dry needling", "", "x" * 3000])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_known_similarity_of_the_reference_model(encoder):
    # sentence-transformers' own example pair for all-MiniLM-L6-v2 scores 0.7553
    a, b = encoder.encode(["A man is eating food.", "A man is eating a piece of bread."])
    assert abs(float(a @ b) - 0.7553) < 0.002


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    v = encoder.encode(["How old are you?", "What is your age?", "The new movie is awesome"])
    assert v[0] @ v[1] > 0.6 > 0.2 > v[0] @ v[2]


def test_one_text_encodes_the_same_alone_and_in_a_batch(encoder):
    alone = encoder.encode(["does it hurt after the session"])[0]
    encoder._cache.clear()
    batch = encoder.encode(["does it hurt after the session", "a much longer sentence about the clinic hours"])[0]
    assert np.allclose(alone, batch, atol=1e-4)


def test_classifier_round_trips_through_plain_arrays(tmp_path):
    texts = ["what is ims", "what is dry needling", "does it hurt", "is it painful", "how much is it", "price?"]
    labels = ["faq/what_is_dry_needling"] * 2 + ["faq/does_it_hurt"] * 2 + ["ask_cost"] * 2
    model = LabelModel.fit(texts, labels, seed=1)
    model.save(tmp_path)
    loaded = LabelModel.load(tmp_path)
    assert np.allclose(model.probabilities(["does ims hurt"]), loaded.probabilities(["does ims hurt"]))


def test_faq_answers_have_the_parse_shape_of_the_contract():
    message = Message(data={"text": "does it hurt"})
    apply_label(message, ["ask_cost", "faq/does_it_hurt", "faq/safety"], np.array([0.1, 0.7, 0.2]))
    assert message.get("intent") == {"name": "faq", "confidence": 0.7}
    response = message.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/does_it_hurt"
    assert response["utter_action"] == "utter_faq/does_it_hurt"
    assert [r["intent_response_key"] for r in message.get("response_selector")["faq"]["ranking"]] == [
        "faq/does_it_hurt", "faq/safety"]
    assert [i["name"] for i in message.get("intent_ranking")] == ["faq", "ask_cost"]


def test_tensorflow_graph_equals_the_numpy_reference():
    numpy_only = minilm.MiniLM(use_tf=False)
    texts = ["A man is eating food.", "what is dry needling and does it hurt after?", "ok"]
    reference = numpy_only._encode(texts)
    fast = minilm.shared()
    assert fast.use_tf
    assert np.abs(fast._encode(texts) - reference).max() < 1e-5


def test_weights_with_another_hash_are_refused(tmp_path):
    for name in ("model.safetensors", "tokenizer.json", "config.json", "vocab.txt"):
        (tmp_path / name).write_bytes(b"not the pinned weights")
    with pytest.raises(RuntimeError, match="refusing"):
        minilm.MiniLM(tmp_path)
