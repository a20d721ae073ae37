"""all-mpnet-base-v2 sentence embeddings: no torch, no transformers, no download at run time.

The 12-layer MPNet forward pass (768 dims, 12 heads), mean pooling over real tokens and L2
normalisation, as sentence-transformers computes them, on the weights that
`scripts/setup_mpnet.py` puts in build/mpnet/ (size and sha256 pinned and checked again here).
MPNet differs from BERT (components/minilm.py) in three places: positions start at
padding_idx + 1 = 2, there is no token-type embedding, and every attention score gets a learned
bias per head for the bucketed distance between the two tokens (T5-style: 32 buckets, both
directions, exact up to 8, logarithmic up to 128). Written in numpy (the reference, `_forward`)
and as a TensorFlow graph (`_forward_tf`, used when TensorFlow is there, as with Rasa).
Checked against sentence-transformers' own output (tests/unit/test_mpnet.py, fixture made by
the torch reference in a scratch venv that is not part of the project).

`precision="bfloat16"` keeps the big matrices in bfloat16 and multiplies in bfloat16 (oneDNN;
sums, layer norms and softmax stay float32): half the memory, measured in scripts/mpnet_lab.py.
"""
import math
import os
import threading
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from clinic.file_hash import sha256_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "build" / "mpnet"
WEIGHTS_SIZE = 437_971_872
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
DIM = 768
MAX_TOKENS = 384  # sentence-transformers' max_seq_length for this model
LAYERS, HEADS = 12, 12
PADDING_IDX = 1
BUCKETS, MAX_DISTANCE = 32, 128
EPS = 1e-5
CACHE_SIZE = 20000
PRECISIONS = ("float32", "bfloat16")


_sha256 = sha256_file


def check_weights(path: Path) -> None:
    """Refuse any file but the publisher's (size first: cheap, and a clear message)."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python scripts/setup_mpnet.py` (make setup)")
    size = path.stat().st_size
    if size != WEIGHTS_SIZE:
        raise RuntimeError(f"refusing MPNet weights of {size} bytes (pinned {WEIGHTS_SIZE})")
    actual = _sha256(path)
    if actual != WEIGHTS_SHA256:
        raise RuntimeError(f"refusing MPNet weights with sha256 {actual} (pinned {WEIGHTS_SHA256})")


def relative_buckets(length: int) -> np.ndarray:
    """[length, length] bucket of (key position - query position), as HF MPNetEncoder computes
    it (in float32, so the boundaries round the same way)."""
    positions = np.arange(length)
    n = -(positions[None, :] - positions[:, None])
    half = BUCKETS // 2
    ret = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    max_exact = half // 2
    scaled = np.maximum(n, 1).astype(np.float32) / np.float32(max_exact)
    large = max_exact + (np.log(scaled) / np.float32(math.log(MAX_DISTANCE / max_exact))
                         * np.float32(half - max_exact)).astype(np.int64)
    large = np.minimum(large, half - 1)
    return ret + np.where(n < max_exact, n, large)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MPNet:
    def __init__(self, directory: Optional[Path] = None, use_tf: bool = True, precision: str = "float32") -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}")
        directory = Path(directory or os.environ.get("MPNET_DIR") or DEFAULT_DIR)
        weights = directory / "model.safetensors"
        check_weights(weights)
        w = load_file(str(weights))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.rel_bias = w["encoder.relative_attention_bias.weight"]  # [buckets, heads]
        self.layers: List[Dict[str, np.ndarray]] = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w[p + f"attention.attn.{n}.weight"] for n in "qkv"]).T
            qkv_b = np.concatenate([w[p + f"attention.attn.{n}.bias"] for n in "qkv"])
            self.layers.append({
                "qkv_w": np.ascontiguousarray(qkv_w), "qkv_b": qkv_b,
                "o_w": np.ascontiguousarray(w[p + "attention.attn.o.weight"].T),
                "o_b": w[p + "attention.attn.o.bias"],
                "ln1": (w[p + "attention.LayerNorm.weight"], w[p + "attention.LayerNorm.bias"]),
                "i_w": np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                "i_b": w[p + "intermediate.dense.bias"],
                "f_w": np.ascontiguousarray(w[p + "output.dense.weight"].T),
                "f_b": w[p + "output.dense.bias"],
                "ln2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            })
        del w
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()  # the file pads every text to 128; we pad per batch
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.precision = precision
        self._buckets: Dict[int, np.ndarray] = {}
        self._cache: Dict[str, np.ndarray] = {}
        self._tf_graph = None
        self.use_tf = use_tf and _tensorflow_available()
        if precision != "float32" and not self.use_tf:
            raise ValueError("bfloat16 needs TensorFlow")

    def position_bias(self, length: int) -> np.ndarray:
        """[heads, length, length] attention bias for a batch padded to `length`."""
        if length not in self._buckets:
            self._buckets[length] = np.ascontiguousarray(self.rel_bias[relative_buckets(length)].transpose(2, 0, 1))
        return self._buckets[length]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        positions = (np.cumsum(mask, 1) * mask).astype(np.int64) + PADDING_IDX
        x = _layer_norm(self.word[ids] + self.position[positions], *self.emb_ln)
        head = DIM // HEADS
        bias = self.position_bias(length)[None] + (1.0 - mask[:, None, None, :]) * -1e9
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
        pooled = (x * mask[..., None]).sum(1) / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def _forward_tf(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self._tf_graph is None:
            self._tf_graph = _build_tf_graph(self)  # traced once (input shapes are left open)
        bias = self.position_bias(ids.shape[1])
        return self._tf_graph(ids.astype(np.int32), mask.astype(np.float32), bias).numpy()

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """One L2-normalised 768-dim row per text (float32), cached like MiniLM's."""
        texts = [t if t and t.strip() else "." for t in texts]
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > CACHE_SIZE:
                self._cache.clear()
            self._cache.update(zip(missing, self._encode(missing, batch_size)))
        return np.stack([self._cache[t] for t in texts]).astype(np.float32)

    def _encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # similar lengths together
        forward = self._forward_tf if self.use_tf else self._forward
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.full((len(chunk), length), PADDING_IDX, dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            out[chunk] = forward(ids, mask).astype(np.float32)
        return out


def _tensorflow_available() -> bool:
    try:
        import tensorflow  # noqa: F401
        return True
    except ImportError:
        return False


def _build_tf_graph(model: MPNet):
    import tensorflow as tf

    low = tf.bfloat16 if model.precision == "bfloat16" else tf.float32
    matrices = ("qkv_w", "o_w", "i_w", "f_w")

    def const(name, value):
        return tf.constant(value, dtype=low if name in matrices else tf.float32)

    word, position = tf.constant(model.word), tf.constant(model.position)
    emb_ln = [tf.constant(v) for v in model.emb_ln]
    layers = [{k: ([tf.constant(x) for x in v] if isinstance(v, tuple) else const(k, v)) for k, v in layer.items()}
              for layer in model.layers]
    head = DIM // HEADS

    def dense(x, weight, bias):
        if low is tf.float32:
            return tf.matmul(x, weight) + bias
        return tf.cast(tf.matmul(tf.cast(x, low), weight), tf.float32) + bias

    def layer_norm(x, weight, bias):
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) / tf.sqrt(var + EPS) * weight + bias

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.float32),
                                  tf.TensorSpec([HEADS, None, None], tf.float32)])
    def forward(ids, mask, position_bias):
        batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
        positions = tf.cast(tf.cumsum(mask, axis=1) * mask, tf.int32) + PADDING_IDX
        x = layer_norm(tf.gather(word, ids) + tf.gather(position, positions), *emb_ln)
        bias = position_bias[None] + (1.0 - mask[:, None, None, :]) * -1e9
        for layer in layers:
            qkv = dense(x, layer["qkv_w"], layer["qkv_b"])

            def heads(t):
                return tf.transpose(tf.reshape(t, [batch, length, HEADS, head]), [0, 2, 1, 3])
            q, k, v = heads(qkv[..., :DIM]), heads(qkv[..., DIM:2 * DIM]), heads(qkv[..., 2 * DIM:])
            probs = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / float(np.sqrt(head)) + bias, axis=-1)
            context = tf.reshape(tf.transpose(tf.matmul(probs, v), [0, 2, 1, 3]), [batch, length, DIM])
            x = layer_norm(x + dense(context, layer["o_w"], layer["o_b"]), *layer["ln1"])
            hidden = dense(x, layer["i_w"], layer["i_b"])
            hidden = 0.5 * hidden * (1.0 + tf.math.erf(hidden / float(np.sqrt(2.0))))
            x = layer_norm(x + dense(hidden, layer["f_w"], layer["f_b"]), *layer["ln2"])
        pooled = tf.reduce_sum(x * mask[..., None], 1) / tf.maximum(tf.reduce_sum(mask, 1, keepdims=True), 1e-9)
        return pooled / tf.maximum(tf.norm(pooled, axis=1, keepdims=True), 1e-12)

    return forward


_shared: Dict[str, MPNet] = {}
_lock = threading.Lock()


def shared(directory: Optional[Path] = None, precision: str = "float32") -> MPNet:
    """One encoder per process and precision."""
    key = f"{directory or ''}|{precision}"
    with _lock:
        if key not in _shared:
            encoder = MPNet(directory, precision=precision)
            encoder._encode(["warm up"])  # trace the graph now, not on a patient's first message
            _shared[key] = encoder
        return _shared[key]
