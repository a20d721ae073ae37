"""Issue 18, point 5: what a receptionist tripped on (transcripts, lists, the queue, sign-in, headers)."""
import re
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from console import config, display
from console.db import audit, sessions
from console.ingest import Ingester
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import Tracker, action, bot, loop, page_csrf, sign_in, user
from tests.console.test_queue import store, submit

CSS = Path(__file__).resolve().parents[2] / "console" / "static" / "console.css"


def signed_in(dbs, client, name="dana", role="frontdesk"):
    make_user(dbs, name, role)
    sign_in(client, name, STRONG)


def audit_actions(dbs, action=None):
    with dbs.console.connect() as conn:
        query = select(audit).order_by(audit.c.id)
        return [r for r in conn.execute(query) if action is None or r.action == action]


# 1 -------------------------------------------------------------------------------------------------
def test_transcript_shows_the_tapped_buttons_title_not_its_payload(dbs, client):
    now = time.time() - 600
    fields = [{"title": "Phone number", "payload": '/correct_callback{"cb_field": "cb_phone"}'},
              {"title": "Email", "payload": '/correct_callback{"cb_field": "cb_email"}'}]
    Tracker(dbs.tracker).add("web-buttons", [
        user("/request_human", "request_human", 1.0, now, "socketio"),
        bot("Shall I send it?", now + 1, buttons=[{"title": "Yes, send it", "payload": "/affirm"},
                                                  {"title": "No, change something", "payload": "/deny"}]),
        user("/deny", "deny", 1.0, now + 2, "socketio"),
        bot("What would you like to change?", now + 3, buttons=fields),
        user('/correct_callback{"cb_field":"cb_phone"}', "correct_callback", 1.0, now + 4, "socketio"),  # other spacing
        user("/affirm", "affirm", 1.0, now + 5, "socketio"),  # a button long gone: its title was not this one
        user("/affirm", "affirm", 1.0, now + 6, "socketio")])
    Ingester(dbs).run_once()
    signed_in(dbs, client)
    page = client.get("/conversations/1").text
    patient = re.findall(r'<li class="patient[^"]*">.*?<p class="text"[^>]*>(.*?)</p>', page, re.S)
    shown = [re.sub(r"\s*<span.*", "", p) for p in patient]
    assert shown == ["Call-back", "No, change something", "Phone number", "Yes, send it", "Yes, send it"]
    assert "/affirm" not in page and "/deny" not in page and "/correct_callback" not in page
    assert "/request_human" not in page and "tapped a button" in page
    assert "Call-back" in client.get("/conversations").text  # the list's preview too


def test_payload_names_without_their_button():
    assert display.payload_name("/affirm") == "Yes" and display.payload_name("/deny") == "No"
    assert display.payload_name("/request_human") == "Call-back"
    assert display.payload_name('/correct_callback{"cb_field": "cb_phone"}') == "Change my phone"
    assert display.payload_name("/affirm@0.9") == "Yes"
    assert display.payload_name("what is /this") is None and display.payload_name("I'm a new patient") is None
    assert display.patient_text("hello /affirm") == ("hello /affirm", False)


# 2 -------------------------------------------------------------------------------------------------
def test_bot_message_line_breaks_are_kept_and_text_stays_escaped(dbs, client):
    now = time.time() - 600
    summary = "Here is what I have:\nName: Sam <b>Lee</b>\nPhone: 604 555 0134\nShall I send it?"
    Tracker(dbs.tracker).add("web-summary", [user("/request_human", "request_human", 1.0, now, "socketio"),
                                             bot(summary, now + 1)])
    Ingester(dbs).run_once()
    signed_in(dbs, client)
    page = client.get("/conversations/1").text
    assert "Here is what I have:\nName: Sam &lt;b&gt;Lee&lt;/b&gt;\nPhone: 604 555 0134\nShall I send it?" in page
    assert "<b>Lee</b>" not in page
    assert re.search(r"ol\.transcript \.text \{[^}]*white-space: pre-line", CSS.read_text())


# 3 -------------------------------------------------------------------------------------------------
def test_callback_requests_and_unanswered_questions_link_to_their_conversation(dbs, client):
    now = time.time() - 600
    t = Tracker(dbs.tracker)
    t.add("web-other", [user("hello there", "greet", 0.9, now - 50, "socketio")])
    t.add("web-cb", [user("/request_human", "request_human", 1.0, now, "socketio"),
                     loop("callback_form", now + 1), loop(None, now + 2), action("action_submit_callback", now + 3),
                     user("do you sell crutches", "out_of_scope", 0.8, now + 4, "socketio"),
                     action("action_out_of_scope", now + 5)])
    Ingester(dbs).run_once()
    request = submit(store(dbs), "Sam Lee", sender="web-cb")
    submit(store(dbs), "Unknown Sender", sender="never-seen")
    signed_in(dbs, client)
    detail = client.get(f"/callbacks/{request.id}").text
    assert '<a href="/conversations/2">C2</a>' in detail
    rows = client.get("/callbacks").text
    row = rows[rows.index("Sam Lee"):]
    row = row[:row.index("</tr>")]
    assert 'href="/conversations/2"' in row
    other = rows[rows.index("Unknown Sender"):]
    assert 'href="/conversations/' not in other[:other.index("</tr>")]
    unanswered = client.get("/unanswered").text
    group = unanswered[unanswered.index("do you sell crutches"):]
    assert '<a href="/conversations/2">C2</a>' in group[:group.index("</section>")]


# 4 -------------------------------------------------------------------------------------------------
def test_phone_numbers_read_the_north_american_way(dbs, client):
    assert display.phone("+16045550199") == "(604) 555-0199"
    assert display.phone("6045550199") == "(604) 555-0199" and display.phone("1 604 555 0199") == "(604) 555-0199"
    assert display.phone("+442071838750") == "+442071838750"  # other countries as stored
    assert display.phone("+11235550199") == "+11235550199"  # not a valid area code
    assert display.phone("") == "—"
    submit(store(dbs), "Sam Lee")
    signed_in(dbs, client)
    page = client.get("/callbacks").text
    assert "(604) 555-0134" in page and 'href="tel:+16045550134"' in page
    assert "(604) 555-0134" in client.get("/callbacks/1").text


# 5 -------------------------------------------------------------------------------------------------
def test_channels_have_staff_names(dbs, client):
    assert [display.channel_name(c) for c in ("socketio", "REST", "rest", "twilio", "slack", None)] == \
        ["Web chat", "API", "API", "SMS", "slack", "—"]
    now = time.time() - 600
    t = Tracker(dbs.tracker)
    for sender, channel in (("w", "socketio"), ("r", "rest"), ("s", "twilio"), ("u", "REST")):
        t.add(sender, [user("when are you open", "ask_hours", 0.9, now, channel)])
    Ingester(dbs).run_once()
    submit(store(dbs), "Sam Lee")  # channel "rest"
    signed_in(dbs, client)
    page = client.get("/conversations").text
    cells = re.findall(r'<td class="preview"[^>]*>.*?</td>\s*<td>([^<]*)</td>', page, re.S)
    assert sorted(cells) == ["API", "API", "SMS", "Web chat"]
    assert "socketio" not in page.replace('value="socketio"', "") and ">REST<" not in page and ">twilio<" not in page
    assert client.get("/conversations?channel=rest").text.count('href="/conversations/') == 2
    assert "<dd>API</dd>" in client.get("/callbacks/1").text
    assert "Web chat" in client.get("/insights").text


# 6 -------------------------------------------------------------------------------------------------
def test_conversation_list_preview_search_and_order_by_last_activity(dbs, client):
    now = time.time() - 3600
    t = Tracker(dbs.tracker)
    for i in range(1, 13):  # C1..C12, each more recently active than the one before
        t.add(f"web-{i}", [user(f"question number {i} about needles", "faq", 0.9, now + i * 10, "socketio",
                                faq="does_it_hurt")])
    t.add("web-rtl", [user("<script>alert(1)</script> " + "long words " * 20, "nlu_fallback", 0.2, now + 200,
                           "socketio"), user("100% sure_thing", "nlu_fallback", 0.2, now + 201, "socketio")])
    t.add("web-1", [user("Is it SAFE for my knee?", "faq", 0.9, now + 300, "socketio", faq="safety")])  # C1 again
    Ingester(dbs).run_once()
    signed_in(dbs, client)
    page = client.get("/conversations").text
    order = re.findall(r'<a href="/conversations/(\d+)">C\d+</a>', page)
    assert order == ["1", "13"] + [str(i) for i in range(12, 1, -1)]  # last activity, newest first; never C1, C10, C11...
    assert 'dir="auto">question number 12 about needles</td>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; long words" in page and "<script>alert" not in page
    preview = re.search(r'class="preview" dir="auto">(&lt;script.*?)</td>', page).group(1)
    assert preview.endswith("…") and len(preview) < 110
    found = client.get("/conversations?q=safe").text  # case-insensitive, over all of a conversation's messages
    assert re.findall(r'<a href="/conversations/(\d+)">', found) == ["1"] and 'value="safe"' in found
    assert re.findall(r'<a href="/conversations/(\d+)">', client.get("/conversations?q=number 1").text) == \
        ["1", "12", "11", "10"]
    assert re.findall(r'<a href="/conversations/(\d+)">', client.get("/conversations?q=100%25").text) == ["13"]
    assert "No conversations match" in client.get("/conversations?q=%25%25x").text  # % is not a wildcard
    assert "No conversations match" in client.get("/conversations?q=sure%25thing").text
    assert "No conversations match" in client.get("/conversations?q=' OR 1=1 --").text
    assert "No conversations match" in client.get("/conversations?q=faq").text  # the intent is not the text
    both = client.get("/conversations?q=needles&channel=socketio&outcome=faq").text
    assert len(re.findall(r'<a href="/conversations/\d+">', both)) == 12
    assert [r.detail for r in audit_actions(dbs, "searched conversations")][0] == "1 matching conversations"
    assert all("safe" not in (r.detail or "") for r in audit_actions(dbs))  # never the search words


# 7 -------------------------------------------------------------------------------------------------
INTERNAL = ("affirm", "deny", "bot_challenge", "greet", "goodbye", "thank", "nlu_fallback", "cancel",
            "correct_callback", "ask_more", "delete_my_data")


def test_topic_lists_offer_patient_topics_only_with_readable_names(dbs, client):
    from console.review import Review, is_patient_topic, patient_topics, topic_name
    topics = patient_topics()
    assert not set(INTERNAL) & set(topics)
    for wanted in ("faq/does_it_hurt", "ask_hours", "book_appointment", "request_human", "emergency",
                   "out_of_scope", "other_language"):
        assert wanted in topics, wanted
    assert not set(INTERNAL) & set(Review(dbs).topics) and "ask_hours" in Review(dbs).topics
    assert is_patient_topic("ask_parking") and not is_patient_topic("greet")
    assert topic_name("ask_hours") == "Opening hours" and topic_name("request_human") == "Call-back / talk to staff"
    assert topic_name("ask_parking") == "Parking"
    seed = time.time() - 600
    Tracker(dbs.tracker).add("web-x", [user("asdf qwerty", "nlu_fallback", 0.2, seed, "socketio"),
                                       action("action_fallback", seed + 1)])
    Ingester(dbs).run_once()
    signed_in(dbs, client)
    for path in ("/unanswered", "/conversations"):
        page = client.get(path).text
        options = re.findall(r'<option value="([^"]*)"', page)
        assert not set(INTERNAL) & set(options), path
        assert "ask_hours" in options and ">Opening hours</option>" in page, path
    assert ">Emergency</option>" in client.get("/conversations").text


# 8 -------------------------------------------------------------------------------------------------
def test_queue_page_explains_called_and_done(dbs, client):
    submit(store(dbs), "Sam Lee")
    signed_in(dbs, client)
    page = client.get("/callbacks").text
    help_line = re.search(r'<p class="hint" id="status-help">(.*?)</p>', page, re.S).group(1)
    assert "Called" in help_line and "Done" in help_line and "stays in the queue" in help_line
    assert 'title="Nobody has called the patient yet."' in page
    csrf = page_csrf(client, "/callbacks/1")
    client.post("/callbacks/1/action", data={"csrf": csrf, "action": "called"})
    assert 'title="Someone spoke to the patient; the request stays in the queue until it is marked Done."' in \
        client.get("/callbacks").text


# 9 -------------------------------------------------------------------------------------------------
def test_signed_out_visits_are_not_logged_as_denials(dbs, client):
    for path in ("/", "/callbacks", "/conversations/1", "/api/callbacks/latest", "/admin/audit"):
        assert client.get(path, follow_redirects=False).status_code in (303, 401)
    assert client.post("/callbacks/1/delete", data={"confirm": "yes"}).status_code == 401
    assert audit_actions(dbs) == []
    make_user(dbs, "dana", "frontdesk")
    assert sign_in(client, "dana", "wrong-password-x").status_code == 401
    assert [r.action for r in audit_actions(dbs)] == ["sign-in failed"]  # real sign-in failures still are
    sign_in(client, "dana", STRONG)
    assert client.get("/admin/audit").status_code == 403
    denied = audit_actions(dbs, "denied")
    assert len(denied) == 1 and denied[0].user_name == "dana"  # and what signed-in users are refused


# 10 ------------------------------------------------------------------------------------------------
def test_first_password_change_leads_to_the_home_page_with_a_confirmation(dbs, client):
    from console import security
    one_time = security.add_user(dbs.console, "newbie", "frontdesk")
    sign_in(client, "newbie", one_time)
    response = client.post("/account", data={"csrf": page_csrf(client), "what": "password", "current": one_time,
                                             "new": STRONG, "again": STRONG}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/?done=password"
    home = client.get(response.headers["location"])
    assert home.status_code == 200 and "<h1>Today</h1>" in home.text
    assert '<p class="ok" role="status">Your password has been changed.</p>' in home.text
    assert "has been changed" not in client.get("/").text  # once


# 11 ------------------------------------------------------------------------------------------------
def test_session_cookie_is_a_browser_session_cookie_with_a_30_minute_idle_timeout(dbs, app, client, monkeypatch):
    make_user(dbs, "dana", "frontdesk")
    response = sign_in(client, "dana", STRONG)
    cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith("console_session=")][0]
    assert "max-age" not in cookie.lower() and "expires" not in cookie.lower()
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert config.IDLE_TIMEOUT == 30 * 60
    with dbs.console.begin() as conn:
        conn.execute(update(sessions).values(last_seen=config.now_utc() - timedelta(minutes=29)))
    assert client.get("/callbacks").status_code == 200
    with dbs.console.begin() as conn:
        conn.execute(update(sessions).values(last_seen=config.now_utc() - timedelta(minutes=31)))
    response = client.get("/callbacks", follow_redirects=False)
    assert response.status_code == 303 and "why=expired" in response.headers["location"]
    from starlette.testclient import TestClient
    monkeypatch.setenv("CONSOLE_SECURE_COOKIES", "1")
    with TestClient(app, base_url="https://testserver") as secure:
        cookie = [h for h in sign_in(secure, "dana", STRONG).headers.get_list("set-cookie")
                  if "console_session=" in h][0]
        assert cookie.startswith("__Host-") and "Secure" in cookie and "HttpOnly" in cookie
        assert "max-age" not in cookie.lower() and "expires" not in cookie.lower()


def test_two_factor_sign_in_cookie_is_a_browser_session_cookie_too(dbs, client):
    import pyotp
    from tests.console.helpers import csrf_of
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    page = client.post("/account", data={"csrf": page_csrf(client), "what": "totp-start"})
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text).group(1)
    client.post("/account", data={"csrf": csrf_of(page.text), "what": "totp-confirm", "secret": secret,
                                  "code": pyotp.TOTP(secret).now()})
    client.post("/logout", data={"csrf": page_csrf(client, "/callbacks")})
    sign_in(client, "dana", STRONG)
    form = client.get("/login/totp")
    ok = client.post("/login/totp", data={"csrf": csrf_of(form.text), "code": pyotp.TOTP(secret).now(),
                                          "next": "/callbacks"}, follow_redirects=False)
    cookie = [h for h in ok.headers.get_list("set-cookie") if h.startswith("console_session=")][0]
    assert "max-age" not in cookie.lower() and "expires" not in cookie.lower()


# 12 ------------------------------------------------------------------------------------------------
def test_hsts_and_permissions_policy_on_every_response(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    responses = [client.get("/login"), client.get("/health"), client.get("/nowhere"),
                 client.get("/static/console.css"), client.get("/callbacks", follow_redirects=False)]
    sign_in(client, "dana", STRONG)
    responses += [client.get("/callbacks"), client.get("/conversations/99")]
    for r in responses:
        assert r.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains", r.url
        assert r.headers["permissions-policy"] == "camera=(), microphone=(), geolocation=(), payment=()", r.url
        assert r.headers["x-frame-options"] == "DENY" and "default-src 'self'" in r.headers["content-security-policy"]


def test_a_crash_page_has_the_headers_too():
    import asyncio
    from types import SimpleNamespace
    from console.app import server_error
    request = SimpleNamespace(method="GET", url=SimpleNamespace(path="/x"))
    response = asyncio.run(server_error(request, RuntimeError("boom")))  # sent outside the Headers middleware
    assert response.status_code == 500 and "Traceback" not in response.body.decode()
    assert response.headers["permissions-policy"] == "camera=(), microphone=(), geolocation=(), payment=()"
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
