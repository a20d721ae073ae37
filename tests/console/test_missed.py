"""Issue 18, point 4: the misses staff could not see. Answers given with low confidence are listed for
review ("answered, unsure"); staff mark patient messages as missed emergencies (audited, exported)."""
import csv
import io
import re
import time

from sqlalchemy import inspect, select, text

from console import config
from console.db import audit, create_tables, messages, missed_emergencies
from console.ingest import Ingester
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import Tracker, action, bot, page_csrf, sign_in, user

KO = ("ko", "Korean")


def signed_in(dbs, client, name="dana", role="frontdesk"):
    make_user(dbs, name, role)
    sign_in(client, name, STRONG)


def audit_rows(dbs, action=None):
    with dbs.console.connect() as conn:
        return [r for r in conn.execute(select(audit).order_by(audit.c.id)) if action is None or r.action == action]


def group_of(page: str, words: str) -> str:
    part = page[page.index(words):]
    return part[:part.index("</section>")]


# 1: answered, unsure ----------------------------------------------------------------------------------
def test_a_low_confidence_answer_is_listed_as_answered_unsure_a_confident_one_is_not(dbs, client):
    now = time.time() - 600
    t = Tracker(dbs.tracker)
    t.add("web-bill", [user("you charged me twice for my last visit", "book_appointment", 0.48, now, "socketio"),
                       action("action_book_online", now + 1), bot("Book online here: ...", now + 2)])
    t.add("web-faq", [user("is it painful or not", "faq", 0.9, now + 10, faq="does_it_hurt", faq_conf=0.41)])
    t.add("web-sure", [user("how do I book an appointment", "book_appointment", 0.93, now + 20),
                       user("does dry needling hurt", "faq", 0.95, now + 21, faq="does_it_hurt", faq_conf=0.9)])
    t.add("web-form", [user("/request_human", "request_human", 1.0, now + 30),
                       {"event": "active_loop", "timestamp": now + 31, "name": "callback_form"},
                       user("Sam Lee", "greet", 0.3, now + 32)])  # form text: never copied, never listed
    Ingester(dbs).run_once()
    with dbs.console.connect() as conn:
        rows = {r.text: (r.outcome, r.unsure) for r in conn.execute(select(messages).where(messages.c.unsure))}
    assert rows == {"you charged me twice for my last visit": ("other", True),
                    "is it painful or not": ("faq", True)}
    signed_in(dbs, client)
    page = client.get("/unanswered").text
    billing = group_of(page, "you charged me twice")
    assert "Answered, unsure" in billing and "Booking an appointment" in billing and "48% sure" in billing
    assert '<a href="/conversations/1">C1</a>' in billing
    faq = group_of(page, "is it painful or not")
    assert "FAQ: does it hurt" in faq and "41% sure" in faq  # the FAQ answer's own confidence
    assert "how do I book" not in page and "does dry needling hurt" not in page and "Sam Lee" not in page
    # staff label it like an unanswered question: it becomes a training example
    key = re.search(r'name="key" value="([^"]+)"', billing).group(1)
    response = client.post("/unanswered/label", data={"csrf": page_csrf(client, "/unanswered"), "key": key,
                                                      "label": "new"}, follow_redirects=False)
    assert response.status_code == 303
    assert "you charged me twice" in client.get("/unanswered?status=reviewed").text
    client.post("/unanswered/label", data={"csrf": page_csrf(client, "/unanswered"), "key": key, "label": "topic",
                                           "topic": "ask_cost"})
    assert "you charged me twice for my last visit" in open(config.reviewed_file()).read()


def test_the_unsure_bar_is_configurable_and_a_later_fallback_wins(dbs, monkeypatch):
    monkeypatch.setenv("CONSOLE_UNSURE_BELOW", "0.3")
    now = time.time() - 600
    Tracker(dbs.tracker).add("web-1", [
        user("where do I park", "ask_location", 0.48, now),  # under 0.6, over 0.3: not unsure
        user("my invoice is wrong", "ask_cost", 0.2, now + 1),
        user("blah blah", "greet", 0.1, now + 2), action("action_fallback", now + 3)])
    Ingester(dbs).run_once()
    with dbs.console.connect() as conn:
        rows = conn.execute(select(messages.c.text, messages.c.outcome, messages.c.unsure)
                            .order_by(messages.c.ts)).fetchall()
    assert [tuple(r) for r in rows] == [(None, "other", False), ("my invoice is wrong", "other", True),
                                        ("blah blah", "fallback", False)]


# 2: missed emergencies -------------------------------------------------------------------------------
def conversation_with_a_missed_red_flag(dbs):
    now = time.time() - 600
    Tracker(dbs.tracker).add("web-chest", [
        user("hi", "greet", 0.99, now, "socketio"), bot("Hello!", now + 1),
        user("my chest feels tight and my left arm is numb, call 604 555 0199", "ask_hours", 0.55, now + 2,
             "socketio", language=KO),
        bot("We are open 8-6.", now + 3)])
    Ingester(dbs).run_once()
    with dbs.tracker.connect() as conn:
        return conn.scalar(text("SELECT max(id) FROM events WHERE type_name = 'user'"))


def test_staff_mark_and_unmark_a_missed_emergency_audited_without_the_text(dbs, client):
    event_id = conversation_with_a_missed_red_flag(dbs)
    signed_in(dbs, client)
    page = client.get("/conversations/1").text
    assert page.count("Mark as missed emergency") == 2 and 'class="emergency-banner"' not in page
    url = "/conversations/1/missed-emergency"
    # no token, a wrong token: refused, nothing marked
    assert client.post(url, data={"message": str(event_id), "action": "mark"}).status_code == 403
    assert client.post(url, data={"message": str(event_id), "action": "mark", "csrf": "x" * 40}).status_code == 403
    csrf = page_csrf(client, "/conversations/1")
    assert client.post(url, data={"message": "999", "action": "mark", "csrf": csrf}).status_code == 404
    with dbs.console.connect() as conn:
        assert conn.execute(select(missed_emergencies)).fetchall() == []
    response = client.post(url, data={"message": str(event_id), "action": "mark", "csrf": csrf},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/conversations/1")
    [row] = audit_rows(dbs, "marked missed emergency")
    assert row.user_name == "dana" and row.at is not None and row.target == "C1"
    assert row.detail == f"message {event_id}"
    assert all("chest" not in (r.detail or "") + (r.target or "") for r in audit_rows(dbs))
    # highlighted like an emergency: the transcript line, the banner, the list
    page = client.get("/conversations/1").text
    line = re.search(r'<li class="patient emergency">.*?</li>', page, re.S).group(0)
    assert "my chest feels tight" in line and "Missed emergency" in line and "un-mark" in line
    assert page.count('<li class="patient emergency">') == 1 and 'class="emergency-banner"' in page
    listed = client.get("/conversations").text
    assert '<tr class="emergency">' in listed and "Missed emergency" in listed
    # un-marking: audited too
    client.post(url, data={"message": str(event_id), "action": "unmark", "csrf": page_csrf(client, "/conversations/1")})
    [row] = audit_rows(dbs, "unmarked missed emergency")
    assert row.user_name == "dana" and row.detail == f"message {event_id}"
    page = client.get("/conversations/1").text
    assert '<li class="patient emergency">' not in page and "Missed emergency" not in client.get("/conversations").text


def test_signed_out_cannot_mark_or_see_missed_emergencies(dbs, client):
    event_id = conversation_with_a_missed_red_flag(dbs)
    response = client.post("/conversations/1/missed-emergency", data={"message": str(event_id), "action": "mark"},
                           follow_redirects=False)
    assert response.status_code == 401
    for path in ("/missed-emergencies", "/missed-emergencies.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"]
        assert "chest" not in response.text
    with dbs.console.connect() as conn:
        assert conn.execute(select(missed_emergencies)).fetchall() == []


def test_missed_emergencies_are_listed_exported_and_counted(dbs, client, other_client):
    event_id = conversation_with_a_missed_red_flag(dbs)
    signed_in(dbs, client)
    client.post("/conversations/1/missed-emergency", data={"message": str(event_id), "action": "mark",
                                                            "csrf": page_csrf(client, "/conversations/1")})
    for c, name, role in ((client, "dana", "frontdesk"), (other_client, "ada", "admin")):
        if c is other_client:
            signed_in(dbs, c, name, role)
        page = c.get("/missed-emergencies").text
        assert "<h1>Missed emergencies</h1>" in page and "Korean" in page and 'lang="ko"' in page
        assert "my chest feels tight" in page and '<a href="/conversations/1#m' in page
        assert "604 555 0199" not in page  # digit runs masked
        response = c.get("/missed-emergencies.csv")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["date (Vancouver)", "text", "language", "conversation", "link"]
        assert len(rows) == 2 and rows[1][1].startswith("my chest feels tight") and rows[1][2] == "ko"
        assert rows[1][3] == "C1" and rows[1][4].endswith("/conversations/1") and re.match(r"\d{4}-\d\d-\d\d", rows[1][0])
    assert len(audit_rows(dbs, "exported missed emergencies")) == 2
    insights = client.get("/insights").text
    assert "1 missed emergency marked by staff" in insights and "<th scope=\"col\">Missed emergencies</th>" in insights
    # the conversation erased from the tracker store ("delete my details"): its marks go too
    with dbs.tracker.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE sender_id = 'web-chest'"))
    Ingester(dbs).reconcile()
    with dbs.console.connect() as conn:
        assert conn.execute(select(missed_emergencies)).fetchall() == []
    assert "my chest" not in client.get("/missed-emergencies").text


# 3: old databases ------------------------------------------------------------------------------------
def test_an_existing_database_gains_the_unsure_column_and_the_marks_table(dbs):
    create_tables(dbs.console)
    with dbs.console.begin() as conn:
        conn.execute(text("ALTER TABLE console_messages DROP COLUMN unsure"))
        conn.execute(text("DROP TABLE console_missed_emergencies"))
        conn.execute(text("INSERT INTO console_messages (event_id, conversation_id, ts, outcome, language) "
                          "VALUES (1, 1, 1.0, 'faq', 'en')"))
    create_tables(dbs.console)
    create_tables(dbs.console)  # twice: nothing more to do
    inspector = inspect(dbs.console)
    assert "unsure" in {c["name"] for c in inspector.get_columns("console_messages")}
    assert inspector.has_table("console_missed_emergencies")
    with dbs.console.connect() as conn:
        assert conn.execute(select(messages.c.unsure)).scalar_one() is False
