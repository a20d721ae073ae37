"""Settings from the environment, and the clinic's opening hours from clinic.yml."""
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Optional, Tuple
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("America/Vancouver")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

IDLE_TIMEOUT = 30 * 60  # the session cookie is a browser-session one; this is enforced server-side
ABSOLUTE_TIMEOUT = 12 * 3600
THROTTLE_WINDOW = 15 * 60
MAX_FAILS_ACCOUNT = 5
MAX_FAILS_ADDRESS = 20


def _sqlite(path: str) -> str:
    return f"sqlite:///{os.path.abspath(path)}"


def tracker_url() -> str:
    if os.environ.get("TRACKER_DB_URL"):
        return os.environ["TRACKER_DB_URL"]
    if os.environ.get("POSTGRES_HOST"):
        user = quote_plus(os.environ.get("POSTGRES_USER", ""))
        password = quote_plus(os.environ.get("POSTGRES_PASSWORD", ""))
        return (f"postgresql://{user}:{password}@{os.environ['POSTGRES_HOST']}:"
                f"{os.environ.get('POSTGRES_PORT', '5432')}/{os.environ.get('POSTGRES_DB', 'rasa')}")
    return _sqlite(os.environ.get("TRACKER_DB") or "var/tracker.db")


def callback_url() -> str:
    return os.environ.get("CALLBACK_DB_URL") or _sqlite("var/callbacks.db")


def console_url() -> str:
    return os.environ.get("CONSOLE_DB_URL") or _sqlite("var/console.db")


def reviewed_file() -> Path:
    return Path(os.environ.get("CONSOLE_REVIEWED_FILE") or ROOT / "data" / "nlu_reviewed.yml")


def unsure_below() -> float:
    """Answers given with a confidence below this are listed for review as "answered, unsure"
    (CONSOLE_UNSURE_BELOW, default 0.6)."""
    try:
        value = float(os.environ.get("CONSOLE_UNSURE_BELOW", "0.6"))
    except ValueError:
        return 0.6
    return min(max(value, 0.0), 1.0)


def secure_cookies() -> bool:
    return os.environ.get("CONSOLE_SECURE_COOKIES", "0").lower() in ("1", "true", "yes")


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local(dt: Optional[datetime]) -> Optional[datetime]:
    """A naive UTC datetime (as the databases hold them) in the clinic's time zone."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc).astimezone(TZ)


class Hours:
    """Opening hours from clinic.yml (CLINIC_CONFIG or the repo's file)."""

    def __init__(self, path: Optional[str] = None):
        path = path or os.environ.get("CLINIC_CONFIG") or str(ROOT / "clinic.yml")
        self.hours: Dict[int, Tuple[int, int]] = {}
        self.holidays = set()
        self.front_desk_email = None
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except OSError:
            data = {}
        for i, day in enumerate(DAYS):
            value = (data.get("hours") or {}).get(day)
            if isinstance(value, str) and "-" in value:
                start, end = value.split("-", 1)
                self.hours[i] = (_minutes(start), _minutes(end))
        self.holidays = {str(h) for h in data.get("holidays") or []}
        self.front_desk_email = data.get("front_desk_email") or data.get("email")

    def is_open(self, when_utc: datetime) -> bool:
        t = local(when_utc)
        if t.date().isoformat() in self.holidays or t.weekday() not in self.hours:
            return False
        start, end = self.hours[t.weekday()]
        return start <= t.hour * 60 + t.minute < end


def _minutes(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)
