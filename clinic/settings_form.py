"""The clinic settings form (console, admin only): every fact of clinic.yml, checked before it is saved.

A saved body is the dict yaml.safe_load gives for clinic.yml (hours as {"monday": "08:00-19:00",
"sunday": "closed"}, holidays a list of "YYYY-MM-DD" strings, keys the form does not edit such as
timezone and language_replies passed through), stored as a settings version in clinic/content_store.py;
clinic.config.load() serves it to every server. No Rasa here: the console's venv imports this module.
"""
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from clinic import config, content_store

DAYS = config.DAYS


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str  # text / textarea / phone / email / url / hours / holidays / int / bool
    help: str = ""
    required: bool = False


FIELDS: List[Field] = [
    Field("name", "Clinic name", "text", "As patients know it; the assistant's greeting uses it.", True),
    Field("short_name", "Short name", "text", "Used in SMS opt-out messages. Leave empty to use the clinic name."),
    Field("phone", "Phone number", "phone", "The number patients call, e.g. 604-555-0100. Any common format.",
          True),
    Field("email", "Email for patients", "email", "Given when a patient asks how to reach the clinic. Optional."),
    Field("address", "Address", "text", "Street, city and province.", True),
    Field("parking", "Parking and directions", "textarea", "One or two short sentences. Optional."),
    Field("booking_url", "Online booking link", "url", "Must start with https://", True),
    *[Field(f"hours_{day}", day.title(), "hours", "24-hour clock, e.g. 08:00-19:00, or closed") for day in DAYS],
    Field("holidays", "Holidays (closed)", "holidays", "One date per line, YYYY-MM-DD, e.g. 2026-12-25."),
    Field("fees", "Fees wording", "textarea", "What the assistant says about prices.", True),
    Field("insurance", "Insurance wording", "textarea", "Extended health, direct billing, ICBC, WorkSafeBC.", True),
    Field("front_desk_email", "Front-desk email", "email", "Where call-back requests are emailed (not shown to "
          "patients).", True),
    Field("nurse_line", "Nurse line", "text", "For health questions after hours, e.g. 8-1-1 (HealthLink BC).", True),
    Field("retention_days", "Keep call-back requests for (days)", "int", "Then they are deleted; patients are "
          "told this number. Between 1 and 3650.", True),
    Field("offer", "Answer: do you offer IMS?", "textarea", "Quoted as written, followed by the phone number."),
    Field("referral", "Answer: do I need a referral?", "textarea", "Quoted as written, followed by the phone number."),
    Field("availability", "Answer: how soon can I get in?", "textarea",
          "Quoted as written, followed by the phone number."),
    Field("what_to_bring", "Answer: what to wear and bring", "textarea",
          "Quoted as written, followed by the phone number."),
    Field("clinic_questions_confirmed", "These four answers are the clinic's own", "bool",
          "Tick once the clinic has written or checked them; until then they are flagged as placeholders."),
]
BY_KEY = {f.key: f for f in FIELDS}
TEXT_LIMIT = {"text": 200, "phone": 40, "email": 200, "url": 500, "textarea": 1000}
QUESTION_KEYS = ("offer", "referral", "availability", "what_to_bring")


# -- where the body comes from ------------------------------------------------------------------------
def clinic_yml_path() -> Path:
    return Path(os.environ.get("CLINIC_CONFIG") or config.DEFAULT_PATH)


def from_clinic_yml(path: Optional[str] = None) -> Dict[str, Any]:
    with open(path or clinic_yml_path(), encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def current(engine) -> Dict[str, Any]:
    """The live settings body: the newest stored version, else clinic.yml (engine None: the store is off)."""
    latest = content_store.latest_version(engine, content_store.SETTINGS) if engine is not None else None
    return latest["body"] if latest else from_clinic_yml()


# -- form <-> body ------------------------------------------------------------------------------------
def to_form(body: Mapping[str, Any]) -> Dict[str, str]:
    """The body as the form's field values (strings)."""
    values: Dict[str, str] = {}
    hours = body.get("hours") or {}
    for f in FIELDS:
        if f.kind == "hours":
            spec = hours.get(f.key[6:])
            values[f.key] = "closed" if spec is None or str(spec).strip().lower() in ("", "closed") else str(spec)
        elif f.kind == "holidays":
            values[f.key] = "\n".join(str(day) for day in body.get("holidays") or [])
        elif f.kind == "bool":
            values[f.key] = "on" if body.get(f.key) is True else ""
        else:
            value = body.get(f.key)
            values[f.key] = "" if value is None else " ".join(str(value).split()) if f.kind != "textarea" \
                else str(value).strip()
    return values


def _form_value(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def from_form(form: Mapping[str, Any], base: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """The body a posted form describes. Keys the form does not edit (timezone, language_replies) come from
    `base` (the live body). Values are tidied (hours zero-padded, holidays sorted, phone as 604-555-0100) but
    not checked: validate() does that."""
    body: Dict[str, Any] = dict(base or {})
    body.setdefault("timezone", "America/Vancouver")
    body["hours"] = {}
    for f in FIELDS:
        raw = _form_value(form, f.key)
        if f.kind == "hours":
            body["hours"][f.key[6:]] = _tidy_hours(raw)
        elif f.kind == "holidays":
            days = [line.strip() for line in raw.splitlines() if line.strip()]
            body["holidays"] = sorted(days) if all(_DATE.fullmatch(d) for d in days) else days
        elif f.kind == "bool":
            body[f.key] = raw.lower() in ("on", "1", "true", "yes")
        elif f.kind == "int":
            body[f.key] = int(raw) if re.fullmatch(r"\d{1,6}", raw) else raw
        elif f.kind == "phone":
            body[f.key] = pretty_phone(raw) or raw
        elif f.kind == "textarea":
            body[f.key] = " ".join(raw.split())  # the assistant joins lines anyway
        else:
            body[f.key] = " ".join(raw.split())
    if not body.get("short_name"):
        body.pop("short_name", None)
    return body


# -- checks -------------------------------------------------------------------------------------------
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}):(\d{2})")
_EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}")
_URL = re.compile(r"https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,24}(?::\d{1,5})?(?:[/?#]\S*)?")


def _tidy_hours(raw: str) -> str:
    if raw.lower() in ("", "closed"):
        return "closed"
    match = _HOURS.fullmatch(raw)
    if not match:
        return raw
    h1, m1, h2, m2 = match.groups()
    return f"{int(h1):02d}:{m1}-{int(h2):02d}:{m2}"


def nanp_digits(text: str) -> Optional[str]:
    """The ten digits of a North American number written in any common format, or None.

    Area code and exchange: first digit 2-9, not N11 (211, 911...); area codes with 9 in the middle are
    reserved. '604-555-0100', '(604) 555-0100', '604.555.0100', '+1 604 555 0100', '1-604-555-0100'."""
    text = (text or "").strip()
    if not re.fullmatch(r"\+?[\d\s().\-]{10,20}", text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    elif text.startswith("+"):
        return None
    if len(digits) != 10:
        return None
    area, exchange = digits[:3], digits[3:6]
    for part in (area, exchange):
        if part[0] in "01" or part[1:] == "11":
            return None
    if area[1] == "9":
        return None
    return digits


def pretty_phone(text: str) -> Optional[str]:
    digits = nanp_digits(text)
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if digits else None


def validate(body: Mapping[str, Any]) -> Dict[str, str]:
    """field key -> what is wrong, in words staff can act on; {} when the body can be saved."""
    errors: Dict[str, str] = {}
    for f in FIELDS:
        if f.kind in TEXT_LIMIT:
            value = str(body.get(f.key) or "").strip()
            if not value:
                if f.required:
                    errors[f.key] = f"{f.label} is needed."
                continue
            if len(value) > TEXT_LIMIT[f.kind]:
                errors[f.key] = f"{f.label} is too long (at most {TEXT_LIMIT[f.kind]} characters)."
            elif f.kind == "phone" and not nanp_digits(value):
                errors[f.key] = ("Enter a 10-digit North American number with a real area code and exchange, "
                                 "e.g. 604-555-0100.")
            elif f.kind == "email" and not _EMAIL.fullmatch(value):
                errors[f.key] = "Enter an email address like frontdesk@yourclinic.ca."
            elif f.kind == "url" and not _URL.fullmatch(value):
                errors[f.key] = ("Enter a secure web address starting with https://, e.g. "
                                 "https://yourclinic.janeapp.com/." if not value.lower().startswith("https://")
                                 else "This does not look like a web address (no spaces; a domain such as "
                                      "yourclinic.janeapp.com).")
            elif f.key == "nurse_line" and not re.search(r"\d", value):
                # patients are told to call it for health questions: it must hold a number to call
                errors[f.key] = "Include the number to call, e.g. 8-1-1 (HealthLink BC)."
    hours = body.get("hours") or {}
    for day in DAYS:
        problem = _hours_problem(hours.get(day))
        if problem:
            errors[f"hours_{day}"] = problem
    open_days = [day for day in DAYS if str(hours.get(day) or "closed").strip().lower() != "closed"]
    if not open_days and not any(key.startswith("hours_") for key in errors):
        errors["hours_monday"] = "The clinic must be open on at least one day of the week."
    problem = _holidays_problem(body.get("holidays"))
    if problem:
        errors["holidays"] = problem
    days = body.get("retention_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        errors["retention_days"] = "Enter a whole number of days between 1 and 3650."
    if not isinstance(body.get("clinic_questions_confirmed", False), bool):
        errors["clinic_questions_confirmed"] = "Tick the box or leave it empty."
    if not errors:  # the same parser every server uses must accept it
        try:
            config.parse(dict(body))
        except (config.ClinicConfigError, ValueError, KeyError, TypeError) as error:
            errors["_form"] = f"These settings cannot be used: {error}"
    return errors


def _hours_problem(spec: Any) -> Optional[str]:
    text = "closed" if spec is None else str(spec).strip()
    if text.lower() in ("", "closed"):
        return None
    match = _HOURS.fullmatch(text)
    if not match:
        return "Write opening and closing times as HH:MM-HH:MM (24-hour clock, e.g. 08:00-17:00), or closed."
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or h1 * 60 + m1 > 1440 or h2 * 60 + m2 > 1440:
        return "Times go from 00:00 to 24:00."
    if h2 * 60 + m2 <= h1 * 60 + m1:
        return "Closing time must be after opening time (24-hour clock: 5 pm is 17:00)."
    return None


def _holidays_problem(days: Any) -> Optional[str]:
    if days in (None, ""):
        return None
    if not isinstance(days, list):
        return "One date per line, YYYY-MM-DD."
    seen = set()
    for day in days:
        day = str(day).strip()
        if not _DATE.fullmatch(day):
            return f"“{day[:40]}” is not a date written YYYY-MM-DD (e.g. 2026-12-25)."
        try:
            datetime.strptime(day, "%Y-%m-%d")
        except ValueError:
            return f"{day} is not a real date."
        if day in seen:
            return f"{day} is listed twice."
        seen.add(day)
    return None


# -- what changed, what is still a placeholder -----------------------------------------------------------
def _flat(body: Mapping[str, Any]) -> Dict[str, str]:
    flat = to_form(body)
    flat["retention_days"] = str(body.get("retention_days", ""))
    flat["clinic_questions_confirmed"] = "yes" if body.get("clinic_questions_confirmed") is True else "no"
    flat["holidays"] = ", ".join(str(d) for d in body.get("holidays") or [])
    for key, value in body.items():  # keys the form does not edit (timezone, language_replies)
        if key not in flat and key != "hours":
            flat[key] = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip() \
                if isinstance(value, (dict, list)) else str(value)
    return flat


def diff(old: Optional[Mapping[str, Any]], new: Mapping[str, Any]) -> List[Tuple[str, str, str]]:
    """(field, old value, new value) for each field that differs, in the form's order."""
    before, after = _flat(old or {}), _flat(new)
    order = [f.key for f in FIELDS] + sorted((set(before) | set(after)) - set(BY_KEY))
    return [(key, before.get(key, ""), after.get(key, "")) for key in order
            if before.get(key, "") != after.get(key, "")]


def label(key: str) -> str:
    field = BY_KEY.get(key)
    if field is None:
        return key.replace("_", " ").capitalize()
    return f"Hours, {field.label}" if field.kind == "hours" else field.label


def _marked_in_clinic_yml() -> Dict[str, Any]:
    """Keys clinic.yml marks PLACEHOLDER in a comment (on the key's line, or in a comment block that runs
    into the key's paragraph), with the file's value: such a value is a placeholder until it is changed."""
    try:
        lines = clinic_yml_path().read_text(encoding="utf-8").splitlines()
        values = from_clinic_yml()
    except (OSError, yaml.YAMLError):
        return {}
    marked, block = set(), False
    for line in lines:
        if not line.strip():
            block = False
        elif line.lstrip().startswith("#"):
            block = block or "PLACEHOLDER" in line
        else:
            key = re.match(r"([A-Za-z_]+):", line)
            comment = line.split(" #", 1)[1] if " #" in line else ""
            if key and (block or "PLACEHOLDER" in comment):
                marked.add(key.group(1))
    return {key: values.get(key) for key in marked if key in values}


def placeholders(body: Mapping[str, Any]) -> List[str]:
    """Field keys still holding placeholder values: "PLACEHOLDER", example.com, a 555-01xx number, a value
    clinic.yml marks PLACEHOLDER and nobody has changed, unconfirmed clinic-question answers."""
    found = []
    confirmed = body.get("clinic_questions_confirmed") is True
    marked = _marked_in_clinic_yml()
    for f in FIELDS:
        if f.kind in ("hours", "holidays", "int"):
            continue
        if f.kind == "bool":
            if f.key == "clinic_questions_confirmed" and not confirmed:
                found.append(f.key)
            continue
        value = " ".join(str(body.get(f.key) or "").split())
        if not value:
            continue
        digits = re.sub(r"\D", "", value)
        if ("PLACEHOLDER" in value.upper() or "example.com" in value.lower() or "555-01" in value
                or (f.kind == "phone" and digits[-7:-2] == "55501")):
            found.append(f.key)
        elif f.key in marked and value == " ".join(str(marked[f.key] or "").split()):
            if not (f.key in QUESTION_KEYS and confirmed):
                found.append(f.key)
    return found
