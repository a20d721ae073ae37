"""The production setup (two Rasa servers, one action server, PostgreSQL, Redis) with its parts
failing for real: Redis stopped and started, PostgreSQL restarted, one Rasa server killed with
SIGKILL mid-conversation while the other carries on. During each outage emergencies get 911 /
988 on REST, SMS and the widget; afterwards the conversation and the form go on, and what was
stored before is still there, unchanged (checked, not assumed)."""
import uuid

import pytest
import requests
import sqlalchemy

from tests.backing_services import Postgres, Redis
from tests.faults.conftest import (assert_clear_reply_with_phone, assert_emergencies_answered, kill,
                                   stored_requests_checksum)
from tests.patients import rest, say_on, CHANNELS
from tests.servers import Stack

BOOKING = [("can someone call me back?", "What name"), ("Sam Prod", "phone number"),
           ("604 555 0134", "email"), ("skip", "When would you like"), ("any weekday morning", "clinic before"),
           ("I'm a new patient", "Privacy"), ("yes", "Shall I send it"), ("yes", "Reference: CB-")]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("prod-faults")
    postgres, redis = Postgres(workdir).start(), Redis(workdir).start()
    env = {**postgres.env(), **redis.env(), "CALLBACK_DB_URL": postgres.url,
           "ACTION_RETRY_SECONDS": "2", "ACTION_BREAKER_SECONDS": "3"}
    first = Stack(workdir / "a", env=env, endpoints="endpoints.prod.yml").start()
    second = Stack(workdir / "b", env={**env, "ACTION_ENDPOINT_URL": first.env["ACTION_ENDPOINT_URL"]},
                   endpoints="endpoints.prod.yml")
    second.start_rasa()
    yield first, second, postgres, redis
    second.stop()
    first.stop()
    redis.stop()
    postgres.stop()


def events_of(postgres, sender):
    engine = sqlalchemy.create_engine(postgres.url)
    try:
        with engine.connect() as db:
            return db.execute(sqlalchemy.text("SELECT id, type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                              {"s": sender}).fetchall()
    finally:
        engine.dispose()


def health_status(stack) -> int:
    return requests.get(f"{stack.url}/health", timeout=10).status_code


def test_redis_stopped_and_started(cluster):
    a, b, postgres, redis = cluster
    sender = "redis-" + uuid.uuid4().hex
    assert "What name" in rest(a, sender, BOOKING[0][0])
    redis.stop()
    try:
        assert health_status(a) == 503
        # each server orders its conversations itself meanwhile: full answers, not a stand-in
        for channel in CHANNELS:
            assert "sterile" in say_on(channel, b, "is it safe?"), channel
        assert_emergencies_answered(a, "redis down")
        assert "phone number" in rest(b, sender, BOOKING[1][0])  # the form carries on, on the other server
    finally:
        redis.start()
    for message, expected in BOOKING[2:]:
        assert expected in rest(a, sender, message), message
    assert health_status(a) == 200


def test_postgres_restarted(cluster):
    a, b, postgres, _ = cluster
    sender = "pg-" + uuid.uuid4().hex
    for message, expected in BOOKING[:2]:
        assert expected in rest(a, sender, message)
    stored = stored_requests_checksum(postgres.url)
    events_before = events_of(postgres, sender)

    postgres.pause()
    try:
        assert health_status(a) == 503
        assert_emergencies_answered(a, "postgres down")
        assert_emergencies_answered(b, "postgres down")
        assert_clear_reply_with_phone(b, "postgres down", text="is it safe?")
        reply = rest(a, sender, "604 555 0134")  # an answer typed during the outage: a clear reply
        assert "604-555-0100" in reply
    finally:
        postgres.resume()

    assert events_of(postgres, sender) == events_before  # nothing half-written, nothing lost
    assert stored_requests_checksum(postgres.url) == stored
    # stale pooled connections are replaced: the very next turns work, on both servers
    assert "email" in rest(b, sender, "604 555 0134")
    for i, (message, expected) in enumerate(BOOKING[3:]):
        assert expected in rest((a, b)[i % 2], sender, message), message
    assert health_status(a) == 200 and health_status(b) == 200


def test_one_rasa_server_killed_mid_conversation_the_other_carries_on(cluster):
    a, b, postgres, _ = cluster
    sender = "kill-" + uuid.uuid4().hex
    for message, expected in BOOKING[:3]:
        assert expected in rest(a, sender, message)
    before = stored_requests_checksum(postgres.url)
    kill(a, "rasa")
    assert_emergencies_answered(b, "one rasa server killed")
    for message, expected in BOOKING[3:]:
        assert expected in rest(b, sender, message), message
    after = stored_requests_checksum(postgres.url)
    assert after.endswith(f"/{int(before.split('/')[1]) + 1}")
    a.start_rasa()  # back, and it knows the conversation the other server finished
    assert "sterile" in rest(a, sender, "is it safe?")
    assert stored_requests_checksum(postgres.url) == after
