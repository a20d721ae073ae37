"""The clinic settings form (clinic/settings_form.py), the shared fact replies (clinic/fact_replies.py)
and the settings store end to end: a saved version reaches clinic.config.load() without a restart."""
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import clinic_info, clinic_questions, handoff
from channels import sms
from channels.sms_text import render, segments
from clinic import config, content_store, fact_replies, hours, settings_form

SHIPPED = Path(__file__).resolve().parents[2] / "clinic.yml"
VANCOUVER = ZoneInfo("America/Vancouver")


@pytest.fixture
def shipped(monkeypatch):
    monkeypatch.delenv("CLINIC_CONFIG", raising=False)
    return settings_form.from_clinic_yml(str(SHIPPED))


def real(body):
    """The shipped settings with the clinic's own values in place of every placeholder."""
    return {**body, "phone": "604-931-2200", "email": "desk@actilife.ca", "front_desk_email": "desk@actilife.ca",
            "address": "1200 Lougheed Hwy, Coquitlam, BC", "parking": "Park behind the building.",
            "booking_url": "https://actilife.janeapp.com/", "fees": "An assessment is $120.",
            "insurance": "We bill Pacific Blue Cross directly.", "clinic_questions_confirmed": True}


# -- checks ------------------------------------------------------------------------------------------
def test_the_shipped_clinic_file_is_valid_and_round_trips_through_the_form(shipped):
    assert settings_form.validate(shipped) == {}
    again = settings_form.from_form(settings_form.to_form(shipped), shipped)
    assert settings_form.diff(shipped, again) == []
    assert again["hours"]["sunday"] == "closed" and again["holidays"][0] == "2026-12-25"
    assert again["retention_days"] == 30 and again["clinic_questions_confirmed"] is False
    assert config.parse(again).phone == "604-555-0100"


@pytest.mark.parametrize("typed, stored", [
    ("604-931-2200", "604-931-2200"), ("(604) 931-2200", "604-931-2200"), ("604.931.2200", "604-931-2200"),
    ("6049312200", "604-931-2200"), ("+1 604 931 2200", "604-931-2200"), ("1-604-931-2200", "604-931-2200"),
])
def test_any_common_north_american_format_is_accepted(shipped, typed, stored):
    body = settings_form.from_form({**settings_form.to_form(shipped), "phone": typed}, shipped)
    assert settings_form.validate(body) == {} and body["phone"] == stored


@pytest.mark.parametrize("typed", ["931-2200", "604-931-220", "104-931-2200", "604-131-2200", "911-931-2200",
                                  "604-911-2200", "694-931-2200", "+44 20 7946 0958", "2-604-931-2200",
                                  "604-931-2200 ext 4", "call us"])
def test_a_number_that_cannot_be_dialled_is_refused(shipped, typed):
    errors = settings_form.validate({**shipped, "phone": typed})
    assert "10-digit North American number" in errors["phone"]


@pytest.mark.parametrize("changes, field, words", [
    ({"booking_url": "http://actilife.janeapp.com/"}, "booking_url", "https://"),
    ({"booking_url": "https://actilife janeapp"}, "booking_url", "does not look like a web address"),
    ({"email": "desk@actilife"}, "email", "email address"),
    ({"front_desk_email": "desk actilife.ca"}, "front_desk_email", "email address"),
    ({"front_desk_email": ""}, "front_desk_email", "is needed"),
    ({"name": "  "}, "name", "is needed"),
    ({"hours": {"monday": "19:00-08:00"}}, "hours_monday", "Closing time must be after opening time"),
    ({"hours": {"tuesday": "08:00-08:00"}}, "hours_tuesday", "Closing time must be after opening time"),
    ({"hours": {"friday": "8-5"}}, "hours_friday", "HH:MM-HH:MM"),
    ({"hours": {"friday": "08:00-25:00"}}, "hours_friday", "00:00 to 24:00"),
    ({"hours": {d: "closed" for d in config.DAYS}}, "hours_monday", "open on at least one day"),
    ({"holidays": ["2026-12-25", "2026-13-01"]}, "holidays", "2026-13-01 is not a real date"),
    ({"holidays": ["2027-02-29"]}, "holidays", "not a real date"),
    ({"holidays": ["Dec 25"]}, "holidays", "YYYY-MM-DD"),
    ({"holidays": ["2026-12-25", "2026-12-25"]}, "holidays", "2026-12-25 is listed twice"),
    ({"retention_days": 0}, "retention_days", "between 1 and 3650"),
    ({"retention_days": 100000}, "retention_days", "between 1 and 3650"),
    ({"retention_days": "30 days"}, "retention_days", "whole number"),
    ({"retention_days": True}, "retention_days", "whole number"),
    ({"fees": "x" * 1001}, "fees", "too long"),
])
def test_wrong_values_are_refused_with_a_message_for_their_field(shipped, changes, field, words):
    body = {**shipped, **changes}
    if "hours" in changes:
        body["hours"] = {**shipped["hours"], **changes["hours"]}
    errors = settings_form.validate(body)
    assert words in errors[field]


def test_form_values_are_tidied_into_clinic_yml_shapes(shipped):
    form = {**settings_form.to_form(shipped), "hours_monday": "8:00 - 17:30", "hours_tuesday": "",
            "hours_wednesday": "Closed", "holidays": "2027-01-01\n\n 2026-12-25 \n", "retention_days": "45",
            "clinic_questions_confirmed": "on", "fees": "Line one\n  line two", "short_name": ""}
    body = settings_form.from_form(form, {**shipped, "language_replies": {"ko": {"other": "..."}}})
    assert body["hours"]["monday"] == "08:00-17:30" and body["hours"]["tuesday"] == "closed"
    assert body["hours"]["wednesday"] == "closed"
    assert body["holidays"] == ["2026-12-25", "2027-01-01"] and body["retention_days"] == 45
    assert body["clinic_questions_confirmed"] is True and body["fees"] == "Line one line two"
    assert "short_name" not in body and body["language_replies"] == {"ko": {"other": "..."}}
    assert body["timezone"] == "America/Vancouver"
    assert settings_form.validate(body) == {}
    clinic = config.parse(body)
    assert clinic.hours[0] == (480, 1050) and 1 not in clinic.hours and clinic.short_name == clinic.name
    changed = [key for key, _, _ in settings_form.diff(shipped, body)]
    assert changed == ["short_name", "hours_monday", "hours_tuesday", "hours_wednesday", "holidays", "fees",
                       "retention_days", "clinic_questions_confirmed", "language_replies"]


def test_validation_also_runs_the_assistants_own_parser(shipped):
    assert "_form" in settings_form.validate({**shipped, "timezone": "Mars/Olympus"})


# -- placeholders ---------------------------------------------------------------------------------------
def test_shipped_placeholders_are_flagged_until_replaced(shipped, monkeypatch):
    monkeypatch.setenv("CLINIC_CONFIG", str(SHIPPED))
    found = settings_form.placeholders(shipped)
    assert {"phone", "email", "address", "booking_url", "front_desk_email", "parking", "fees", "insurance",
            "offer", "referral", "availability", "what_to_bring", "clinic_questions_confirmed"} <= set(found)
    assert "name" not in found and "nurse_line" not in found
    assert settings_form.placeholders(real(shipped)) == []
    # the four answers stay flagged while the clinic has not confirmed them
    assert {"offer", "clinic_questions_confirmed"} <= set(settings_form.placeholders(
        {**real(shipped), "clinic_questions_confirmed": False}))
    assert settings_form.placeholders({**real(shipped), "address": "TBD PLACEHOLDER"}) == ["address"]
    assert settings_form.placeholders({**real(shipped), "phone": "(604) 555-0123"}) == ["phone"]


# -- the replies: one text for the action server and the preview ---------------------------------------
CLINIC = {"name": "Test Physio", "phone": "604-931-2200", "email": "desk@test.ca", "address": "1 Test Way, Coquitlam",
          "parking": "Park behind.", "booking_url": "https://test.janeapp.com/",
          "timezone": "America/Vancouver", "hours": {"monday": "08:00-19:00", "saturday": "09:00-14:00"},
          "fees": "Fees vary by visit.", "insurance": "Extended health often covers it.",
          "offer": "Yes, all our physios do IMS."}


def run(action, monkeypatch, tmp_path):
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(CLINIC))
    monkeypatch.setenv("CLINIC_CONFIG", str(path))
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, Tracker("p", {}, {"intent": {"name": "x"}}, [], False, None, {}, "action_listen"), {})
    [message] = dispatcher.messages
    return {key: message[key] for key in ("text", "buttons") if message.get(key)}


def test_the_action_server_sends_exactly_what_the_preview_shows(monkeypatch, tmp_path):
    clinic = config.parse(CLINIC)
    pairs = [(clinic_info.ActionGreet(), fact_replies.greeting(clinic)),
             (clinic_info.ActionClinicHours(), fact_replies.hours_reply(clinic)),
             (clinic_info.ActionClinicLocation(), fact_replies.location(clinic)),
             (clinic_info.ActionClinicContact(), fact_replies.contact(clinic)),
             (clinic_info.ActionClinicCost(), fact_replies.cost(clinic)),
             (handoff.ActionBookOnline(), fact_replies.booking(clinic)),
             (handoff.ActionRequestHuman(), fact_replies.request_human(clinic)),
             (clinic_questions.ActionClinicOffer(), fact_replies.clinic_question(clinic, "offer")),
             (clinic_questions.ActionClinicWhatToBring(), fact_replies.clinic_question(clinic, "what_to_bring"))]
    for action, expected in pairs:
        assert run(action, monkeypatch, tmp_path) == expected, action.name()
    assert len(fact_replies.all_replies(clinic)) == 11


def test_fact_reply_texts_are_the_ones_patients_got_before_the_move():
    clinic = config.parse(CLINIC)
    saturday_evening = datetime(2027, 1, 9, 18, 0, tzinfo=VANCOUVER)
    monday_morning = datetime(2027, 1, 11, 9, 30, tzinfo=VANCOUVER)
    assert fact_replies.hours_reply(clinic, saturday_evening)["text"] == (
        "Our hours: Mon 8:00 am-7:00 pm, Tue-Fri closed, Sat 9:00 am-2:00 pm, Sun closed. "
        "We're closed right now and open again on Monday at 8:00 am.")
    assert fact_replies.location(clinic)["text"] == (
        "We're at 1 Test Way, Coquitlam. Park behind. Questions about getting here? Call 604-931-2200.")
    assert fact_replies.contact(clinic, monday_morning)["text"] == (
        "You can call us at 604-931-2200 or email desk@test.ca. We're open now, until 7:00 pm today.")
    assert fact_replies.cost(clinic)["text"] == (
        "Fees vary by visit. Extended health often covers it. Call us at 604-931-2200 for details.")
    assert fact_replies.booking(clinic)["text"] == (
        "You can book dry needling (IMS) online any time, day or night: https://test.janeapp.com/ . "
        "Your first visit starts with an assessment. Prefer a call from us instead?")
    assert fact_replies.request_human(clinic, monday_morning)["text"] == (
        "Our front desk is in now: call 604-931-2200 to talk to someone right away. Or I can ask them to call "
        "you back. I just need a few details (type 'never mind' to stop).")
    assert fact_replies.request_human(clinic, saturday_evening)["text"].startswith(
        "We're closed right now and open again on Monday at 8:00 am. I can ask our front desk to call you back.")
    assert fact_replies.clinic_question(clinic, "offer")["text"] == "Yes, all our physios do IMS. Phone: 604-931-2200."
    assert fact_replies.clinic_question(clinic, "referral")["text"] == (
        f"{config.CLINIC_QUESTION_DEFAULT} Phone: 604-931-2200.")


def test_the_preview_counts_sms_segments_with_the_channels_own_code():
    assert sms.render is render and sms.segments is segments  # one implementation
    clinic = config.parse({**CLINIC, "fees": "Fees vary. " * 30})
    long = render([fact_replies.cost(clinic)])
    assert segments(long) > 2 and long.endswith("Reply 1 Call-back, 2 Book")  # the shortest wording
    assert segments(render([fact_replies.cost(config.parse(CLINIC))])) == 1


# -- the store, end to end ------------------------------------------------------------------------------
@pytest.fixture
def live_store(tmp_path, monkeypatch):
    """A real SQLite content store the assistant reads through clinic.config.load(), refreshed every 0.3 s."""
    url = f"sqlite:///{tmp_path / 'content.db'}"
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", url)
    monkeypatch.delenv("CLINIC_CONFIG", raising=False)
    monkeypatch.setattr(content_store, "LIVE", content_store.LiveContent(refresh=0.3))
    return tmp_path / "content.db", content_store.engine(url)


def test_a_saved_version_reaches_the_assistant_after_the_refresh_and_survives_a_broken_database(live_store, shipped):
    path, eng = live_store
    assert config.load().phone == "604-555-0100"  # nothing saved: clinic.yml
    assert settings_form.current(eng) == shipped
    form = {**settings_form.to_form(shipped), "phone": "(604) 931-2200", "hours_saturday": "closed"}
    body = settings_form.from_form(form, settings_form.current(eng))
    assert settings_form.validate(body) == {}
    version = content_store.save_version(eng, content_store.SETTINGS, body, "ada", "new number")
    assert settings_form.current(eng)["phone"] == "604-931-2200"
    time.sleep(0.35)
    clinic = config.load()
    assert clinic.phone == "604-931-2200" and 5 not in clinic.hours
    assert content_store.LIVE.settings_version == version
    assert "604-931-2200" in fact_replies.contact(clinic)["text"]

    eng.dispose()  # the database file is damaged: every server keeps the last good settings
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("select 1 from content_versions").fetchall()
    time.sleep(0.35)
    clinic = config.load()
    assert content_store.LIVE._failing and clinic.phone == "604-931-2200" and 5 not in clinic.hours


def test_every_fact_reply_of_the_shipped_clinic_file_fits_two_sms_segments():
    from channels.sms_text import render, segments
    from clinic import config, fact_replies

    clinic = config.load(str(config.DEFAULT_PATH))
    for name, _label, message, _fields in fact_replies.all_replies(clinic):
        assert segments(render([message])) <= 2, name


def test_the_nurse_line_must_hold_a_number_to_call():
    from clinic import settings_form

    body = settings_form.from_clinic_yml()
    assert "nurse_line" not in settings_form.validate(body)
    assert "nurse_line" in settings_form.validate({**body, "nurse_line": "HealthLink BC"})
