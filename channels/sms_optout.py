"""Who texted STOP: kept in the database (CALLBACK_DB_URL), shared by every Rasa server."""
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, String, create_engine, delete, select
from sqlalchemy.orm import declarative_base, sessionmaker

from callbacks.store import default_url

Base = declarative_base()


class OptOut(Base):
    __tablename__ = "sms_optouts"
    sender_id = Column(String(64), primary_key=True)  # hashed phone number (channels/sms.py)
    opted_out_at = Column(DateTime, nullable=False)


class OptOutList:
    def __init__(self, url: str = None):
        self.engine = create_engine(url or default_url(), pool_pre_ping=True, future=True)
        Base.metadata.create_all(self.engine)
        self.sessions = sessionmaker(self.engine, future=True)

    def opt_out(self, sender_id: str) -> None:
        with self.sessions() as session:
            if session.get(OptOut, sender_id) is None:
                session.add(OptOut(sender_id=sender_id, opted_out_at=datetime.now(timezone.utc).replace(tzinfo=None)))
                session.commit()

    def opt_in(self, sender_id: str) -> None:
        with self.sessions() as session:
            session.execute(delete(OptOut).where(OptOut.sender_id == sender_id))
            session.commit()

    def is_opted_out(self, sender_id: str) -> bool:
        with self.sessions() as session:
            return session.scalar(select(OptOut.sender_id).where(OptOut.sender_id == sender_id)) is not None
