"""Call-back requests in a real database through SQLAlchemy: SQLite by default, PostgreSQL by URL.

Each request gets a short reference the patient can quote. Notifications to the front desk are
rows in the same transaction (an outbox), so a request is never stored without its pending
email, and a failed email is retried later instead of being lost.
"""
import csv
import hashlib
import os
import secrets
from datetime import datetime, timedelta, timezone
from typing import IO, Iterable, List, Optional, Tuple

from sqlalchemy import (Column, DateTime, ForeignKey, Integer, String, Text, create_engine, delete,
                        select, update)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base, relationship, sessionmaker

Base = declarative_base()
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a phone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def default_url() -> str:
    return os.environ.get("CALLBACK_DB_URL") or "sqlite:///var/callbacks.db"


def sender_key(sender_id: str) -> str:
    """The conversation id, hashed: enough to find a patient's own requests, not to read it."""
    salt = os.environ.get("CALLBACK_SENDER_SALT", "clinic-callbacks")
    return hashlib.sha256(f"{salt}:{sender_id}".encode()).hexdigest()


class CallbackRequest(Base):
    __tablename__ = "callback_requests"
    id = Column(Integer, primary_key=True)
    reference = Column(String(12), unique=True, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    name = Column(String(80), nullable=False)
    phone = Column(String(20), nullable=False)          # E.164
    email = Column(String(254))
    preferred_time = Column(String(120), nullable=False)  # as agreed with the patient
    preferred_start = Column(DateTime)                  # UTC, when a day was named
    patient_type = Column(String(10), nullable=False)   # new / returning
    consent_at = Column(DateTime, nullable=False)
    channel = Column(String(20))
    sender_key = Column(String(64), index=True, nullable=False)
    dedupe_key = Column(String(64), unique=True, nullable=False)
    status = Column(String(10), nullable=False, default="new")  # new / done
    done_at = Column(DateTime)
    notifications = relationship("Notification", cascade="all, delete-orphan", back_populates="request")


class Notification(Base):
    __tablename__ = "callback_notifications"
    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("callback_requests.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(10), nullable=False)
    status = Column(String(10), nullable=False, default="pending")  # pending / sending / sent
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text)
    updated_at = Column(DateTime, default=utcnow)
    request = relationship("CallbackRequest", back_populates="notifications")


STALE_CLAIM = timedelta(minutes=10)  # a send claimed this long ago by a server that died is retried


def _claimable(now: datetime):
    """Notifications waiting to be sent: pending, or claimed by a server that never finished."""
    return (Notification.status == "pending") | (
        (Notification.status == "sending") & (Notification.updated_at < now - STALE_CLAIM))


class ForgetRequest(Base):
    """A patient asked to delete their details: their conversation transcript is erased shortly
    (callbacks/transcripts.py), then this row goes too."""
    __tablename__ = "forget_requests"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False)  # the conversation to erase
    requested_at = Column(DateTime, nullable=False, default=utcnow)


class CallbackStore:
    def __init__(self, url: Optional[str] = None):
        url = url or default_url()
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////:memory"):
            os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///"):])), exist_ok=True)
        self.engine = create_engine(url, pool_pre_ping=True, future=True)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, future=True)
        Base.metadata.create_all(self.engine)

    # -- patients -----------------------------------------------------------------------------
    def submit(self, *, sender_id: str, name: str, phone: str, email: Optional[str], preferred_time: str,
               preferred_start: Optional[datetime], patient_type: str, channel: str = "",
               notify: Iterable[str] = ("email",)) -> Tuple[CallbackRequest, bool]:
        """Store a confirmed request once. Returns (request, created); a repeat gives the first."""
        key = hashlib.sha256("|".join([sender_key(sender_id), name.lower(), phone, preferred_time]).encode()).hexdigest()
        with self.sessions() as session:
            existing = session.scalar(select(CallbackRequest).where(CallbackRequest.dedupe_key == key))
            if existing:
                return existing, False
            start = preferred_start.astimezone(timezone.utc).replace(tzinfo=None) if preferred_start else None
            request = CallbackRequest(
                reference="CB-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5)),
                name=name, phone=phone, email=email, preferred_time=preferred_time, preferred_start=start,
                patient_type=patient_type, consent_at=utcnow(), channel=channel,
                sender_key=sender_key(sender_id), dedupe_key=key,
                notifications=[Notification(kind=kind) for kind in notify],
            )
            session.add(request)
            try:
                session.commit()
            except IntegrityError:  # the same confirmation arriving twice at once
                session.rollback()
                return session.scalar(select(CallbackRequest).where(CallbackRequest.dedupe_key == key)), False
            return request, True

    def delete_for_sender(self, sender_id: str) -> int:
        return self._delete(CallbackRequest.sender_key == sender_key(sender_id))

    # -- staff --------------------------------------------------------------------------------
    def list(self, status: Optional[str] = "new") -> List[CallbackRequest]:
        with self.sessions() as session:
            query = select(CallbackRequest).order_by(CallbackRequest.created_at)
            if status:
                query = query.where(CallbackRequest.status == status)
            return list(session.scalars(query))

    def mark_done(self, reference: str) -> bool:
        with self.sessions() as session:
            request = session.scalar(select(CallbackRequest).where(CallbackRequest.reference == reference.upper()))
            if not request:
                return False
            request.status, request.done_at = "done", utcnow()
            session.commit()
            return True

    def delete_for_phone(self, e164: str) -> int:
        return self._delete(CallbackRequest.phone == e164)

    def purge(self, days: int) -> int:
        """Delete requests older than `days` (the retention period), whatever their status."""
        return self._delete(CallbackRequest.created_at < utcnow() - timedelta(days=days))

    def export_csv(self, out: IO[str], status: Optional[str] = None) -> int:
        rows = self.list(status)
        writer = csv.writer(out)
        writer.writerow(["reference", "created_utc", "name", "phone", "email", "preferred_time",
                         "patient_type", "status"])
        for r in rows:
            writer.writerow([r.reference, r.created_at.isoformat(timespec="seconds"), r.name, r.phone,
                             r.email or "", r.preferred_time, r.patient_type, r.status])
        return len(rows)

    # -- outbox -------------------------------------------------------------------------------
    def pending_notifications(self, limit: int = 50, request_id: Optional[int] = None) -> List[Notification]:
        with self.sessions() as session:
            query = select(Notification).where(_claimable(utcnow()))
            if request_id is not None:
                query = query.where(Notification.request_id == request_id)
            query = query.order_by(Notification.id).limit(limit)
            notes = list(session.scalars(query))
            for note in notes:
                _ = note.request  # load while the session is open
            return notes

    def claim(self, notification_id: int) -> bool:
        """Take one pending notification for sending. Atomic (one conditional UPDATE), so when several
        action servers retry the outbox at once only one of them sends each email. A claim left by a
        server that died mid-send is taken over after STALE_CLAIM."""
        now = utcnow()
        with self.sessions() as session:
            result = session.execute(
                update(Notification)
                .where(Notification.id == notification_id)
                .where(_claimable(now))
                .values(status="sending", updated_at=now))
            session.commit()
            return result.rowcount == 1

    def record_delivery(self, notification_id: int, error: Optional[str] = None) -> None:
        with self.sessions() as session:
            note = session.get(Notification, notification_id)
            if note is None:
                return
            note.attempts += 1
            note.updated_at = utcnow()
            note.status, note.last_error = ("pending", error[:500]) if error else ("sent", None)
            session.commit()

    def request_forget(self, sender_id: str) -> None:
        with self.sessions() as session:
            session.add(ForgetRequest(sender_id=sender_id))
            session.commit()

    def forget_requests(self) -> List[ForgetRequest]:
        with self.sessions() as session:
            return list(session.scalars(select(ForgetRequest).order_by(ForgetRequest.id)))

    def forgotten(self, request_id: int) -> None:
        with self.sessions() as session:
            session.execute(delete(ForgetRequest).where(ForgetRequest.id == request_id))
            session.commit()

    def _delete(self, condition) -> int:
        with self.sessions() as session:
            ids = list(session.scalars(select(CallbackRequest.id).where(condition)))
            if ids:
                session.execute(delete(Notification).where(Notification.request_id.in_(ids)))
                session.execute(delete(CallbackRequest).where(CallbackRequest.id.in_(ids)))
                session.commit()
            return len(ids)
