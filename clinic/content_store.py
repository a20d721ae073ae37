"""What the clinic changes from the console, in one shared database (issue 18).

Every Rasa server, action server and the console read the same rows, so a change reaches every
server on its next message, with no restart and no file to copy (two servers on PostgreSQL too).

- `content_versions`: every saved version of the clinic's settings (the facts of clinic.yml) and of
  the answer texts, with who saved it and why. Nothing is overwritten; a restore saves an old body
  again as a new version.
- `content_live`: which version is live, per kind. Settings go live when saved (the newest version);
  answers go live with a release (publish), so they are checked with the model they ship with.
- `releases`: candidate and published models (file, sha256, the answers version they ship with, the
  gate's report, progress). The live one is `content_live['release']`.

Works on SQLAlchemy 1.4 (Rasa's venv) and 2.x (the console's venv): Core only.
Database: $CLINIC_CONTENT_DB_URL, else $CALLBACK_DB_URL, else var/callbacks.db (as callbacks/store.py);
"off" (or "") turns the store off and the assistant reads clinic.yml alone (unit tests).
"""
import json
import logging
import os
import threading
import time
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import (Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, func,
                        insert, select, update)

logger = logging.getLogger(__name__)

SETTINGS, ANSWERS, RELEASE = "settings", "answers", "release"
REFRESH_SECONDS = 2.0  # how often a server looks for a newer version (the console promises 10 s)

metadata = MetaData()
versions = Table(
    "content_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False, index=True),  # settings / answers
    Column("body", Text, nullable=False),  # JSON
    Column("author", String(80), nullable=False),
    Column("note", String(300), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
)
live = Table(
    "content_live", metadata,
    Column("kind", String(20), primary_key=True),  # answers / release
    Column("ref", Integer, nullable=False),
    Column("author", String(80), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
releases = Table(
    "releases", metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(20), nullable=False),  # training / checking / failed / passed / refused / error
    Column("progress", String(300), nullable=False, default=""),
    Column("model_file", String(300)),  # path of the model (.tar.gz) on the console's machine
    Column("model_sha256", String(64)),  # also the ETag the Rasa servers pull by
    Column("data_sha256", String(64)),  # hash of the training inputs: an unchanged set reuses its model
    Column("answers_version", Integer),
    Column("report", Text),  # JSON: the gate's figures, failures and changed answers
    Column("author", String(80), nullable=False),
    Column("note", String(300), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("published_at", DateTime),
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def url_from_env() -> Optional[str]:
    """$CLINIC_CONTENT_DB_URL, else $CALLBACK_DB_URL, else the call-back store's own default (so the console,
    the workers and every server agree without being told); None when switched off ("off" or "")."""
    value = os.environ.get("CLINIC_CONTENT_DB_URL")
    if value is None:
        value = os.environ.get("CALLBACK_DB_URL") or f"sqlite:///{os.path.abspath('var/callbacks.db')}"
    return None if value.strip().lower() in ("", "off", "none") else value.strip()


_engines: Dict[str, Any] = {}
_engines_lock = threading.Lock()


def engine(url: Optional[str] = None):
    """One engine per URL per process; tables created on first use."""
    url = url or url_from_env()
    if not url:
        raise RuntimeError("the content store is off (CLINIC_CONTENT_DB_URL)")
    with _engines_lock:
        if url not in _engines:
            kwargs = {"pool_pre_ping": True}
            if url.startswith("sqlite"):
                kwargs["connect_args"] = {"timeout": 15}
            elif url.startswith(("postgresql", "postgres")):  # a database that never answers holds no one
                kwargs["connect_args"] = {"connect_timeout": 3, "keepalives": 1, "keepalives_idle": 10,
                                          "keepalives_interval": 3, "keepalives_count": 3,
                                          "options": "-c statement_timeout=3000"}
            # SQLAlchemy 2.x (the console's venv) would pick psycopg 3 for a bare postgresql:// URL;
            # both venvs have psycopg2
            driver_url = ("postgresql+psycopg2://" + url.split("://", 1)[1]
                          if url.startswith(("postgresql://", "postgres://")) else url)
            made = create_engine(driver_url, **kwargs)
            metadata.create_all(made)
            _engines[url] = made
        return _engines[url]


# -- versions ---------------------------------------------------------------------------------------
def save_version(eng, kind: str, body: Dict[str, Any], author: str, note: str = "") -> int:
    with eng.begin() as conn:
        result = conn.execute(insert(versions).values(
            kind=kind, body=json.dumps(body, ensure_ascii=False, sort_keys=True), author=author[:80],
            note=(note or "")[:300], created_at=utcnow()))
        return int(result.inserted_primary_key[0])


def version(eng, version_id: int) -> Optional[Dict[str, Any]]:
    with eng.connect() as conn:
        row = conn.execute(select(versions).where(versions.c.id == version_id)).first()
    return _version_dict(row) if row else None


def latest_version(eng, kind: str) -> Optional[Dict[str, Any]]:
    with eng.connect() as conn:
        row = conn.execute(select(versions).where(versions.c.kind == kind)
                           .order_by(versions.c.id.desc()).limit(1)).first()
    return _version_dict(row) if row else None


def history(eng, kind: str, limit: int = 50) -> List[Dict[str, Any]]:
    with eng.connect() as conn:
        rows = conn.execute(select(versions).where(versions.c.kind == kind)
                            .order_by(versions.c.id.desc()).limit(limit)).fetchall()
    return [_version_dict(row) for row in rows]


def _version_dict(row) -> Dict[str, Any]:
    data = dict(row._mapping)
    data["body"] = json.loads(data["body"])
    return data


# -- what is live -----------------------------------------------------------------------------------
def set_live(eng, kind: str, ref: int, author: str) -> None:
    """Point `kind` (answers / release) at a version or release id, in one statement each way."""
    with eng.begin() as conn:
        done = conn.execute(update(live).where(live.c.kind == kind)
                            .values(ref=ref, author=author[:80], updated_at=utcnow())).rowcount
        if not done:
            conn.execute(insert(live).values(kind=kind, ref=ref, author=author[:80], updated_at=utcnow()))


def live_ref(eng, kind: str) -> Optional[int]:
    with eng.connect() as conn:
        row = conn.execute(select(live.c.ref).where(live.c.kind == kind)).first()
    return int(row[0]) if row else None


def live_settings_version(eng) -> Optional[Dict[str, Any]]:
    return latest_version(eng, SETTINGS)


def live_answers_version(eng) -> Optional[Dict[str, Any]]:
    ref = live_ref(eng, ANSWERS)
    return version(eng, ref) if ref else None


# -- releases ---------------------------------------------------------------------------------------
def add_release(eng, author: str, note: str = "", **values: Any) -> int:
    if "report" in values and not isinstance(values["report"], (str, type(None))):
        values["report"] = json.dumps(values["report"], ensure_ascii=False)
    with eng.begin() as conn:
        result = conn.execute(insert(releases).values(
            status=values.pop("status", "training"), progress=values.pop("progress", "waiting to start"),
            author=author[:80], note=(note or "")[:300], created_at=utcnow(), **values))
        return int(result.inserted_primary_key[0])


def update_release(eng, release_id: int, **values: Any) -> None:
    if "report" in values and not isinstance(values["report"], (str, type(None))):
        values["report"] = json.dumps(values["report"], ensure_ascii=False)
    with eng.begin() as conn:
        conn.execute(update(releases).where(releases.c.id == release_id).values(**values))


def release(eng, release_id: int) -> Optional[Dict[str, Any]]:
    with eng.connect() as conn:
        row = conn.execute(select(releases).where(releases.c.id == release_id)).first()
    return _release_dict(row) if row else None


def recent_releases(eng, limit: int = 20) -> List[Dict[str, Any]]:
    with eng.connect() as conn:
        rows = conn.execute(select(releases).order_by(releases.c.id.desc()).limit(limit)).fetchall()
    return [_release_dict(row) for row in rows]


def live_release(eng) -> Optional[Dict[str, Any]]:
    ref = live_ref(eng, RELEASE)
    return release(eng, ref) if ref else None


def _release_dict(row) -> Dict[str, Any]:
    data = dict(row._mapping)
    data["report"] = json.loads(data["report"]) if data.get("report") else None
    return data


# -- the per-process cache the assistant reads through ----------------------------------------------
class LiveContent:
    """The live settings and answers, looked up at most every REFRESH_SECONDS.

    One cheap query (the newest settings id and the live answers pointer) tells whether anything
    changed; bodies are read only then. If the database cannot be read, the last good content stays
    in use (and, before any, None: the caller falls back to clinic.yml and domain.yml), so a database
    outage never takes an answer away, least of all an emergency reply.
    """

    def __init__(self, refresh: float = REFRESH_SECONDS):
        self.refresh = refresh
        self._lock = threading.Lock()
        self._checked = 0.0
        self._url: Optional[str] = None
        self._key: Tuple[Optional[int], Optional[int]] = (None, None)
        self.settings: Optional[Dict[str, Any]] = None
        self.settings_version: Optional[int] = None
        self.answers: Dict[str, Any] = {}
        self.answers_version: Optional[int] = None
        self._failing = False

    def current(self) -> "LiveContent":
        """Never holds a caller for long: the look-up runs in its own thread, waited for at most
        WAIT_SECONDS (and not at all while the store is failing); a stuck one leaves the last good content
        in use until it ends (PostgreSQL connect and statement timeouts: 3 s)."""
        url = url_from_env()
        if not url:  # switched off: clinic.yml and domain.yml alone, nothing remembered from before
            if self._url is not None and self._lock.acquire(blocking=False):
                try:
                    self.settings = self.settings_version = self.answers_version = None
                    self.answers, self._key, self._url = {}, (None, None), None
                finally:
                    self._lock.release()
            return self
        if url == self._url and time.monotonic() - self._checked < self.refresh:
            return self
        if not self._lock.acquire(blocking=False):
            return self  # a look-up is under way (perhaps stuck): the last good content
        self._checked = time.monotonic()
        worker = threading.Thread(target=self._refresh, args=(url,), daemon=True, name="content-store")
        worker.start()
        if not self._failing:
            worker.join(self.WAIT_SECONDS)
        return self

    WAIT_SECONDS = 0.5

    @property
    def url(self) -> Optional[str]:
        """The store the content was read from (a version id means something only within one store)."""
        return self._url

    def _refresh(self, url: str) -> None:
        try:
            eng = engine(url)
            with eng.connect() as conn:
                newest = conn.execute(select(func.max(versions.c.id)).where(versions.c.kind == SETTINGS)).scalar()
                answers_ref = conn.execute(select(live.c.ref).where(live.c.kind == ANSWERS)).scalar()
            key = (newest, answers_ref)
            if key != self._key or url != self._url:
                settings = version(eng, newest) if newest else None
                answers = version(eng, answers_ref) if answers_ref else None
                # each attribute is replaced whole: a reader sees the old or the new value, never half
                self.settings = settings["body"] if settings else None
                self.settings_version = newest
                self.answers = (answers["body"] if answers else {}) or {}
                self.answers_version = answers_ref
                self._key, self._url = key, url
            if self._failing:
                logger.warning("content store readable again")
            self._failing = False
        except Exception as error:
            if not self._failing:
                logger.error("content store unreadable (%s); keeping the last good settings and answers",
                              type(error).__name__)
            self._failing = True
            self._url = url  # retry after REFRESH_SECONDS, not on every call
        finally:
            self._checked = time.monotonic()
            self._lock.release()


LIVE = LiveContent()
