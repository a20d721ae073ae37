"""The sha256 of a file, read in 1 MB blocks: pinned weights (components/minilm.py, mpnet.py) and models
(publishing/, rasa_fixes/model_pull.py, whose ETag it is). The set-up scripts keep their own copy so they
run with nothing but the standard library."""
import hashlib
import os
from typing import Union


def sha256_file(path: Union[str, os.PathLike]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
