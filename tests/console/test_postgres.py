"""The console against a real PostgreSQL (Debian's binaries, as in the scale-out test): tracker store,
call-back requests and the console's own tables in one database, as in production."""
import time

import pytest
from sqlalchemy import text

from tests.console.conftest import STRONG, make_user
from tests.console.helpers import Tracker, action, csrf_of, sign_in, user


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    from tests.backing_services import Postgres
    server = Postgres(tmp_path_factory.mktemp("pg")).start()
    yield server
    server.stop()


def test_console_on_postgresql(postgres, monkeypatch, tmp_path):
    from starlette.testclient import TestClient
    from callbacks.store import CallbackStore
    from console.app import create_app
    from console.db import Databases
    from console.ingest import Ingester

    for k, v in postgres.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("CONSOLE_DB_URL", postgres.url)
    monkeypatch.setenv("CALLBACK_DB_URL", postgres.url)
    monkeypatch.setenv("CONSOLE_REVIEWED_FILE", str(tmp_path / "nlu_reviewed.yml"))
    dbs = Databases()  # from the environment, like `python -m console serve` in production
    assert dbs.tracker.dialect.name == dbs.console.dialect.name == dbs.callbacks.dialect.name == "postgresql"
    now = time.time()
    Tracker(dbs.tracker).add("sms-pg", [user("do you sell crutches", "out_of_scope", 0.8, now, "twilio"),
                                        action("action_out_of_scope", now + 1)])
    request, _ = CallbackStore(postgres.url.replace("postgresql://", "postgresql+psycopg2://")).submit(
        sender_id="sms-pg", name="Pat Green", phone="+16045550111", email=None, preferred_time="tomorrow",
        preferred_start=None, patient_type="returning")
    app = create_app(dbs)
    Ingester(dbs).run_once()
    make_user(dbs, "dana", "frontdesk")
    with TestClient(app) as client:
        assert client.get("/health").json()["status"] == "ok"
        sign_in(client, "dana", STRONG)
        assert "Pat Green" in client.get("/callbacks").text
        csrf = csrf_of(client.get(f"/callbacks/{request.id}").text)
        client.post(f"/callbacks/{request.id}/action", data={"csrf": csrf, "action": "done"})
        assert CallbackStore(postgres.url.replace("postgresql://", "postgresql+psycopg2://")).list("new") == []
        assert "SMS" in client.get("/conversations?channel=twilio").text
        found = client.get("/conversations?q=SELL Crutch").text  # issue 18: text search, preview
        assert found.count('href="/conversations/') == 1 and 'dir="auto">do you sell crutches</td>' in found
        assert "No conversations match" in client.get("/conversations?q=sell%25crutch").text
        assert "No conversations match" in client.get("/conversations?q=out_of_scope").text
        page = client.get("/unanswered").text
        assert "do you sell crutches" in page
        from console.ingest import group_key
        client.post("/unanswered/label", data={"csrf": csrf, "key": group_key("do you sell crutches"),
                                               "label": "not_for_us"})
        assert "do you sell crutches" in (tmp_path / "nlu_reviewed.yml").read_text()
        assert client.get("/insights").text.count("<svg") >= 5
    with pytest.raises(Exception):  # append-only on PostgreSQL too
        with dbs.console.begin() as conn:
            conn.execute(text("DELETE FROM console_audit"))


def test_languages_and_added_columns_on_postgresql(postgres, monkeypatch, tmp_path):
    """Issue 17 on PostgreSQL: a database from before gets the new columns; languages are counted."""
    from sqlalchemy import select
    from starlette.testclient import TestClient
    from console.app import create_app
    from console.db import Databases, conversations, create_tables, daily
    from console.ingest import Ingester

    monkeypatch.setenv("CALLBACK_DB_URL", postgres.url)
    monkeypatch.setenv("CONSOLE_REVIEWED_FILE", str(tmp_path / "nlu_reviewed.yml"))
    dbs = Databases(postgres.url, postgres.url, postgres.url)
    create_tables(dbs.console)
    with dbs.console.begin() as conn:
        for table, column in (("console_conversations", "language"), ("console_conversations", "other_language"),
                              ("console_messages", "language")):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        conn.execute(text("DELETE FROM console_daily WHERE kind = 'language'"))
    create_tables(dbs.console)
    with dbs.console.connect() as conn:
        assert set(conn.scalars(select(conversations.c.language))) <= {"en"}
        started = conn.scalar(text("SELECT COALESCE(SUM(n), 0) FROM console_daily WHERE kind = 'start'"))
        assert conn.scalar(select(daily.c.n).where(daily.c.kind == "language")) == started
    now = time.time()
    ko = ("ko", "Korean")
    Tracker(dbs.tracker).add("web-pg-ko", [
        user("가슴이 아파요", "emergency", 0.99, now, "socketio", language=ko), action("utter_emergency", now + 1),
        user("비용이 얼마예요?", "other_language", 0.9, now + 2, "socketio", language=ko)])
    Ingester(dbs).run_once()
    make_user(dbs, "kim", "frontdesk")
    with TestClient(create_app(dbs)) as client:
        sign_in(client, "kim", STRONG)
        page = client.get("/conversations?language=ko").text
        assert page.count('href="/conversations/') == 1 and 'class="emergency"' in page and "Korean" in page
        assert "<td>Korean</td><td>1</td>" in client.get("/insights").text
        assert "1 message in other languages" in client.get("/unanswered").text
