"""Two Rasa servers and one action server on a shared PostgreSQL tracker store and Redis lock
store: a conversation can move between servers mid-form, and concurrent messages to one
conversation are handled one at a time, with nothing lost."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy

from callbacks.store import CallbackStore
from tests.backing_services import Postgres, Redis
from tests.servers import Stack, texts


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("cluster")
    postgres, redis = Postgres(workdir).start(), Redis(workdir).start()
    env = {**postgres.env(), **redis.env(), "CALLBACK_DB_URL": postgres.url}
    first = Stack(workdir / "a", env=env, endpoints="endpoints.prod.yml").start()
    second = Stack(workdir / "b", env={**env, "ACTION_ENDPOINT_URL": first.env["ACTION_ENDPOINT_URL"]},
                   endpoints="endpoints.prod.yml")
    second.start_rasa()
    yield first, second, postgres
    second.stop()
    first.stop()
    redis.stop()
    postgres.stop()



def test_a_booking_alternating_between_two_servers(cluster):
    a, b, postgres = cluster
    sender = uuid.uuid4().hex
    steps = [("can someone call me back?", "What name"), ("Sam Lee", "phone number"),
             ("is this acupuncture?", "Traditional Chinese Medicine"), ("604 555 0134", "email"),
             ("skip", "When would you like"), ("any weekday morning", "clinic before"),
             ("I'm a new patient", "Privacy"), ("yes", "Shall I send it"), ("yes", "Reference: CB-")]
    for i, (message, expected) in enumerate(steps):
        server = (a, b)[i % 2]
        assert expected in texts(server.say(sender, message)), (i, message)
    [row] = [r for r in CallbackStore(postgres.url).list() if r.name == "Sam Lee"]
    assert row.phone == "+16045550134"


def test_concurrent_messages_to_one_conversation_are_all_handled_in_order(cluster):
    a, b, postgres = cluster
    sender = uuid.uuid4().hex
    messages = [f"is it safe? ({i})" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda im: (a, b)[im[0] % 2].say(sender, im[1], timeout=60), enumerate(messages)))
    assert all("sterile" in texts(r) for r in replies)
    engine = sqlalchemy.create_engine(postgres.url)
    with engine.connect() as db:
        rows = db.execute(sqlalchemy.text(
            "select type_name, data from events where sender_id = :s order by id"), {"s": sender}).fetchall()
    users = [r for r in rows if r[0] == "user"]
    assert len(users) == 8  # nothing lost
    # in order: every user message is followed by its own answer before the next user message
    kinds = [r[0] for r in rows if r[0] in ("user", "bot")]
    assert kinds == ["user", "bot"] * 8
