"""Settings from the environment, and the clinic's opening hours (the live settings, else clinic.yml)."""
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Optional, Set, Tuple
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

logger = logging.getLogger("console")

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


def content_url() -> Optional[str]:
    """The clinic's content store, by the same rule the assistant's servers use (clinic/content_store.py):
    CLINIC_CONTENT_DB_URL, else the call-back database; None when switched off."""
    from clinic.content_store import url_from_env
    return url_from_env()


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
    """Opening hours, holidays and the front-desk email from the clinic's live settings: the newest
    version saved on the settings page, else clinic.yml (clinic/settings_form.current), as the assistant
    reads them (clinic.config.load). Re-read every REFRESH seconds, so the console and the assistant agree
    on "after hours" without a restart. `path` names a file to read instead (no store)."""

    REFRESH = 5.0

    def __init__(self, path: Optional[str] = None):
        self.path = path
        self._checked = float("-inf")
        self._hours: Dict[int, Tuple[int, int]] = {}
        self._holidays: Set[str] = set()
        self._front_desk_email: Optional[str] = None
        self._good = False
        self._refresh()

    def _body(self) -> dict:
        from clinic import content_store, settings_form  # here: console.config is imported everywhere
        if self.path:
            return settings_form.from_clinic_yml(self.path)
        url = content_url()
        return settings_form.current(content_store.engine(url) if url else None)

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.REFRESH:
            return
        self._checked = now
        try:
            data = self._body() or {}
        except Exception as error:  # the store or the file unreadable: keep what we had
            logger.warning("clinic settings unreadable (%s); %s", type(error).__name__,
                           "keeping the last good hours" if self._good else "no opening hours known")
            return
        hours = {}
        for i, day in enumerate(DAYS):
            value = (data.get("hours") or {}).get(day)
            if isinstance(value, str) and "-" in value:
                try:
                    start, end = value.split("-", 1)
                    hours[i] = (_minutes(start), _minutes(end))
                except ValueError:
                    continue
        self._hours, self._holidays = hours, {str(h) for h in data.get("holidays") or []}
        self._front_desk_email = data.get("front_desk_email") or data.get("email")
        self._good = True

    @property
    def hours(self) -> Dict[int, Tuple[int, int]]:
        self._refresh()
        return self._hours

    @property
    def holidays(self) -> Set[str]:
        self._refresh()
        return self._holidays

    @property
    def front_desk_email(self) -> Optional[str]:
        self._refresh()
        return self._front_desk_email

    def is_open(self, when_utc: datetime) -> bool:
        t = local(when_utc)
        hours = self.hours
        if t.date().isoformat() in self.holidays or t.weekday() not in hours:
            return False
        start, end = hours[t.weekday()]
        return start <= t.hour * 60 + t.minute < end


def _minutes(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)
