"""The clinic's facts: the newest version saved from the console's settings page (clinic/content_store.py),
else `clinic.yml` (or the file named by $CLINIC_CONFIG).

Both are re-read when they change (the store is looked at every two seconds, the file by its
modification time), so staff edits reach patients on every server without a restart.
"""
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "clinic.yml"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ClinicConfigError(ValueError):
    """The clinic file is missing a field or has one in the wrong form."""


@dataclass(frozen=True)
class Clinic:
    name: str
    short_name: str
    phone: str
    email: str
    address: str
    booking_url: str
    timezone: ZoneInfo
    # weekday index (0 = Monday) -> (open minute, close minute); absent = closed
    hours: Dict[int, Tuple[int, int]]
    holidays: frozenset
    fees: str
    insurance: str
    parking: str = ""
    nurse_line: str = "8-1-1 (HealthLink BC)"
    extra: Dict = field(default_factory=dict)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value <= 24 * 60:
        raise ValueError(hhmm)
    return value


def _parse_hours(raw: Dict) -> Dict[int, Tuple[int, int]]:
    hours = {}
    for day, spec in (raw or {}).items():
        day = str(day).lower()
        if day not in DAYS:
            raise ClinicConfigError(f"hours: unknown day {day!r}")
        if spec is None or str(spec).strip().lower() in ("", "closed"):
            continue
        try:
            start, end = (_minutes(part) for part in str(spec).split("-"))
        except ValueError:
            raise ClinicConfigError(f"hours: {day} should look like 08:00-17:00, not {spec!r}")
        if end <= start:
            raise ClinicConfigError(f"hours: {day} closes before it opens ({spec!r})")
        hours[DAYS.index(day)] = (start, end)
    return hours


def parse(data: Dict) -> Clinic:
    required = ("name", "phone", "address", "booking_url", "timezone", "hours")
    missing = [key for key in required if not data.get(key)]
    if missing:
        raise ClinicConfigError(f"clinic file is missing: {', '.join(missing)}")
    known = set(Clinic.__dataclass_fields__)
    return Clinic(
        name=str(data["name"]),
        short_name=str(data.get("short_name") or data["name"]),
        phone=str(data["phone"]),
        email=str(data.get("email", "")),
        address=str(data["address"]),
        booking_url=str(data["booking_url"]),
        timezone=ZoneInfo(str(data["timezone"])),
        hours=_parse_hours(data["hours"]),
        holidays=frozenset(str(day) for day in data.get("holidays") or []),
        fees=" ".join(str(data.get("fees", "")).split()),
        insurance=" ".join(str(data.get("insurance", "")).split()),
        parking=str(data.get("parking", "")),
        nurse_line=str(data.get("nurse_line") or "8-1-1 (HealthLink BC)"),
        extra={k: v for k, v in data.items() if k not in known},
    )


_lock = threading.Lock()
_cache: Dict[str, Tuple[float, Clinic]] = {}


def load(path: Optional[str] = None) -> Clinic:
    """The clinic's facts: the console's live settings when there are any (and no file is asked for by
    name), else the file, re-read only when its modification time changes."""
    if path is None:
        stored = _from_store()
        if stored is not None:
            return stored
    path = str(path or os.environ.get("CLINIC_CONFIG") or DEFAULT_PATH)
    mtime = os.stat(path).st_mtime
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        with open(path, encoding="utf-8") as handle:
            clinic = parse(yaml.safe_load(handle) or {})
        _cache[path] = (mtime, clinic)
        return clinic


_stored: Dict[Tuple[Optional[str], int], Clinic] = {}  # (store URL, version id) -> its parsed facts


def _from_store() -> Optional[Clinic]:
    from clinic.content_store import LIVE  # here, not at import: the red-flag net must not need SQLAlchemy

    try:
        content = LIVE.current()
    except Exception:  # no database driver, no store: the file
        return None
    if content.settings is None:
        return None
    key = (content.url, content.settings_version)
    cached = _stored.get(key)
    if cached is None:
        try:
            cached = parse(content.settings)
        except (ClinicConfigError, ValueError, KeyError, TypeError) as error:  # checked on save; never fatal
            import logging
            logging.getLogger(__name__).error("stored settings v%s unusable (%s); clinic.yml used",
                                              content.settings_version, error)
            return None
        _stored.clear()
        _stored[key] = cached
    return cached


def placeholders(clinic: Clinic) -> List[str]:
    """Fields still holding placeholder values, to warn staff at start-up."""
    values = {
        "phone": clinic.phone, "email": clinic.email, "address": clinic.address,
        "booking_url": clinic.booking_url, "fees": clinic.fees, "insurance": clinic.insurance,
    }
    found = [
        key for key, value in values.items()
        if "PLACEHOLDER" in value.upper() or "example.com" in value or "555-01" in value
    ]
    if clinic.extra.get("clinic_questions_confirmed") is False:
        found.append("clinic_questions (offer, referral, availability, what_to_bring)")
    return found


CLINIC_QUESTIONS = ("offer", "referral", "availability", "what_to_bring")
CLINIC_QUESTION_DEFAULT = "Please call the front desk and they will be glad to help."


def clinic_answer(clinic: Clinic, key: str) -> str:
    """A clinic-written answer from clinic.yml (offer, referral, availability, what_to_bring)."""
    return " ".join(str(clinic.extra.get(key) or CLINIC_QUESTION_DEFAULT).split())
