"""The clinic settings page (issue 18, point 1): an admin edits clinic.yml's facts, checked, previewed
as the patient sees them (web and SMS), saved as versions every server reads, restored; front desk refused."""
import html
import re
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from console.db import audit
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import csrf_of, sign_in


@pytest.fixture
def store(dbs, monkeypatch):
    """The content store is the call-back database (as in production without CLINIC_CONTENT_DB_URL), and
    the assistant's per-process cache starts empty and looks every 0.2 s."""
    from clinic import content_store
    monkeypatch.delenv("CLINIC_CONTENT_DB_URL", raising=False)
    monkeypatch.delenv("CLINIC_CONFIG", raising=False)
    monkeypatch.setattr(content_store, "LIVE", content_store.LiveContent(refresh=0.2))
    return content_store.engine(str(dbs.callbacks.url))


@pytest.fixture
def admin(dbs, client, store):
    make_user(dbs, "ada", "admin")
    sign_in(client, "ada", STRONG)
    return client


def good_form(client, **changes):
    """The settings form as the page shows it now (every field), with `changes`."""
    page = client.get("/admin/settings").text
    form = {"csrf": csrf_of(page)}
    for name, value in re.findall(r'<input id="f-[^"]+" name="([^"]+)" value="([^"]*)"', page):
        form[name] = html.unescape(value)
    for name, value in re.findall(r'<textarea id="f-[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        form[name] = html.unescape(value)
    if re.search(r'name="clinic_questions_confirmed" value="on" checked', page):
        form["clinic_questions_confirmed"] = "on"
    form["base_version"] = re.search(r'name="base_version" value="(\d*)"', page).group(1)
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def versions(store):
    from clinic import content_store
    return content_store.history(store, content_store.SETTINGS)


def audit_rows(dbs, action):
    with dbs.console.connect() as conn:
        return [r for r in conn.execute(select(audit).order_by(audit.c.id)) if r.action == action]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_form_shows_every_current_fact(admin):
    page = admin.get("/admin/settings").text
    for name, value in [("name", "Actilife Physiotherapy and Rehab Clinic"), ("phone", "604-555-0100"),
                        ("booking_url", "https://example.com/book/dry-needling"), ("hours_monday", "08:00-19:00"),
                        ("hours_sunday", "closed"), ("retention_days", "30"), ("nurse_line", "8-1-1 (HealthLink BC)")]:
        assert re.search(rf'name="{name}" value="{re.escape(html.escape(value))}"', page), name
    assert "2026-12-25\n2026-12-26" in page  # holidays, one per line
    assert 'for="f-phone"' in page and 'name="csrf"' in page
    assert 'href="/static/settings.css"' in page
    box = re.search(r'<input type="checkbox"[^>]*name="clinic_questions_confirmed"[^>]*>', page).group(0)
    assert "checked" not in box  # shipped unconfirmed


@pytest.mark.parametrize("field, value, message", [
    ("phone", "555-0100", "10-digit North American number"),
    ("phone", "911-555-0100", "real area code"),
    ("phone", "+44 20 7946 0958", "10-digit North American number"),
    ("booking_url", "http://clinic.janeapp.com/", "https://"),
    ("email", "frontdesk at clinic", "email address"),
    ("hours_friday", "17:00-08:00", "Closing time must be after opening time"),
    ("hours_monday", "8am-5pm", "HH:MM-HH:MM"),
    ("holidays", "2026-12-25\n2027-02-30", "2027-02-30 is not a real date"),
    ("holidays", "2026-12-25\n25/12/2027", "YYYY-MM-DD"),
    ("holidays", "2026-12-25\n2026-12-25", "listed twice"),
    ("retention_days", "forever", "whole number of days"),
    ("retention_days", "0", "between 1 and 3650"),
])
def test_a_wrong_value_is_refused_next_to_its_field_and_nothing_is_saved(admin, store, dbs, field, value, message):
    response = admin.post("/admin/settings", data=good_form(admin, **{field: value, "action": "save"}),
                          follow_redirects=False)
    assert response.status_code == 400
    page = response.text
    error = re.search(rf'<span class="field-error" id="e-{field}">(.*?)</span>', page, re.S)
    assert error and message in html.unescape(error.group(1))
    assert re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*e-{field}', page, re.S)
    assert "Nothing was saved" in page and f'href="#f-{field}"' in page
    assert html.escape(value.split("\n")[-1]) in page  # what they typed stays in the form
    assert versions(store) == [] and audit_rows(dbs, "settings saved") == []


def test_saving_makes_a_version_every_server_reads_and_an_audit_entry(admin, store, dbs):
    from clinic import config as clinic_config
    assert clinic_config.load().phone == "604-555-0100"  # clinic.yml while nothing is saved
    form = good_form(admin, phone="(604) 931-2200", hours_saturday="closed", note="New number", action="save")
    response = admin.post("/admin/settings", data=form)
    assert "Saved version 1; patients see it within a few seconds" in text_of(response.text)
    assert re.search(r'name="phone" value="604-931-2200"', response.text)  # tidied to the clinic's format
    [saved] = versions(store)
    assert saved["author"] == "ada" and saved["note"] == "New number"
    assert saved["body"]["phone"] == "604-931-2200" and saved["body"]["hours"]["saturday"] == "closed"
    assert saved["body"]["hours"]["monday"] == "08:00-19:00" and saved["body"]["timezone"] == "America/Vancouver"
    [entry] = audit_rows(dbs, "settings saved")
    assert entry.target == "settings:v1" and entry.user_name == "ada"
    assert "phone" in entry.detail and "hours_saturday" in entry.detail and "931" not in entry.detail
    time.sleep(0.3)  # the assistant's refresh interval in this test
    clinic = clinic_config.load()
    assert clinic.phone == "604-931-2200" and 5 not in clinic.hours and clinic.hours[0] == (480, 1140)


def test_saving_nothing_new_makes_no_version(admin, store):
    response = admin.post("/admin/settings", data=good_form(admin, action="save"))
    assert "Nothing has changed, so no new version was saved" in text_of(response.text)
    assert versions(store) == []


def test_preview_shows_web_and_sms_text_with_segments_and_saves_nothing(admin, store):
    long_fees = ("Fees depend on the type and length of your visit. An initial assessment with dry needling "
                 "takes about an hour; follow-up visits are shorter. The front desk can give you current prices "
                 "and tell you about packages for several visits.")
    response = admin.post("/admin/settings", data=good_form(admin, phone="604-931-2200", fees=long_fees,
                                                            action="preview"))
    assert response.status_code == 200
    page = text_of(response.text)
    assert versions(store) == []
    assert "Preview: what patients will see" in page
    # web text, and the SMS as channels/sms.py sends it (numbered options) with its segment count
    assert "You can call us at 604-931-2200 or email frontdesk@example.com." in page
    assert re.search(r"Reply 1 Call-back, 2 Book online \d+ characters, GSM-7: 1 segment", page)
    cost = re.search(r"“How much does it cost\?” Changed (.*?)“Can I book online\?”", page).group(1)
    assert long_fees in cost and re.search(r"GSM-7: [3-9] segments — over the two-segment limit", cost)
    assert "1 reply is longer than two text messages (SMS segments): How much does it cost?" in page
    assert "“Where are you?” Changed" in page and "“Can I book online?” Changed" not in page
    assert re.search(r"Phone number Before: 604-555-0100 After: 604-931-2200", page)  # the change list
    assert 'name="phone" value="604-931-2200"' in response.text  # the form keeps the edit for Save


def test_versions_list_diff_and_restore(admin, store, dbs):
    admin.post("/admin/settings", data=good_form(admin, phone="604-931-2200", note="new number", action="save"))
    admin.post("/admin/settings", data=good_form(admin, hours_friday="08:00-18:00", action="save"))
    listing = admin.get("/admin/settings/versions")
    page = text_of(listing.text)
    assert re.search(r"Version 2 Live .*? ada .*? Hours, Friday", page)
    assert re.search(r"Version 1 .*? ada new number Phone number", page)
    assert "restore" in listing.text and "/admin/settings/versions/1/restore" in listing.text
    detail = text_of(admin.get("/admin/settings/versions/2").text)
    assert "Changes from version 1" in detail
    assert "Hours, Friday Before: 08:00-17:00 After: 08:00-18:00" in detail and "Phone number" not in detail
    first = text_of(admin.get("/admin/settings/versions/1").text)
    assert "Changes from clinic.yml" in first and "Phone number Before: 604-555-0100 After: 604-931-2200" in first

    csrf = csrf_of(listing.text)
    response = admin.post("/admin/settings/versions/1/restore", data={"csrf": csrf})
    assert "Saved version 3; patients see it within a few seconds" in text_of(response.text)
    newest = versions(store)[0]
    assert newest["id"] == 3 and newest["note"] == "Restored version 1"
    assert newest["body"] == versions(store)[2]["body"] and newest["body"]["hours"]["friday"] == "08:00-17:00"
    [entry] = audit_rows(dbs, "settings restored")
    assert entry.target == "settings:v3" and "from v1" in entry.detail and "hours_friday" in entry.detail
    assert admin.get("/admin/settings/versions/99").status_code == 404
    assert admin.get("/admin/settings/versions/abc").status_code == 404


def test_someone_elses_newer_save_is_not_overwritten(admin, store, dbs):
    stale = good_form(admin, phone="604-931-2200", action="save")  # opened before the other save
    admin.post("/admin/settings", data=good_form(admin, hours_friday="08:00-18:00", action="save"))
    response = admin.post("/admin/settings", data=stale)
    assert response.status_code == 409
    assert "Someone saved version 1 while you were editing, so nothing was saved" in text_of(response.text)
    assert len(versions(store)) == 1


def test_placeholders_are_highlighted_until_replaced(admin):
    page = admin.get("/admin/settings").text
    summary = text_of(re.search(r'<div class="placeholder-summary".*?</div>', page, re.S).group(0))
    for label in ("Phone number", "Online booking link", "Address", "Front-desk email",
                  "These four answers are the clinic's own"):
        assert label in summary
    assert re.search(r'<div class="field is-placeholder">\s*.*?id="f-phone"[^>]*aria-describedby="h-phone p-phone"',
                     page, re.S)
    assert "Still a placeholder" in text_of(page)
    form = good_form(admin, phone="604-931-2200", booking_url="https://actilife.janeapp.com/",
                     address="1200 Lougheed Hwy, Coquitlam, BC", email="desk@actilife.ca",
                     front_desk_email="desk@actilife.ca", parking="Park behind the building.",
                     clinic_questions_confirmed="on", action="save")
    page = admin.post("/admin/settings", data=form).text
    summary = text_of(re.search(r'<div class="placeholder-summary".*?</div>', page, re.S).group(0))
    for label in ("Phone number", "Online booking link", "Address", "Front-desk email", "Answer: do you offer"):
        assert label not in summary
    assert "Fees wording" in summary  # still the shipped wording
    assert not re.search(r'is-placeholder">\s*<label for="f-phone"', page)


def test_front_desk_is_refused_every_settings_route(dbs, client, store):
    make_user(dbs, "robin", "frontdesk")
    sign_in(client, "robin", STRONG)
    csrf = csrf_of(client.get("/account").text)
    assert "/admin/settings" not in client.get("/").text  # not offered in the menu either
    for path in ("/admin/settings", "/admin/settings/versions", "/admin/settings/versions/1"):
        assert client.get(path).status_code == 403, path
    for path in ("/admin/settings", "/admin/settings/versions/1/restore"):
        assert client.post(path, data={"csrf": csrf, "phone": "604-931-2200", "action": "save"}).status_code == 403
    assert versions(store) == []
    assert len(audit_rows(dbs, "denied")) == 5


def test_a_post_without_the_csrf_token_is_refused(admin, store, dbs):
    form = good_form(admin, phone="604-931-2200", action="save")
    del form["csrf"]
    assert admin.post("/admin/settings", data=form).status_code == 403
    assert admin.post("/admin/settings/versions/1/restore", data={}).status_code == 403
    assert versions(store) == [] and len(audit_rows(dbs, "csrf rejected")) == 2


def test_the_console_reads_the_live_opening_hours(admin, store, monkeypatch):
    from console import config
    monkeypatch.setattr(config.Hours, "REFRESH", 0.1)
    hours = config.Hours()
    saturday_noon = datetime(2027, 1, 9, 20, 0, tzinfo=timezone.utc).replace(tzinfo=None)  # 12:00 Vancouver
    assert hours.is_open(saturday_noon)
    admin.post("/admin/settings", data=good_form(admin, hours_saturday="closed", action="save"))
    time.sleep(0.2)
    assert not hours.is_open(saturday_noon)
    assert hours.front_desk_email == "frontdesk@example.com"
