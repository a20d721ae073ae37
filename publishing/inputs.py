"""The training inputs of a candidate: copied into its own folder (data/ is never written), hashed, and
the staff labels checked against the red-flag net before anything is trained.

Inputs: data/*.yml (with the console's labels file, $CONSOLE_REVIEWED_FILE, as data/nlu_reviewed.yml),
config.yml, domain.yml, components/*.py. The same inputs hash to the same value: a candidate whose
hash matches an earlier release reuses that model instead of training again.
"""
import hashlib
import os
import re
import shutil
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
REVIEWED_NAME = "nlu_reviewed.yml"
EMERGENCY = "emergency"


def reviewed_file() -> Path:
    return Path(os.environ.get("CONSOLE_REVIEWED_FILE") or ROOT / "data" / REVIEWED_NAME)


def build_training_dir(dest: Path, root: Path = ROOT, reviewed: Optional[Path] = None) -> Path:
    """dest/data: copies of root/data/*.yml, the labels file in place of data/nlu_reviewed.yml."""
    data = Path(dest) / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    for path in sorted((root / "data").glob("*.yml")):
        shutil.copyfile(path, data / path.name)
    reviewed = Path(reviewed or reviewed_file())
    if reviewed.resolve() != (root / "data" / REVIEWED_NAME).resolve():
        (data / REVIEWED_NAME).unlink(missing_ok=True)
        if reviewed.is_file():
            shutil.copyfile(reviewed, data / REVIEWED_NAME)
    return data


def _other_inputs(root: Path) -> List[Tuple[str, Path]]:
    files = [("config.yml", root / "config.yml"), ("domain.yml", root / "domain.yml")]
    files += [(f"components/{p.name}", p) for p in sorted((root / "components").glob("*.py"))]
    return files


def training_hash(data_dir: Path, root: Path = ROOT) -> str:
    """sha256 over (name, content hash) of every input, in a fixed order."""
    files = [(f"data/{p.name}", p) for p in sorted(Path(data_dir).glob("*.yml"))] + _other_inputs(root)
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def trained_hash(model: Path, root: Path = ROOT) -> Optional[str]:
    """The inputs' hash for a model `make train` made, when it is newer than every input (as make
    decides), else None: we cannot tell what it was trained on."""
    stamp = root / "models" / ".trained"
    if Path(model).parent.resolve() != (root / "models").resolve() or not stamp.is_file():
        return None
    inputs = [p for _, p in _other_inputs(root)] + list((root / "data").glob("*.yml"))
    if any(p.stat().st_mtime > stamp.stat().st_mtime for p in inputs):
        return None
    return training_hash(root / "data", root)


# -- staff labels -------------------------------------------------------------------------------------
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def labelled_examples(path: Path) -> List[Dict[str, str]]:
    """[{text, label}] from an NLU file (the console's labels file)."""
    path = Path(path)
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for block in data.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line[2:]).strip()
                if text:
                    out.append({"text": text, "label": block["intent"]})
    return out


def harmful_labels(examples: List[Dict[str, str]]) -> List[Dict[str, str]]:
    """Labels that would teach the model to answer an emergency or crisis with something else
    (e.g. "I can't breathe" -> faq/soreness_after). The red-flag net decides, as in the assistant."""
    from clinic import redflags

    harmful = []
    for example in examples:
        if example["label"] == EMERGENCY:
            continue
        kind = redflags.classify(example["text"])
        if kind is not None:
            harmful.append({**example, "kind": kind})
    return harmful


def refusal(item: Dict[str, str]) -> str:
    what = "a crisis (thoughts of suicide or self-harm)" if item.get("kind") == "crisis" else "an emergency"
    return (f'Label refused: "{item["text"][:120]}" describes {what} but is labelled "{item["label"]}". '
            f'Only "emergency" is allowed for it: change or remove this label on the Unanswered questions page.')
