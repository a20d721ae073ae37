"""The lock store on a real Redis: tickets issued by several servers at once are all distinct."""
import threading

import pytest
from rasa.core.lock_store import RedisLockStore

from stores.lock_store import AtomicRedisLockStore
from tests.backing_services import Redis


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = Redis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


def issue_concurrently(store_class, port, servers=6, per_server=40):
    """`servers` lock-store clients (as on separate Rasa servers) issue tickets for one conversation."""
    stores = [store_class(host="127.0.0.1", port=port, key_prefix=store_class.__name__.lower()) for _ in range(servers)]
    tickets, start = [], threading.Barrier(servers)

    def work(store):
        start.wait()
        for _ in range(per_server):
            tickets.append(store.issue_ticket("conversation-1", lock_lifetime=600))

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lock = stores[0].get_lock("conversation-1")
    return tickets, lock


def test_every_ticket_is_distinct_and_kept(redis_server):
    tickets, lock = issue_concurrently(AtomicRedisLockStore, redis_server.port)
    assert len(tickets) == len(set(tickets)) == 240
    assert len(lock.tickets) == 240  # none overwritten by another server's write


def test_the_stock_store_loses_tickets_under_the_same_load(redis_server):
    """Why stores/lock_store.py exists. If Rasa fixes the race, this test tells us to drop ours."""
    tickets, lock = issue_concurrently(RedisLockStore, redis_server.port)
    assert len(set(tickets)) < len(tickets) or len(lock.tickets) < len(tickets)
