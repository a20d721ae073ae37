"""The clinic's facts file: parsing, validation, reload on change, hours in Vancouver time."""
import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from clinic import config, hours

VANCOUVER = ZoneInfo("America/Vancouver")
BASE = {
    "name": "Test Physio", "phone": "604-555-0199", "address": "1 Test Way, Coquitlam",
    "booking_url": "https://example.com/book", "timezone": "America/Vancouver",
    "hours": {"monday": "08:00-19:00", "tuesday": "08:00-19:00", "friday": "08:00-17:00",
              "saturday": "09:00-14:00", "sunday": "closed"},
    "holidays": ["2026-12-25"],
}


def at(*args):
    return datetime(*args, tzinfo=VANCOUVER)


@pytest.fixture
def clinic():
    return config.parse(dict(BASE))


def test_shipped_clinic_file_loads_and_flags_placeholders():
    clinic = config.load()
    assert clinic.timezone.key == "America/Vancouver"
    assert "booking_url" in config.placeholders(clinic)


def test_missing_field_is_a_clear_error():
    broken = dict(BASE)
    del broken["phone"]
    with pytest.raises(config.ClinicConfigError, match="phone"):
        config.parse(broken)


@pytest.mark.parametrize("spec", ["8-5", "19:00-08:00", "later"])
def test_malformed_hours_are_a_clear_error(spec):
    with pytest.raises(config.ClinicConfigError, match="monday"):
        config.parse({**BASE, "hours": {"monday": spec}})


def test_edits_are_picked_up_without_restart(tmp_path):
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(BASE))
    assert config.load(str(path)).phone == "604-555-0199"
    path.write_text(yaml.safe_dump({**BASE, "phone": "604-555-0142"}))
    later = time.time() + 5
    os.utime(path, (later, later))
    assert config.load(str(path)).phone == "604-555-0142"


def test_open_and_closed(clinic):
    assert hours.is_open(clinic, at(2026, 11, 23, 10, 0))          # Monday morning
    assert not hours.is_open(clinic, at(2026, 11, 23, 19, 0))      # closing time
    assert not hours.is_open(clinic, at(2026, 11, 29, 12, 0))      # Sunday
    assert not hours.is_open(clinic, at(2026, 12, 25, 10, 0))      # Christmas (Friday)


def test_time_zone_is_the_clinics_not_the_servers(clinic):
    # 17:30 UTC on a Monday in November is 9:30 in Vancouver: open
    utc = datetime(2026, 11, 23, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert hours.is_open(clinic, utc)
    # 03:00 UTC Tuesday is still Monday 19:00 in Vancouver: just closed
    assert not hours.is_open(clinic, datetime(2026, 11, 24, 3, 0, tzinfo=ZoneInfo("UTC")))


def test_after_hours_wording_is_computed(clinic):
    assert hours.open_status(clinic, at(2026, 11, 23, 23, 0)) == \
        "We're closed right now and open again tomorrow at 8:00 am."
    assert hours.open_status(clinic, at(2026, 11, 28, 15, 0)) == \
        "We're closed right now and open again on Monday at 8:00 am."
    assert hours.open_status(clinic, at(2026, 11, 23, 6, 30)) == \
        "We're closed right now and open again today at 8:00 am."
    assert hours.open_status(clinic, at(2026, 11, 23, 12, 0)) == "We're open now, until 7:00 pm today."


def test_holiday_is_skipped(clinic):
    opening = hours.next_opening(clinic, at(2026, 12, 24, 20, 0))  # Thu evening, Fri is Christmas
    assert opening == at(2026, 12, 26, 9, 0)


def test_daylight_saving_change_keeps_local_opening_time(clinic):
    # clocks go back on 2026-11-01; Monday 2026-11-02 still opens at 8:00 local
    opening = hours.next_opening(clinic, at(2026, 10, 31, 15, 0))
    assert (opening.hour, opening.minute, opening.day) == (8, 0, 2)


def test_weekly_summary_groups_days(clinic):
    assert hours.weekly_summary(clinic) == (
        "Mon-Tue 8:00 am-7:00 pm, Wed-Thu closed, Fri 8:00 am-5:00 pm, Sat 9:00 am-2:00 pm, Sun closed"
    )


def test_far_dates_are_named(clinic):
    now = at(2026, 12, 20, 12, 0)
    assert hours.when(clinic, now + timedelta(days=9), now).startswith("on Tuesday, December 29")
