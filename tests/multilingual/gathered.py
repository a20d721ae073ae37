"""The gathered multilingual items, for the unit, integration and fault tests."""
from pathlib import Path
from typing import Dict, Iterator, List

import yaml

HERE = Path(__file__).resolve().parent
GROUPS = ("medical_emergency", "crisis", "not_emergency")


def files() -> List[Path]:
    return sorted(p for p in HERE.glob("*.yml"))


def items() -> Iterator[Dict]:
    """Every item, with `language` (file) and `group` added."""
    for path in files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for group in GROUPS:
            for item in data.get(group) or []:
                yield {**item, "language": data["language"], "group": group}


def reply_code(item: Dict) -> str:
    """The language the reply should be in."""
    if item["language"] == "zh":
        return "zh-Hant" if item.get("script") == "hant" else "zh-Hans"
    return item["language"]


def emergencies() -> List[Dict]:
    return [item for item in items() if item["group"] != "not_emergency"]


def assert_emergency_reply(item: Dict, reply: str) -> None:
    """911 (988 for a crisis) in the patient's language and in English. A message written mostly in
    English (Taglish) is answered in English, as language identification decides."""
    from clinic import language_id, language_replies
    assert ("988" if item["group"] == "crisis" else "911") in reply, (item["text"][:80], reply)
    if language_id.identify(item["text"]).english:
        return
    code = reply_code(item)
    lines = [language_replies.reply(code, kind)["text"].split("\n") for kind in ("medical", "crisis", "unclear")]
    assert any(native in reply for native, _ in lines), (code, item["text"][:80], reply)
    assert any(english in reply for _, english in lines), (code, item["text"][:80], reply)
