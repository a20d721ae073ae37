"""all-MiniLM-L6-v2 sentence embeddings: no torch, no transformers, no download at run time.

The 6-layer BERT forward pass (384 dims, 12 heads), mean pooling over real tokens and L2
normalisation, exactly as sentence-transformers computes them, on the safetensors weights
that `scripts/setup_minilm.py` puts in build/minilm/ (sha256 pinned and checked again here).
Written in numpy (the reference, `_forward`) and as a TensorFlow graph (`_forward_tf`, used
when TensorFlow is there, as it is with Rasa: ~6 ms a message instead of ~15 here); the two
agree to 1e-6 (tests/unit/test_sentence_meaning.py). Tokenisation: the model's own
tokenizer.json through `tokenizers`.
"""
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from clinic.file_hash import sha256_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "build" / "minilm"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIM = 384
MAX_TOKENS = 128
LAYERS, HEADS = 6, 12
CACHE_SIZE = 20000  # the training examples once (components share them), then recent messages


_sha256 = sha256_file


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact gelu: x * Phi(x)
    from scipy.special import erf
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLM:
    def __init__(self, directory: Optional[Path] = None, use_tf: bool = True) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = Path(directory or os.environ.get("MINILM_DIR") or DEFAULT_DIR)
        weights = directory / "model.safetensors"
        if not weights.exists():
            # a fresh clone that skipped `make setup`: fetch and verify the pinned weights now
            subprocess.run([sys.executable, str(ROOT / "scripts" / "setup_minilm.py"), str(directory)], check=True)
        actual = _sha256(weights)
        if actual != WEIGHTS_SHA256:
            raise RuntimeError(f"refusing MiniLM weights with sha256 {actual} (pinned {WEIGHTS_SHA256})")
        w = load_file(str(weights))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers: List[Dict[str, np.ndarray]] = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append({
                "qkv_w": np.ascontiguousarray(qkv_w), "qkv_b": qkv_b,
                "o_w": np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
                "o_b": w[p + "attention.output.dense.bias"],
                "ln1": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                "i_w": np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                "i_b": w[p + "intermediate.dense.bias"],
                "f_w": np.ascontiguousarray(w[p + "output.dense.weight"].T),
                "f_b": w[p + "output.dense.bias"],
                "ln2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            })
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self._cache: Dict[str, np.ndarray] = {}
        self._tf_graph = None
        self.use_tf = use_tf and _tensorflow_available()

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        x = self.word[ids] + self.position[:length][None] + self.token_type
        x = _layer_norm(x, *self.emb_ln)
        head = DIM // HEADS
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        for layer in self.layers:
            qkv = x @ layer["qkv_w"] + layer["qkv_b"]
            q, k, v = (qkv[..., i * DIM:(i + 1) * DIM].reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)
                       for i in range(3))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIM)
            x = _layer_norm(x + context @ layer["o_w"] + layer["o_b"], *layer["ln1"])
            hidden = _gelu(x @ layer["i_w"] + layer["i_b"])
            x = _layer_norm(x + hidden @ layer["f_w"] + layer["f_b"], *layer["ln2"])
        summed = (x * mask[..., None]).sum(1)
        pooled = summed / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def _forward_tf(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The same forward pass as a TensorFlow graph (TensorFlow comes with Rasa): its oneDNN
        kernels run a short sentence ~3x faster than numpy's BLAS here. Checked against the
        numpy pass in tests/unit/test_sentence_meaning.py."""
        if self._tf_graph is None:
            self._tf_graph = _build_tf_graph(self)  # traced once (input shapes are left open)
        return self._tf_graph(ids.astype(np.int32), mask.astype(np.float32)).numpy()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised 384-dim row per text (float32). Texts are cached, so the components
        that use the embedding (classifier, splitter) encode a text once."""
        texts = [t if t and t.strip() else "." for t in texts]
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > CACHE_SIZE:
                self._cache.clear()
            vectors = self._encode(missing, batch_size)
            self._cache.update(zip(missing, vectors))
        return np.stack([self._cache[t] for t in texts]).astype(np.float32)

    def _encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # similar lengths together
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            forward = self._forward_tf if self.use_tf else self._forward
            out[chunk] = forward(ids, mask).astype(np.float32)
        return out


def _tensorflow_available() -> bool:
    try:
        import tensorflow  # noqa: F401
        return True
    except ImportError:
        return False


def _build_tf_graph(model: "MiniLM"):
    import tensorflow as tf

    const = tf.constant
    word, position, token_type = const(model.word), const(model.position), const(model.token_type)
    emb_ln = [const(v) for v in model.emb_ln]
    layers = [{k: ([const(x) for x in v] if isinstance(v, tuple) else const(v)) for k, v in layer.items()}
              for layer in model.layers]
    head = DIM // HEADS

    def layer_norm(x, weight, bias):
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) / tf.sqrt(var + 1e-12) * weight + bias

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.float32)])
    def forward(ids, mask):
        batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
        x = tf.gather(word, ids) + position[:length][None] + token_type
        x = layer_norm(x, *emb_ln)
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        for layer in layers:
            qkv = tf.matmul(x, layer["qkv_w"]) + layer["qkv_b"]

            def heads(t):
                return tf.transpose(tf.reshape(t, [batch, length, HEADS, head]), [0, 2, 1, 3])
            q, k, v = heads(qkv[..., :DIM]), heads(qkv[..., DIM:2 * DIM]), heads(qkv[..., 2 * DIM:])
            probs = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / float(np.sqrt(head)) + bias, axis=-1)
            context = tf.reshape(tf.transpose(tf.matmul(probs, v), [0, 2, 1, 3]), [batch, length, DIM])
            x = layer_norm(x + tf.matmul(context, layer["o_w"]) + layer["o_b"], *layer["ln1"])
            hidden = tf.matmul(x, layer["i_w"]) + layer["i_b"]
            hidden = 0.5 * hidden * (1.0 + tf.math.erf(hidden / float(np.sqrt(2.0))))
            x = layer_norm(x + tf.matmul(hidden, layer["f_w"]) + layer["f_b"], *layer["ln2"])
        pooled = tf.reduce_sum(x * mask[..., None], 1) / tf.maximum(tf.reduce_sum(mask, 1, keepdims=True), 1e-9)
        return pooled / tf.maximum(tf.norm(pooled, axis=1, keepdims=True), 1e-12)

    return forward


_shared: Dict[str, MiniLM] = {}
_lock = threading.Lock()


def shared(directory: Optional[Path] = None) -> MiniLM:
    """One encoder per process (the featurizer and the gate share it)."""
    key = str(directory or "")
    with _lock:
        if key not in _shared:
            encoder = MiniLM(directory)
            encoder._encode(["warm up"])  # trace the graph now, not on a patient's first message
            _shared[key] = encoder
        return _shared[key]
