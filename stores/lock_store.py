"""Rasa's Redis lock store, with its ticket bookkeeping made atomic across servers.

Rasa 3.6's RedisLockStore issues and returns tickets by reading the lock from Redis, changing
it in Python and writing it back. Inside one server that is safe (asyncio runs it without
interruption), but two servers receiving messages for the same conversation at the same moment
can both read the same lock, and one write wins: two messages are then processed at once and
the shared tracker store loses events (tests/production/test_scale_out.py caught 3 of 8 user
messages lost). Here each read-modify-write runs under a short Redis mutex per conversation;
everything else is Rasa's own lock store.

If Redis is unreachable, each server orders a conversation's messages by itself (an in-process
lock) until Redis is back, and says so in its log: patients keep getting answers. The risk in
that window is two servers taking one patient's messages at the same instant; a patient typing
one message at a time does not do that.

endpoints.prod.yml:  lock_store: {type: stores.lock_store.AtomicRedisLockStore, url: ..., ...}
"""
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

MUTEX_SECONDS = 5


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # Rasa passes custom lock stores their endpoint config
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        if kwargs.get("password") == "":
            kwargs["password"] = None
        kwargs.setdefault("socket_timeout", 2)  # a hung Redis must not hold a patient's turn for long
        super().__init__(**kwargs)
        self.local = InMemoryLockStore()

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        try:
            ticket = self.issue_ticket(conversation_id, lock_lifetime)
        except (RedisError, LockError) as error:  # Rasa wraps Redis' errors in LockError
            logger.error("Redis lock store unreachable (%s): this server orders the conversation's "
                         "messages by itself until it is back", type(error).__name__)
            async with self.local.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as lock:
                yield lock
            return
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            try:
                self.cleanup(conversation_id, ticket)
            except RedisError as error:  # the ticket expires by itself (lock_lifetime)
                logger.error("Redis lock store: ticket not returned (%s)", type(error).__name__)

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
