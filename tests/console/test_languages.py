"""Patients' languages (issue 17): stored at ingest, shown, counted in insights; emergencies in any
language; `other_language` messages kept off the unanswered questions; right-to-left text."""
import time

from sqlalchemy import select, text

from console.db import conversations, create_tables, daily, messages
from console.ingest import Ingester, group_key
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import Tracker, action, bot, loop, sign_in, slot, user

KO, FA, ZH, PA, AR = ("ko", "Korean"), ("fa", "Persian (Farsi)"), ("zh-Hans", "Chinese (simplified)"), \
    ("pa", "Punjabi"), ("ar", "Arabic")


def seed(dbs):
    t = Tracker(dbs.tracker)
    now = time.time() - 600
    t.add("web-ko", [user("안녕하세요", "greet", 0.9, now, "socketio", language=KO),
                     user("치료 비용이 얼마예요?", "other_language", 0.95, now + 2, "socketio", language=KO),
                     bot("클리닉에 전화해 주세요.", now + 3),
                     user("ok thanks", "thank", 0.9, now + 4, "socketio", language=("en", "English"))])
    t.add("sms-fa", [user("ساعت کاری شما چیست؟", "other_language", 0.9, now + 10, "twilio", language=FA),
                     bot("لطفاً با کلینیک تماس بگیرید.", now + 11)])
    t.add("rest-old", [user("what's the weather like today?", "out_of_scope", 0.88, now + 20),  # no language key
                       action("action_out_of_scope", now + 21)])
    t.add("web-ar", [user("مرحبا", "other_language", 0.9, now + 30, "socketio", language=AR)])
    Ingester(dbs).run_once()
    return t


def signed_in(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)


def conv_id(dbs, sender):
    with dbs.console.connect() as conn:
        return conn.scalar(select(conversations.c.id).where(conversations.c.sender_id == sender))


def test_ingest_stores_the_language_per_message_and_per_conversation(dbs):
    seed(dbs)
    with dbs.console.connect() as conn:
        langs = dict(conn.execute(select(conversations.c.sender_id, conversations.c.language)).fetchall())
        assert langs == {"web-ko": "ko", "sms-fa": "fa", "rest-old": "en", "web-ar": "ar"}
        per_message = list(conn.scalars(select(messages.c.language).order_by(messages.c.event_id)))
        assert per_message == ["ko", "ko", "en", "fa", "en", "ar"]
        flags = dict(conn.execute(select(conversations.c.sender_id, conversations.c.other_language)).fetchall())
        assert flags == {"web-ko": True, "sms-fa": True, "rest-old": False, "web-ar": True}


def test_conversation_language_is_the_most_frequent_non_english_one_across_passes(dbs):
    t = Tracker(dbs.tracker)
    now = time.time() - 600
    ingester = Ingester(dbs)
    t.add("web-mix", [user("hello", "greet", 0.9, now, "socketio")])
    ingester.run_once()
    t.add("web-mix", [user("hola", "other_language", 0.9, now + 1, "socketio", language=("es", "Spanish")),
                      user("안녕", "other_language", 0.9, now + 2, "socketio", language=KO)])
    ingester.run_once()
    with dbs.console.connect() as conn:  # a tie: the language seen first
        assert conn.scalar(select(conversations.c.language)) == "es"
    t.add("web-mix", [user("감사합니다", "other_language", 0.9, now + 3, "socketio", language=KO),
                      loop("callback_form", now + 4), slot("requested_slot", "cb_name", now + 4),
                      user("Hola Garcia", "nlu_fallback", 0.3, now + 5, language=("es", "Spanish")),
                      user("Juan Garcia", "nlu_fallback", 0.3, now + 6, language=("es", "Spanish"))])
    ingester.run_once()
    with dbs.console.connect() as conn:  # form text (names, numbers) does not count
        assert conn.scalar(select(conversations.c.language)) == "ko"
        counts = dict(conn.execute(select(daily.c.key, daily.c.n).where(daily.c.kind == "language")).fetchall())
    assert counts == {"en": 0, "es": 0, "ko": 1}  # counted once, under its current language


def test_lists_and_transcript_show_the_language(dbs, client):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/conversations").text
    assert '<span class="tag tag-lang">Korean</span>' in page
    assert '<span class="tag tag-lang">Persian (Farsi)</span>' in page
    assert '<span class="tag tag-lang">Arabic</span>' in page  # the name the assistant reported
    assert "<th scope=\"col\">Language</th>" in page
    korean = client.get("/conversations?language=ko").text
    assert korean.count('href="/conversations/') == 1 and "Korean" in korean
    assert client.get("/conversations?language=non_en").text.count('href="/conversations/') == 3
    assert client.get("/conversations?language=other").text.count('href="/conversations/') == 1  # Arabic
    assert client.get("/conversations?language=en").text.count('href="/conversations/') == 1
    assert client.get("/conversations?language=<script>").status_code == 200
    transcript = client.get(f"/conversations/{conv_id(dbs, 'web-ko')}").text
    assert "language: <span class=\"tag tag-lang\">Korean</span>" in transcript
    assert transcript.count('<span class="tag tag-lang">Korean</span>') == 3  # header + two Korean messages
    assert '<p class="text" dir="auto" lang="ko">치료 비용이 얼마예요?</p>' in transcript
    assert '<p class="text" dir="auto">ok thanks</p>' in transcript  # English: no badge, no lang
    assert '<p class="text" dir="auto">클리닉에 전화해 주세요.</p>' in transcript


def test_right_to_left_text_gets_dir_auto(dbs, client):
    seed(dbs)
    t = Tracker(dbs.tracker)
    now = time.time() - 60
    t.add("web-fa2", [user("آیا پارکینگ دارید؟", "nlu_fallback", 0.2, now, "socketio", language=FA),
                      action("action_fallback", now + 1)])
    Ingester(dbs).run_once()
    signed_in(dbs, client)
    farsi = client.get(f"/conversations/{conv_id(dbs, 'sms-fa')}").text
    assert '<p class="text" dir="auto" lang="fa">ساعت کاری شما چیست؟</p>' in farsi
    assert '<p class="text" dir="auto">لطفاً با کلینیک تماس بگیرید.</p>' in farsi
    unanswered = client.get("/unanswered").text  # a Farsi message the assistant fell back on
    assert '“<span dir="auto">آیا پارکینگ دارید؟</span>”' in unanswered
    assert '<span dir="auto">آیا پارکینگ دارید؟</span>' in client.get("/").text


def test_old_events_without_a_language_count_as_english(dbs, client):
    t = Tracker(dbs.tracker)
    now = time.time() - 600
    t.add("rest-1", [user("do you do massages", "out_of_scope", 0.9, now), action("action_out_of_scope", now + 1)])
    t.add("rest-2", [user("hi", "greet", 0.9, now + 2)])
    broken = user("hola", "greet", 0.9, now + 3)
    broken["parse_data"]["language"] = {"code": "<b>", "name": 5}  # unusable: English
    t.add("rest-3", [broken])
    Ingester(dbs).run_once()
    with dbs.console.connect() as conn:
        assert set(conn.scalars(select(conversations.c.language))) == {"en"}
        assert set(conn.scalars(select(messages.c.language))) == {"en"}
    signed_in(dbs, client)
    assert "tag-lang" not in client.get("/conversations").text
    page = client.get("/insights").text
    assert "<td>English</td><td>3</td><td>100%</td>" in page
    assert "in other languages" not in page


def test_insights_count_conversations_by_language(dbs, client):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/insights").text
    assert "Conversations by language" in page
    for row in ("<td>Korean</td><td>1</td><td>25%</td>", "<td>English</td><td>1</td><td>25%</td>",
                "<td>Persian (Farsi)</td><td>1</td>", "<td>Arabic</td><td>1</td>"):
        assert row in page
    assert "language=ko&amp;from=" in page  # each bar drills down to its conversations
    assert "3 messages in other languages" in page and "outcome=other_language&amp;from=" in page
    assert "Conversations by language" in client.get("/insights?from=2001-01-01&to=2001-01-31").text
    assert "<td>Korean</td>" not in client.get("/insights?from=2001-01-01&to=2001-01-31").text


def test_other_language_messages_are_not_unanswered_questions(dbs, client):
    seed(dbs)
    signed_in(dbs, client)
    page = client.get("/unanswered").text
    assert "weather" in page  # an English miss is still there
    for text_ in ("치료", "ساعت", "مرحبا"):
        assert text_ not in page
    assert "3 messages in other languages in the last 30 days" in page
    link = page.split("3 messages in other languages")[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("/conversations?outcome=other_language&from=")
    listed = client.get(link).text
    assert listed.count('href="/conversations/') == 3 and "Other language (told to call)" in listed
    with dbs.console.connect() as conn:
        assert list(conn.scalars(select(messages.c.text).where(messages.c.outcome == "other_lang"))) == [None] * 3
    assert "not answered today" in client.get("/").text


def test_a_korean_emergency_is_highlighted_like_any_other(dbs, client):
    t = Tracker(dbs.tracker)
    now = time.time() - 600
    t.add("web-ko-911", [user("가슴이 너무 아파요", "emergency", 0.99, now, "socketio", language=KO),
                         action("utter_emergency", now + 1), bot("즉시 911에 전화하세요.", now + 2)])
    # the red-flag net answers a message NLU called other_language: an emergency all the same
    t.add("web-zh-911", [user("我胸口很痛，不能呼吸", "other_language", 0.9, now + 5, "socketio", language=ZH),
                         action("utter_emergency", now + 6)])
    Ingester(dbs).run_once()
    with dbs.console.connect() as conn:
        rows = conn.execute(select(conversations.c.sender_id, conversations.c.emergency,
                                   conversations.c.other_language)).fetchall()
        assert {r.sender_id: (r.emergency, r.other_language) for r in rows} == {
            "web-ko-911": (True, False), "web-zh-911": (True, False)}
        assert list(conn.scalars(select(messages.c.outcome))) == ["emergency", "emergency"]
    signed_in(dbs, client)
    page = client.get("/conversations").text
    assert page.count('<tr class="emergency">') == 2 and page.count("tag-emergency") == 2
    for sender in ("web-ko-911", "web-zh-911"):
        detail = client.get(f"/conversations/{conv_id(dbs, sender)}").text
        assert 'class="emergency-banner" role="alert"' in detail
        assert '<li class="patient emergency">' in detail
    assert client.get("/conversations?outcome=emergency&language=ko").text.count('href="/conversations/') == 1
    assert "2 emergency messages today" in client.get("/").text


def test_group_keys_for_text_in_other_scripts():
    assert group_key("가슴이 아파요") == "가슴이 아파요"
    assert group_key("가슴이 아파요!") == group_key("아파요 가슴이")
    assert group_key("ਮੈਨੂੰ ਦਰਦ ਹੈ") == "ਦਰਦ ਮੈਨੂੰ ਹੈ"  # vowel signs stay in their words
    assert group_key("\u0645\u06cc\u062e\u0648\u0627\u0647\u0645 \u0628\u06af\u06cc\u0631\u0645") == \
        group_key("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0628\u06af\u064a\u0631\u0645")  # ZWNJ, Arabic yeh
    assert group_key("我胸口很痛") == "口很 很痛 我胸 胸口"  # character pairs
    assert len(set(group_key("我胸口很痛").split()) & set(group_key("胸口痛").split())) == 1
    assert group_key("What's the weather like today?") == "like today weather"  # English as before
    for sample in ("你好", "سلام", "ਸਤ ਸ੍ਰੀ ਅਕਾਲ", "안녕"):
        assert group_key(sample).strip()


def test_an_existing_database_gets_the_new_columns(dbs, client):
    """A console database created before issue 17: the columns are added, old rows are English and the
    per-day counts get English conversations from the conversations already counted."""
    create_tables(dbs.console)
    with dbs.console.begin() as conn:
        for table, column in (("console_conversations", "language"), ("console_conversations", "other_language"),
                              ("console_messages", "language")):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        conn.execute(text("DROP TABLE console_languages"))
        conn.execute(text("INSERT INTO console_conversations (id, sender_id, channel, started, last, user_messages, "
                          "faq, fallback, out_of_scope, emergency, booking, callback, after_hours, in_form, "
                          "emergency_notified) VALUES (1, 'old-1', 'rest', :t, :t, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1)"),
                     {"t": time.time() - 3600})
        conn.execute(text("INSERT INTO console_daily (day, kind, key, n) VALUES "
                          "('2020-01-01', 'start', 'open', 2), ('2020-01-01', 'start', 'after', 1)"))
    create_tables(dbs.console)
    create_tables(dbs.console)  # twice: nothing more to do
    with dbs.console.connect() as conn:
        assert conn.execute(select(conversations.c.language, conversations.c.other_language)).one() == ("en", False)
        assert conn.execute(select(daily.c.key, daily.c.n).where(daily.c.kind == "language")).fetchall() == \
            [("en", 3)]
    Tracker(dbs.tracker).add("web-ko", [user("안녕하세요", "other_language", 0.9, time.time(), language=KO)])
    ingester = Ingester(dbs)
    ingester.last_reconcile = time.monotonic()  # old-1 has no events in this test's tracker store: keep it
    ingester.run_once()
    signed_in(dbs, client)
    page = client.get("/conversations").text
    assert page.count('href="/conversations/') == 2 and "Korean" in page
    assert client.get("/insights?from=2020-01-01&to=2020-01-01").text.count("<td>English</td><td>3</td>") == 1
