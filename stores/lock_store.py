"""Rasa's Redis lock store, with its ticket bookkeeping made atomic across servers.

Rasa 3.6's RedisLockStore issues and returns tickets by reading the lock from Redis, changing
it in Python and writing it back. Inside one server that is safe (asyncio runs it without
interruption), but two servers receiving messages for the same conversation at the same moment
can both read the same lock, and one write wins: two messages are then processed at once and
the shared tracker store loses events (tests/production/test_scale_out.py caught 3 of 8 user
messages lost). Here each read-modify-write runs under a short Redis mutex per conversation;
everything else is Rasa's own lock store.

endpoints.prod.yml:  lock_store: {type: stores.lock_store.AtomicRedisLockStore, url: ..., ...}
"""
from typing import Any, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_SECONDS = 5


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # Rasa passes custom lock stores their endpoint config
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        if kwargs.get("password") == "":
            kwargs["password"] = None
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: Text):
        return self.red.lock(f"{self.key_prefix}mutex:{conversation_id}", timeout=MUTEX_SECONDS,
                             blocking_timeout=MUTEX_SECONDS)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
