"""Test a pooled database connection before using it (SQLAlchemy's pool_pre_ping).

Rasa 3.6's SQL tracker store keeps a pool of connections without checking them: after a
PostgreSQL restart (a failover, an upgrade), each stale connection failed one patient's turn
before the pool noticed. With the check, the first turn after a restart just reconnects.
"""
from typing import Any, Dict

import rasa.core.tracker_store as tracker_store

_engine_kwargs = tracker_store.create_engine_kwargs


def create_engine_kwargs(url: Any) -> Dict[str, Any]:
    return {**_engine_kwargs(url), "pool_pre_ping": True}


def apply() -> None:
    tracker_store.create_engine_kwargs = create_engine_kwargs
