"""The tracker store (where conversations live) under failure: reconnect, or fail loudly.

1. Test a pooled database connection before using it (SQLAlchemy's pool_pre_ping). Rasa 3.6
   keeps a pool of connections without checking them: after a PostgreSQL restart each stale
   connection failed one patient's turn before the pool noticed.
2. No silent amnesia. Rasa wraps the store in FailSafeTrackerStore, which on a database error
   reads an existing conversation as a new, empty one and keeps the turn only in memory: a
   patient half-way through the call-back form had their answer read as a fresh question, and
   the turn was lost when the database came back. Here the error goes up instead, so the
   channel answers for Rasa (channels/safety_net.py: 911 / 988 when it is an emergency, else the
   clinic's number and "try again in a minute") and the stored conversation stays exactly as it
   was: a turn is saved whole, in one transaction, or not at all.
"""
import logging
from typing import Any, Dict

import rasa.core.tracker_store as tracker_store
from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)

_engine_kwargs = tracker_store.create_engine_kwargs


def create_engine_kwargs(url: Any) -> Dict[str, Any]:
    return {**_engine_kwargs(url), "pool_pre_ping": True}


async def retrieve(self: FailSafeTrackerStore, sender_id: str):
    try:
        return await self._tracker_store.retrieve(sender_id)
    except Exception as error:
        logger.error("tracker store unreachable (%s): this turn is answered without it", type(error).__name__)
        raise


async def retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: str):
    try:
        return await self._tracker_store.retrieve_full_tracker(sender_id)
    except Exception as error:
        logger.error("tracker store unreachable (%s)", type(error).__name__)
        raise


async def save(self: FailSafeTrackerStore, tracker: Any) -> None:
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:
        logger.error("tracker store unreachable (%s): this turn was not saved", type(error).__name__)
        raise


def apply() -> None:
    tracker_store.create_engine_kwargs = create_engine_kwargs
    FailSafeTrackerStore.retrieve = retrieve
    FailSafeTrackerStore.retrieve_full_tracker = retrieve_full_tracker
    FailSafeTrackerStore.save = save
