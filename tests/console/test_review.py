"""Tracker-store facts: conversations, transcripts, unanswered questions, labels, insights, emergencies."""
import time

import yaml
from sqlalchemy import delete

from console.db import events
from console.ingest import Ingester, group_key
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import Tracker, action, bot, csrf_of, loop, sign_in, slot, user


def seed(dbs):
    t = Tracker(dbs.tracker)
    now = time.time() - 600
    t.add("web-1", [user("is this acupuncture?", "faq", 0.97, now, "socketio", faq="vs_acupuncture", faq_conf=0.91),
                    bot("No, dry needling is not acupuncture.", now + 1),
                    user("what's the weather like today?", "out_of_scope", 0.88, now + 5, "socketio"),
                    action("action_out_of_scope", now + 6)])
    t.add("rest-1", [user("can someone call me back?", "request_human", 0.95, now + 10),
                     loop("callback_form", now + 11), slot("requested_slot", "cb_name", now + 11),
                     user("Zyxw Qvrt", "nlu_fallback", 0.3, now + 12),  # a name typed into the form
                     user("604 555 0134", "nlu_fallback", 0.3, now + 13),
                     loop(None, now + 14), slot("requested_slot", None, now + 14),
                     action("action_submit_callback", now + 15),
                     user("asdf qwerty zxcv", "nlu_fallback", 0.2, now + 20),
                     action("action_fallback", now + 21)])
    t.add("sms-abc", [user("the weather today?", "out_of_scope", 0.7, now + 30, "twilio"),
                      user("I have chest pain after needling", "emergency", 1.0, now + 31, "twilio"),
                      action("utter_emergency", now + 32), action("action_book_online", now + 33)])
    Ingester(dbs).run_once()
    return t


def signed_in(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)


def test_grouping_key_joins_similar_wordings():
    assert group_key("What's the weather like today?") == group_key("whats the weather like today")
    assert group_key("do you do massages") == group_key("Do you do massage?")
    assert group_key("the weather today?") != group_key("asdf qwerty zxcv")


def test_conversations_list_tags_filters_and_transcript(dbs, client):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/conversations").text
    assert page.count('href="/conversations/') == 3
    assert "Emergency" in page and 'class="emergency"' in page
    sms = client.get("/conversations?channel=twilio").text
    assert sms.count('href="/conversations/') == 1 and "SMS" in sms
    assert client.get("/conversations?outcome=callback").text.count('href="/conversations/') == 1
    assert client.get("/conversations?outcome=faq").text.count('href="/conversations/') == 1
    assert client.get("/conversations?outcome=emergency&channel=socketio").text.count('href="/conversations/') == 0
    assert client.get("/conversations?from=2001-01-01&to=2001-01-02").text.count('href="/conversations/') == 0
    transcript = client.get("/conversations/1").text
    assert "is this acupuncture?" in transcript and "FAQ: vs acupuncture" in transcript and "91%" in transcript
    assert "not acupuncture" in transcript
    form = client.get("/conversations/2").text
    assert "Typed into the call-back form" in form


def test_unanswered_groups_never_offer_form_text(dbs, client):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/unanswered").text
    assert "asdf qwerty zxcv" in page
    assert "weather" in page and "2 times" in page
    assert "Zyxw" not in page and "555" not in page


def test_labels_write_rasa_nlu_yaml(dbs, client, tmp_path):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/unanswered").text
    csrf = csrf_of(page)
    weather = group_key("what's the weather like today?")
    client.post("/unanswered/label", data={"csrf": csrf, "key": weather, "label": "not_for_us"})
    client.post("/unanswered/label", data={"csrf": csrf, "key": group_key("asdf qwerty zxcv"),
                                           "label": "topic", "topic": "faq/what_is_dry_needling"})
    assert client.post("/unanswered/label", data={"csrf": csrf, "key": group_key("asdf qwerty zxcv"),
                                                  "label": "topic", "topic": "nonsense"}).status_code == 400
    assert client.post("/unanswered/label", data={"csrf": csrf, "key": group_key("Zyxw Qvrt"),
                                                  "label": "new"}).status_code == 404  # form text: no group
    data = yaml.safe_load((tmp_path / "nlu_reviewed.yml").read_text())
    assert data["version"] == "3.1"
    by_intent = {block["intent"]: block["examples"] for block in data["nlu"]}
    assert "- asdf qwerty zxcv" in by_intent["faq/what_is_dry_needling"]
    assert "- the weather today?" in by_intent["out_of_scope"]
    assert "what's the weather like today?" in by_intent["out_of_scope"]
    assert "asdf qwerty zxcv" not in client.get("/unanswered").text  # reviewed: moved off the list
    reviewed = client.get("/unanswered?status=reviewed").text
    assert "asdf qwerty zxcv" in reviewed and "Not for us" in reviewed
    client.post("/unanswered/label", data={"csrf": csrf, "key": weather, "label": "clear"})
    data = yaml.safe_load((tmp_path / "nlu_reviewed.yml").read_text())
    assert [b["intent"] for b in data["nlu"]] == ["faq/what_is_dry_needling"]


def test_new_events_are_picked_up_and_erased_conversations_forgotten(dbs, client):
    t = seed(dbs)
    signed_in(dbs, client)
    ingester = Ingester(dbs)
    t.add("web-2", [user("do you do massages", "out_of_scope", 0.9, time.time(), "socketio")])
    assert ingester.run_once() == 1
    assert "do you do massages" in client.get("/unanswered").text
    with dbs.tracker.begin() as conn:  # "delete my details" erased it from the tracker store
        conn.execute(delete(events).where(events.c.sender_id == "web-2"))
    ingester.run_once(reconcile_every=0)
    assert "do you do massages" not in client.get("/unanswered").text
    assert client.get("/conversations").text.count('href="/conversations/') == 3


def test_insights_draw_svg_with_drill_down_links(dbs, client):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/insights")
    assert page.status_code == 200
    assert page.text.count("<svg") == 7  # the 7th: conversations by language
    assert 'href="/conversations?channel=twilio&amp;from=' in page.text
    assert "outcome=emergency" in page.text and "topic=faq%2Fvs_acupuncture" in page.text
    assert "<script src=\"http" not in page.text
    drill = client.get("/conversations?topic=faq/vs_acupuncture").text
    assert drill.count('href="/conversations/') == 1
    assert client.get("/insights?from=2026-13-40&to=x").status_code == 200


def test_emergency_email_has_reference_and_time_only(dbs, monkeypatch):
    from tests.smtp_server import SmtpServer
    seed_time = time.time()
    server = SmtpServer().start()
    try:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(server.port))
        monkeypatch.setenv("FRONT_DESK_EMAIL", "desk@example.com")
        seed(dbs)
        ingester = Ingester(dbs)
        assert ingester.notify_emergencies() == 1
        assert ingester.notify_emergencies() == 0  # once
        deadline = time.time() + 5
        while not server.messages and time.time() < deadline:
            time.sleep(0.05)
        [message] = server.messages
        body = message.get_payload()
        assert "C3" in message["Subject"] and "Reference: C3" in body
        assert "chest" not in body.lower() and "needling" not in message["Subject"].lower()
        assert seed_time
    finally:
        server.stop()


def test_new_topic_requests_are_listed_but_not_trained(dbs, client, tmp_path):
    seed(dbs)
    signed_in(dbs, client)
    csrf = csrf_of(client.get("/unanswered").text)
    client.post("/unanswered/label", data={"csrf": csrf, "key": group_key("asdf qwerty zxcv"), "label": "new"})
    reviewed = client.get("/unanswered?status=reviewed").text
    assert "New topics requested" in reviewed and '“<span dir="auto">asdf qwerty zxcv</span>”' in reviewed
    assert "asdf" not in (tmp_path / "nlu_reviewed.yml").read_text()
    assert yaml.safe_load((tmp_path / "nlu_reviewed.yml").read_text())["nlu"] == []


def test_today_page(dbs, client):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/").text
    assert "emergency message" in page and "3</strong> conversations today" in page
    assert "asdf qwerty zxcv" in page


def test_topics_come_from_the_domain(tmp_path):
    from console.review import load_topics
    domain = tmp_path / "domain.yml"
    domain.write_text("intents:\n  - greet\n  - emergency\n  - ask_parking\n  - faq:\n      is_retrieval_intent: true\n"
                      "responses:\n  utter_faq/new_key:\n  - text: x\n  utter_greet:\n  - text: hi\n")
    assert load_topics(domain) == ["faq/new_key", "greet", "ask_parking"]
    assert "faq/vs_acupuncture" in load_topics(tmp_path / "missing.yml")


def test_red_flag_net_marks_count_as_emergencies(dbs):
    from sqlalchemy import select
    from console.db import conversations, messages
    now = time.time()
    red = user("my chest feels tight since the session", "faq", 0.6, now, "socketio", faq="soreness_after")
    red["parse_data"]["entities"] = [{"entity": "emergency_kind", "value": "medical"}]
    Tracker(dbs.tracker).add("web-red", [red, action("utter_emergency", now + 1)])
    Tracker(dbs.tracker).add("web-red2", [user("I can't breathe well", "ask_hours", 0.5, now, "socketio"),
                                          action("utter_emergency", now + 1)])
    Ingester(dbs).run_once()
    with dbs.console.connect() as conn:
        assert list(conn.scalars(select(messages.c.outcome))) == ["emergency", "emergency"]
        assert all(conn.scalars(select(conversations.c.emergency)))
