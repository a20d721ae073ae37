"""Issue 18, point 2: the answers page. Admins edit FAQ answers and scoped replies (web and SMS text)
beside the clinic's page, preview them as patients see them, and save drafts; emergency texts are
shown, never changed."""
import html
import re

import pytest
from sqlalchemy import select

from clinic import answer_catalogue, content_store
from console.db import audit
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import csrf_of, sign_in

HURT = "utter_faq/does_it_hurt"
EDIT = "/admin/answers/edit?response=" + HURT
NEW = "Most people feel a brief pinch, then a dull ache or a twitch. Tell your physio if you're nervous."


@pytest.fixture
def eng(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'content.db'}"
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", url)
    return content_store.engine(url)


@pytest.fixture
def admin(dbs, client, eng):
    make_user(dbs, "alex", "admin")
    sign_in(client, "alex", STRONG)
    return client


def base_of(page: str) -> str:
    found = re.search(r'name="base_draft" value="([^"]*)"', page)
    return found.group(1) if found else ""


def post(client, url, **data):
    """As a browser does: the form's hidden fields (token, the draft it was opened on), then the edits."""
    page = client.get(url).text
    return client.post(url, data={"csrf": csrf_of(page), "base_draft": base_of(page), **data},
                       follow_redirects=False)


def test_a_draft_saved_meanwhile_by_another_admin_is_not_overwritten(admin, eng):
    opened = admin.get(EDIT).text  # this admin opens the page ...
    other = post(admin, "/admin/answers/edit?response=utter_faq/aftercare",
                 text="Drink water and take it easy for the rest of the day.", sms_text="", note="", action="save")
    assert other.status_code == 303  # ... another admin saves a draft
    response = admin.post(EDIT, data={"csrf": csrf_of(opened), "base_draft": base_of(opened), "text": NEW,
                                      "sms_text": "", "note": "", "action": "save"}, follow_redirects=False)
    assert response.status_code == 409 and "Someone saved another answer draft" in response.text
    draft = content_store.latest_version(eng, content_store.ANSWERS)["body"]
    assert "utter_faq/aftercare" in draft and "utter_faq/does_it_hurt" not in draft


def audit_rows(dbs, action):
    with dbs.console.connect() as conn:
        return [r for r in conn.execute(select(audit).order_by(audit.c.id)) if r.action == action]


def test_list_groups_every_answer_and_links_to_publish(admin):
    page = admin.get("/admin/answers")
    assert page.status_code == 200
    text = page.text
    for heading in ("FAQ answers", "Other replies", "Call-back form questions", "Emergency and crisis texts"):
        assert heading in text
    for name in ("utter_faq/does_it_hurt", "utter_faq/side_effects", "utter_acupuncture", "utter_medication",
                 "utter_goodbye", "utter_emergency", "utter_other_language", "utter_ask_cb_phone"):
        assert name in text
    assert 'href="/admin/publish"' in text
    assert "call or text 988" in text  # the emergency texts are shown
    assert "Live: shipped text" in text and "Draft differs from live" not in text
    # no edit link for the read-only texts: they say View
    row = re.search(r"utter_emergency.*?</tr>", text, re.S).group(0)
    assert ">View<" in row and ">Edit<" not in row


def test_edit_page_shows_the_passage_and_a_preview_with_buttons_and_sms(admin):
    page = admin.get(EDIT).text
    assert "You may feel a brief sensation of pressure or discomfort as the needle is inserted" in page  # the page
    assert "Page line 25" in page
    assert "Book online" in page and "Ask something else" in page  # the web buttons
    assert "Reply 1 Book online, 2 Other question" in page  # the SMS options, as channels/sms.py writes them
    assert "Fits: 2 segments" in page


def test_preview_shows_the_new_text_without_saving(admin, eng):
    response = post(admin, EDIT, text=NEW, sms_text="", note="", action="preview")
    assert response.status_code == 200
    shown = html.unescape(response.text)
    assert f'<p class="bubble">{NEW}</p>' in shown  # the web bubble
    assert f"{NEW}\nReply 1 Book online, 2 Other question</pre>" in shown  # the SMS, options appended
    assert content_store.latest_version(eng, "answers") is None


def test_save_makes_a_draft_version_with_author_note_and_audit(admin, dbs, eng):
    response = post(admin, EDIT, text=NEW, sms_text="A pinch, then maybe a twitch.", note="plainer words",
                    action="save")
    assert response.status_code == 303
    saved = content_store.latest_version(eng, "answers")
    assert saved["body"] == {HURT: {"text": NEW, "sms": "A pinch, then maybe a twitch."}}
    assert saved["author"] == "alex" and saved["note"] == "plainer words"
    assert content_store.live_ref(eng, "answers") is None  # a draft: nothing live until publish
    rows = audit_rows(dbs, "answer saved")
    assert rows and rows[-1].target == f"answer:{HURT}" and rows[-1].user_name == "alex"
    page = admin.get(response.headers["location"]).text
    assert f"Saved as draft version {saved['id']}" in page and "Draft differs from live" in page
    listing = admin.get("/admin/answers").text
    row = re.search(re.escape(HURT) + r".*?</tr>", listing, re.S).group(0)
    assert "Draft differs from live" in row
    # once published (the publish page calls set_live), the answer reads live again
    content_store.set_live(eng, "answers", saved["id"], "alex")
    row = re.search(re.escape(HURT) + r".*?</tr>", admin.get("/admin/answers").text, re.S).group(0)
    assert "Live: edited text" in row


def test_a_second_edit_keeps_the_first_and_every_version(admin, eng):
    post(admin, EDIT, text=NEW, sms_text="", note="", action="save")
    post(admin, "/admin/answers/edit?response=utter_goodbye", text="Bye for now, take care!", sms_text="",
         note="", action="save")
    body = content_store.latest_version(eng, "answers")["body"]
    assert body[HURT]["text"] == NEW and body["utter_goodbye"] == {"text": "Bye for now, take care!", "sms": None}
    assert len(content_store.history(eng, "answers")) == 2


def test_revert_to_the_shipped_text(admin, dbs, eng):
    post(admin, EDIT, text=NEW, sms_text="", note="", action="save")
    assert "Revert to the shipped text" in admin.get(EDIT).text
    response = post(admin, EDIT, action="revert", text="", sms_text="", note="")
    assert response.status_code == 303
    assert HURT not in content_store.latest_version(eng, "answers")["body"]
    assert audit_rows(dbs, "answer reverted")
    assert "Revert to the shipped text" not in admin.get(EDIT).text


def test_over_two_segments_is_refused(admin, eng, dbs):
    long_text = ("You may feel a short moment of pressure. " * 8).strip()  # ~330 characters
    response = post(admin, EDIT, text=long_text, sms_text="", note="", action="save")
    assert response.status_code == 400
    assert "Not saved" in response.text and "3 segments" in response.text
    assert content_store.latest_version(eng, "answers") is None
    # a short SMS text of its own makes the long web text acceptable
    response = post(admin, EDIT, text=long_text, sms_text="A short pressure, then maybe a twitch.", note="",
                    action="save")
    assert response.status_code == 303


@pytest.mark.parametrize("text, why", [
    ("   ", "empty"),
    ("It may <b>hurt</b> a bit.", "HTML"),
    ("See [our page](https://example.com/ims) for more.", "[link]"),
    ("Write to mailto:desk@example.com", "mailto"),
    ("x" * 700, "at most 640"),
])
def test_bad_texts_are_refused(admin, eng, text, why):
    response = post(admin, EDIT, text=text, sms_text="", note="", action="save")
    assert response.status_code == 400 and why in response.text
    assert content_store.latest_version(eng, "answers") is None


def test_plain_urls_are_allowed(admin, eng):
    response = post(admin, EDIT, text="A brief pinch. More: https://example.com/ims", sms_text="", note="",
                    action="save")
    assert response.status_code == 303


def test_an_answer_may_not_drop_911(admin, eng):
    url = "/admin/answers/edit?response=utter_faq/soreness_after"
    response = post(admin, url, text="Some soreness is normal for a few days.", sms_text="", note="", action="save")
    assert response.status_code == 400 and "911" in response.text
    assert content_store.latest_version(eng, "answers") is None


@pytest.mark.parametrize("name", ["utter_emergency", "utter_other_language", "utter_ask_cb_phone"])
def test_safety_and_form_texts_are_shown_read_only_and_a_post_is_refused(admin, dbs, eng, name):
    url = f"/admin/answers/edit?response={name}"
    page = admin.get(url)
    assert page.status_code == 200 and "Read-only" in page.text
    assert "<textarea" not in page.text and 'name="action"' not in page.text
    csrf = csrf_of(admin.get("/admin/answers").text)
    response = admin.post(url, data={"csrf": csrf, "text": "Call us tomorrow.", "action": "save"})
    assert response.status_code == 403
    assert content_store.latest_version(eng, "answers") is None
    assert any(r.target == f"answer:{name}" for r in audit_rows(dbs, "denied"))


def test_emergency_page_shows_the_localised_replies(admin):
    page = admin.get("/admin/answers/edit?response=utter_emergency").text
    assert "call or text 988" in page and "911" in page and "Korean" in page


def test_unknown_answer_is_404(admin):
    assert admin.get("/admin/answers/edit?response=utter_nothing").status_code == 404


def test_front_desk_gets_403(dbs, client, eng):
    make_user(dbs, "robin", "frontdesk")
    sign_in(client, "robin", STRONG)
    assert client.get("/admin/answers").status_code == 403
    assert client.get(EDIT).status_code == 403
    csrf = csrf_of(client.get("/account").text)
    assert client.post(EDIT, data={"csrf": csrf, "text": NEW, "action": "save"}).status_code == 403
    assert content_store.latest_version(eng, "answers") is None


def test_post_without_csrf_is_refused(admin, dbs, eng):
    response = admin.post(EDIT, data={"text": NEW, "action": "save"})
    assert response.status_code == 403
    assert content_store.latest_version(eng, "answers") is None
    assert audit_rows(dbs, "csrf rejected")


def test_effective_texts_follow_the_body():
    shipped = answer_catalogue.catalogue()[HURT].text
    assert answer_catalogue.effective({})[HURT]["text"] == shipped
    body = {HURT: {"text": NEW, "sms": None}, "utter_emergency": {"text": "no", "sms": None}}
    assert answer_catalogue.effective(body)[HURT] == {
        "text": NEW, "sms": None, "buttons": answer_catalogue.catalogue()[HURT].buttons, "overridden": True}
    assert "utter_emergency" not in answer_catalogue.effective(body)


def test_a_whole_version_is_checked_for_publish():
    good = {HURT: {"text": NEW, "sms": None}}
    assert answer_catalogue.body_problems(good) == {}
    bad = {**good, "utter_emergency": {"text": "Call us.", "sms": None}, "utter_goodbye": {"text": "", "sms": None},
           "utter_faq/soreness_after": {"text": "Soreness is normal.", "sms": None}}
    found = answer_catalogue.body_problems(bad)
    assert set(found) == {"utter_emergency", "utter_goodbye", "utter_faq/soreness_after"}
    assert "911" in found["utter_faq/soreness_after"][0]


def test_the_out_of_scope_reply_is_editable_and_keeps_the_clinics_number(admin, eng):
    url = "/admin/answers/edit?response=utter_out_of_scope"
    page = admin.get(url).text
    assert "{clinic_phone} is the clinic" in page  # what the braces mean
    phone = answer_catalogue.clinic_values()["clinic_phone"]
    dropped = post(admin, url, text="Sorry, only dry needling here. Call 8-1-1 (HealthLink BC) for health questions.",
                   sms_text="", note="", action="save")
    assert dropped.status_code == 400 and "{clinic_phone}" in html.unescape(dropped.text)
    assert content_store.latest_version(eng, "answers") is None
    mine = "We can only help with dry needling here. Call us at {clinic_phone}, or {nurse_line} for health questions."
    shown = post(admin, url, text=mine, sms_text="", note="", action="preview")
    assert shown.status_code == 200 and f"Call us at {phone}" in html.unescape(shown.text)
    saved = post(admin, url, text=mine, sms_text="", note="shorter", action="save")
    assert saved.status_code == 303
    assert content_store.latest_version(eng, "answers")["body"]["utter_out_of_scope"]["text"] == mine
