"""The answer texts the clinic may edit from the console, and what each one reads like (issue 18).

Plain Python (PyYAML only, no Rasa): the console lists and checks the answers with it, and the Rasa
server's response generator (nlg/localised.py) asks it which live override applies.

- Editable: the FAQ answers (`utter_faq/<key>`) and the scoped replies a patient reads (SCOPED),
  web text and an optional SMS text; buttons stay as shipped in domain.yml.
- Shown, never editable: emergency and crisis texts (utter_emergency, utter_other_language and the
  replies in clinic/language_replies.yml) and the call-back form's questions (they must never ask
  about health, and the form's validation expects their wording).

An answers version's body is {response_name: {"text": ..., "sms": ... or None}} with only the
overridden responses; `effective(body)` gives every editable response's text as patients get it.
"""
import functools
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from clinic.parse_result import SMS_CHANNEL  # a response variation with this channel is the SMS text

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT / "domain.yml"
PASSAGES = Path(__file__).resolve().parent / "answer_passages.yml"
LANGUAGE_TEXTS = Path(__file__).resolve().parent / "language_replies.yml"

SCOPED = ("utter_acupuncture", "utter_medication", "utter_out_of_scope", "utter_fallback", "utter_fallback_again",
          "utter_goodbye", "utter_thank", "utter_bot_challenge", "utter_ask_more", "utter_cancel", "utter_no_worries")
SAFETY = ("utter_emergency", "utter_other_language")
MAX_TEXT = 640  # the longest shipped answer is ~290 characters; a web bubble stays readable
MAX_SMS_SEGMENTS = 2
# numbers a patient is pointed to for help: an edit may reword an answer, never drop one of these
MUST_KEEP = ("911", "988", "8-1-1")
SCOPED_LABELS = {
    "utter_acupuncture": "Questions about acupuncture itself", "utter_medication": "Questions about medicines",
    "utter_out_of_scope": "A question about something else (not dry needling)",
    "utter_fallback": "Not understood: \"did you mean\" (the likely topics follow as buttons)",
    "utter_fallback_again": "Not understood twice in a row",
    "utter_goodbye": "Goodbye", "utter_thank": "Thank you", "utter_bot_challenge": "Am I talking to a bot?",
    "utter_ask_more": "Ask something else", "utter_cancel": "Stop (cancel)", "utter_no_worries": "No, thanks",
}
SAFETY_LABELS = {"utter_emergency": "Emergency and crisis reply (911 / 988)",
                 "utter_other_language": "Message in another language (English fallback)"}
# what a text may put in braces: the clinic settings' values, filled in when the reply is sent
PLACEHOLDERS = {"clinic_phone": "phone", "nurse_line": "nurse_line"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
KIND_LABELS = {"medical": "Medical emergency", "crisis": "Crisis (suicide, self-harm)",
               "unclear": "Emergency, kind unclear", "other": "Not an emergency: we answer in English"}


@dataclass
class Answer:
    name: str
    label: str
    group: str  # faq / scoped / form / safety
    editable: bool
    text: str  # the shipped text (domain.yml)
    buttons: List[Dict[str, str]] = field(default_factory=list)
    passages: List[Tuple[Optional[int], str]] = field(default_factory=list)  # (page line, quote)
    variations: List[Tuple[str, str]] = field(default_factory=list)  # read-only: (when, text)
    sms: Optional[str] = None  # the shipped SMS text (a `channel: twilio` variation), if it has one


def is_editable(name: str) -> bool:
    return name.startswith("utter_faq/") or name in SCOPED


@functools.lru_cache(maxsize=1)
def sms_text():
    """channels/sms_text.py, loaded by path: the `channels` package patches Rasa on import and the
    console's venv has no Rasa. Same code, so the preview is exactly what channels/sms.py sends."""
    return _load("clinic_sms_text", ROOT / "channels" / "sms_text.py")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _faq_labels() -> Dict[str, str]:
    """The question each FAQ topic button asks (actions/buttons.py, by path: no action server code)."""
    try:
        buttons = _load("clinic_faq_buttons", ROOT / "actions" / "buttons.py")
        return {key: question for key, (_, question) in buttons.FAQ_BUTTONS.items()}
    except Exception:  # labels are a nicety; the key reads well enough
        return {}


def _page_lines(page: Path) -> List[str]:
    try:
        return page.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


@functools.lru_cache(maxsize=1)
def catalogue() -> Dict[str, Answer]:
    """Every response a patient reads that the answers page lists, in the page's order."""
    responses = (yaml.safe_load(DOMAIN.read_text(encoding="utf-8")) or {}).get("responses") or {}
    mapping = yaml.safe_load(PASSAGES.read_text(encoding="utf-8")) or {}
    lines = _page_lines((ROOT / mapping.get("page", "")).resolve())
    labels = _faq_labels()
    found: Dict[str, Answer] = {}
    for name, variations in responses.items():
        if name.startswith("utter_faq/"):
            key = name.split("/", 1)[1]
            group, label = "faq", labels.get(key, key.replace("_", " ").capitalize())
        elif name in SCOPED:
            group, label = "scoped", SCOPED_LABELS[name]
        elif name in SAFETY:
            group, label = "safety", SAFETY_LABELS[name]
        elif name.startswith("utter_ask_cb_"):
            group, label = "form", "Call-back form: " + name[len("utter_ask_cb_"):].replace("_", " ")
        else:
            continue
        first = next((v for v in variations if not v.get("channel")), variations[0])
        by_sms = next((v.get("text") for v in variations if v.get("channel") == SMS_CHANNEL), None)
        passages = [(next((i for i, line in enumerate(lines, 1) if quote in line), None), quote)
                    for quote in (mapping.get("passages") or {}).get(name) or []]
        found[name] = Answer(name, label, group, is_editable(name), first.get("text", ""),
                             list(first.get("buttons") or []), passages,
                             [(_condition(v), v.get("text", "")) for v in variations], by_sms)
    order = {"faq": 0, "scoped": 1, "form": 2, "safety": 3}
    return dict(sorted(found.items(), key=lambda item: (order[item[1].group], SCOPED.index(item[0])
                                                        if item[0] in SCOPED else 0)))


def _condition(variation: Dict[str, Any]) -> str:
    conditions = variation.get("condition") or []
    if variation.get("channel") == SMS_CHANNEL:
        return "By SMS"
    if not conditions:
        return "Otherwise" if variation.get("text") else ""
    return "; ".join(KIND_LABELS.get(str(c.get("value")), str(c.get("value"))) for c in conditions)


def language_texts() -> List[Dict[str, Any]]:
    """The localised emergency and other-language replies (read-only), one entry per language."""
    data = yaml.safe_load(LANGUAGE_TEXTS.read_text(encoding="utf-8")) or {}
    entries = [{"code": "en", "name": "English (second line under each of the others)",
                "texts": [(KIND_LABELS[k], data["english"][k]) for k in KIND_LABELS if k in data["english"]]}]
    for code, texts in (data.get("languages") or {}).items():
        entries.append({"code": code, "name": texts.get("interpreter", code),
                        "texts": [(KIND_LABELS[k], texts[k]) for k in KIND_LABELS if texts.get(k)]})
    return entries


# -- overrides ---------------------------------------------------------------------------------------
def live_override(body: Any, name: str) -> Optional[Dict[str, Optional[str]]]:
    """The override of `name` in an answers body, if it is one the assistant may use: an editable
    response, a non-empty text within the limits. Anything else: None (the shipped text)."""
    if not is_editable(name) or not isinstance(body, dict):
        return None
    item = body.get(name)
    if not isinstance(item, dict):
        return None
    text, sms = item.get("text"), item.get("sms")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return None
    if not isinstance(sms, str) or not sms.strip() or len(sms) > MAX_TEXT:
        sms = None
    return {"text": text.strip(), "sms": sms.strip() if sms else None}


def effective(answers_body: Any) -> Dict[str, Dict[str, Any]]:
    """Every editable response as patients get it under `answers_body`: text, sms (None: the web text),
    buttons, and whether it is overridden."""
    result = {}
    for name, answer in catalogue().items():
        if not answer.editable:
            continue
        own = live_override(answers_body, name)
        result[name] = {"text": own["text"] if own else answer.text, "sms": own["sms"] if own else answer.sms,
                        "buttons": answer.buttons, "overridden": own is not None}
    return result


# -- placeholders -----------------------------------------------------------------------------------
def placeholders(text: str) -> List[str]:
    return _PLACEHOLDER.findall(text or "")


def fill(text: str, values: Dict[str, Any]) -> str:
    """`text` with {clinic_phone} and the like put in (as Rasa fills a domain response); an unknown or
    missing one stays as written (the console's checks keep those out)."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if values.get(m.group(1)) is not None else m.group(0),
                            text)


def placeholder_values(clinic: Any) -> Dict[str, str]:
    """What the placeholders stand for, from a clinic's settings (clinic/config.py's Clinic)."""
    return {name: str(getattr(clinic, attribute)) for name, attribute in PLACEHOLDERS.items()}


def clinic_values() -> Dict[str, str]:
    """The placeholders' values for a preview: the clinic's live settings, or {} if they cannot be read."""
    try:
        from clinic import config
        return placeholder_values(config.load())
    except Exception:  # a preview without the settings still shows where the number goes
        return {}


# -- checks and previews -----------------------------------------------------------------------------
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")
_MD_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*):(?://|[^\s]*@)|\b(javascript|data|vbscript):\S", re.I)


def sms_message(text: str, sms: Optional[str], buttons: List[Dict[str, str]]) -> str:
    """The SMS a patient gets for this answer alone: its text (placeholders filled) with the numbered options."""
    return sms_text().render([{"text": fill(sms or text, clinic_values()), "buttons": buttons}])


def sms_with_second_question(text: str, sms: Optional[str]) -> str:
    """The SMS when the patient also asked a second question (offered as one numbered option)."""
    mod = sms_text()
    return mod.render([{"text": fill(sms or text, clinic_values())}, {"text": mod.ALSO_ASKED, "buttons": [
        {"title": "How long, how many sessions?", "payload": "x"}]}])


def problems(name: str, text: str, sms: Optional[str]) -> List[str]:
    """Why this text cannot be saved, in words for the clinic's staff; [] when it can."""
    answer = catalogue().get(name)
    if answer is None or not answer.editable:
        return ["This text cannot be changed here."]
    found = []
    for label, value in (("The web text", text), ("The SMS text", sms)):
        if value is None:
            continue
        if not value.strip():
            found.append(f"{label} is empty.")
            continue
        if len(value) > MAX_TEXT:
            found.append(f"{label} is {len(value)} characters; at most {MAX_TEXT}.")
        if _HTML.search(value):
            found.append(f"{label} contains HTML. Write plain text; a web address may be written as it is.")
        if _MD_LINK.search(value):
            found.append(f"{label} contains a [link](address). Write the address itself (https://...).")
        for match in _SCHEME.finditer(value):
            scheme = (match.group(1) or match.group(2) or "").lower()
            if scheme not in ("http", "https"):
                found.append(f"{label} contains a '{scheme}:' address; only https:// or http:// addresses.")
                break
        if any(ord(ch) < 32 and ch not in "\n" for ch in value):
            found.append(f"{label} contains control characters.")
        for number in MUST_KEEP:
            if number in answer.text and number not in value:
                found.append(f"{label} must still say {number}: the shipped answer sends patients there.")
        unknown = [p for p in placeholders(value) if p not in PLACEHOLDERS]
        if unknown:
            found.append(f"{label} has {{{unknown[0]}}}; in braces only " + ", ".join(
                "{" + p + "}" for p in PLACEHOLDERS) + " (the clinic's settings, put in when sent).")
        for kept in placeholders(answer.text):
            if kept in PLACEHOLDERS and kept not in placeholders(value):
                found.append(f"{label} must still say {{{kept}}}: the clinic's {PLACEHOLDERS[kept].replace('_', ' ')} "
                             "from the settings goes there.")
    if text and text.strip() and not found:
        message = sms_message(text, sms, answer.buttons)
        count = sms_text().segments(message)
        if count > MAX_SMS_SEGMENTS:
            odd = sorted({ch for ch in sms_text().plain(sms or text) if ch not in sms_text().GSM7})
            hint = (" It has characters SMS cannot send compactly (" + " ".join(odd) + "): with them a "
                    "segment holds 67 characters instead of 153.") if odd else ""
            found.append(f"As an SMS with its options this is {count} segments ({len(message)} characters); "
                         f"at most {MAX_SMS_SEGMENTS}. Shorten it, or write a shorter SMS text.{hint}")
    return found


def preview(name: str, text: str, sms: Optional[str]) -> Dict[str, Any]:
    """What the patient sees: the web bubble (text and buttons) and the SMS, with its segments."""
    answer = catalogue()[name]
    message = sms_message(text, sms, answer.buttons)
    second = sms_with_second_question(text, sms)
    return {"text": fill(text, clinic_values()), "buttons": answer.buttons, "sms": message,
            "sms_segments": sms_text().segments(message), "sms_chars": len(message),
            "second": second, "second_segments": sms_text().segments(second)}


def body_problems(answers_body: Any) -> Dict[str, List[str]]:
    """Every problem of a whole answers version (for publish, before it goes live): {name: [why]}."""
    if not isinstance(answers_body, dict):
        return {"(version)": ["The answers version is not a mapping of response names."]}
    found = {}
    for name, item in answers_body.items():
        if not isinstance(item, dict):
            found[name] = ["Not a text and SMS text."]
            continue
        text, sms = item.get("text"), item.get("sms")
        if not isinstance(text, str) or (sms is not None and not isinstance(sms, str)):
            found[name] = ["The text is missing."]
            continue
        why = problems(name, text, sms)
        if why:
            found[name] = why
    return found
