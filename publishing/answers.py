"""The candidate's answers (domain.yml's responses with the answers draft over them) and their SMS cost.

The draft's body (content store, kind "answers") is read leniently: {"responses": {...}} or the mapping
itself; keys `utter_faq/x`, `faq/x` or `utter_x`; a value is the text, a {"text", "sms", "buttons"}
mapping, or a list of such variants.
"""
from pathlib import Path
from typing import Any, Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
MAX_SEGMENTS = 2


def domain_responses(path: Path = ROOT / "domain.yml") -> Dict[str, List[dict]]:
    return (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("responses") or {}


def _name(key: str) -> str:
    if key.startswith("utter_"):
        return key
    return f"utter_{key}"  # faq/x -> utter_faq/x, ask_hours -> utter_ask_hours


def overrides(body: Any) -> Dict[str, List[dict]]:
    body = body or {}
    if isinstance(body, dict) and isinstance(body.get("responses"), dict):
        body = body["responses"]
    out: Dict[str, List[dict]] = {}
    for key, value in (body.items() if isinstance(body, dict) else []):
        variants = value if isinstance(value, list) else [value]
        clean = []
        for variant in variants:
            if isinstance(variant, str):
                variant = {"text": variant}
            if isinstance(variant, dict) and (variant.get("text") or variant.get("sms")):
                clean.append(variant)
        if clean:
            out[_name(str(key))] = clean
    return out


def candidate(domain: Dict[str, List[dict]], draft: Any) -> Dict[str, List[dict]]:
    """Each answer as the candidate would send it: an override's text over the domain's variant,
    keeping the domain's buttons unless the override has its own."""
    answers = {name: [dict(v) for v in variants] for name, variants in domain.items()}
    for name, variants in overrides(draft).items():
        base = (domain.get(name) or [{}])[0]
        answers[name] = [{**base, **variant, "buttons": variant.get("buttons", base.get("buttons"))}
                         for variant in variants]
    return answers


def sms_too_long(answers: Dict[str, List[dict]]) -> List[Dict[str, Any]]:
    """Answers whose SMS (text, or its own `sms` text, with the buttons as numbered options) needs
    more than two segments."""
    from channels.sms import render, segments  # the SMS channel's own rendering
    from clinic.answer_catalogue import SMS_CHANNEL, clinic_values, fill

    values = clinic_values()  # {clinic_phone} is measured as the number that goes out
    out = []
    for name in sorted(answers):
        variants = answers[name]
        if any(v.get("channel") == SMS_CHANNEL for v in variants):  # only that variation goes by SMS
            variants = [v for v in variants if v.get("channel") == SMS_CHANNEL]
        for variant in variants:
            text = fill(variant.get("sms") or variant.get("text") or "", values)
            if not text:
                continue
            rendered = render([{"text": text, "buttons": variant.get("buttons")}])
            count = segments(rendered)
            if count > MAX_SEGMENTS:
                out.append({"answer": name, "segments": count, "characters": len(rendered)})
    return out
