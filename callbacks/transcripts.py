"""Conversation transcripts in Rasa's tracker store (its `events` table): erased when a patient
asks ("delete my details") and once a conversation has been idle for the retention period.

A patient types their name and phone number into the call-back form, so the transcript holds
them too, and the promise "we delete them after N days" has to cover it. Only whole, idle
conversations are erased, never part of one: Rasa appends to a conversation by counting the
events it has stored, so a conversation erased while a message is being handled is written
back in full. Hence the wait (FORGET_IDLE_SECONDS, default 30, counted from the request as well
as from the last saved event) and the check on the next pass (`forget_due`).
"""
import os
import time
from datetime import timezone
from typing import Optional
from urllib.parse import quote_plus

from sqlalchemy import MetaData, Table, create_engine, delete, func, select
from sqlalchemy.exc import NoSuchTableError

from callbacks.store import CallbackStore


def tracker_db_url() -> Optional[str]:
    """The tracker store's database, from the same environment the Rasa server reads."""
    if os.environ.get("TRACKER_DB_URL"):
        return os.environ["TRACKER_DB_URL"]
    if os.environ.get("POSTGRES_HOST"):  # endpoints.prod.yml
        user = quote_plus(os.environ.get("POSTGRES_USER", ""))
        password = quote_plus(os.environ.get("POSTGRES_PASSWORD", ""))
        return (f"postgresql://{user}:{password}@{os.environ['POSTGRES_HOST']}:"
                f"{os.environ.get('POSTGRES_PORT', '5432')}/{os.environ.get('POSTGRES_DB', 'rasa')}")
    if os.environ.get("TRACKER_DB"):  # endpoints.yml: a SQLite file
        return f"sqlite:///{os.path.abspath(os.environ['TRACKER_DB'])}"
    if os.path.exists("var/tracker.db"):  # `make run`'s default, for the staff command run by hand
        return f"sqlite:///{os.path.abspath('var/tracker.db')}"
    return None


def idle_seconds() -> float:
    return float(os.environ.get("FORGET_IDLE_SECONDS", 30))


class TranscriptStore:
    def __init__(self, url: Optional[str] = None):
        self.url = url or tracker_db_url()
        if not self.url:
            raise RuntimeError("no tracker store configured (TRACKER_DB, POSTGRES_HOST or TRACKER_DB_URL)")
        self.engine = create_engine(self.url, pool_pre_ping=True, future=True)
        self._table = None

    def events(self) -> Optional[Table]:
        if self._table is None:
            try:
                self._table = Table("events", MetaData(), autoload_with=self.engine)
            except NoSuchTableError:  # no conversation yet
                return None
        return self._table

    def last_activity(self, sender_id: str) -> Optional[float]:
        events = self.events()
        if events is None:
            return None
        with self.engine.connect() as connection:
            return connection.scalar(select(func.max(events.c.timestamp)).where(events.c.sender_id == sender_id))

    def has_events_before(self, sender_id: str, timestamp: float) -> bool:
        events = self.events()
        if events is None:
            return False
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(events).where(
                (events.c.sender_id == sender_id) & (events.c.timestamp <= timestamp))) > 0

    def erase(self, sender_id: str) -> int:
        """Every event of one conversation; returns how many."""
        events = self.events()
        if events is None:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount

    def purge(self, days: int) -> int:
        """Every conversation idle for more than `days`; returns how many conversations."""
        events = self.events()
        if events is None:
            return 0
        cutoff = time.time() - days * 86400
        with self.engine.begin() as connection:
            idle = list(connection.scalars(select(events.c.sender_id).group_by(events.c.sender_id)
                                           .having(func.max(events.c.timestamp) < cutoff)))
            for start in range(0, len(idle), 500):
                connection.execute(delete(events).where(events.c.sender_id.in_(idle[start:start + 500])))
            return len(idle)


def forget_due(requests: CallbackStore, transcripts: TranscriptStore) -> int:
    """Erase the conversations whose patients asked, once each has been idle a little while.

    A request is kept until a later pass finds nothing of the conversation from before it was
    made: if Rasa wrote the conversation back (a message was being handled at the moment of the
    erase), the next pass erases it again. A new conversation begun afterwards is left alone."""
    erased = 0
    now = time.time()
    for request in requests.forget_requests():
        asked = request.requested_at.replace(tzinfo=timezone.utc).timestamp()
        if not transcripts.has_events_before(request.sender_id, asked):
            requests.forgotten(request.id)  # done: nothing from before the request is left
            continue
        last = max(transcripts.last_activity(request.sender_id) or 0.0, asked)
        if now - last < idle_seconds():
            continue  # still talking, or the turn that asked is still being saved: next time
        transcripts.erase(request.sender_id)
        erased += 1
    return erased
