"""Reading the call-back answers: phone numbers, emails, names, preferred times."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callbacks import answers
from callbacks.preferred_time import understand
from clinic import config

VAN = ZoneInfo("America/Vancouver")
CLINIC = config.parse({
    "name": "T", "phone": "604-555-0100", "address": "x", "booking_url": "https://example.com",
    "timezone": "America/Vancouver",
    "hours": {"monday": "08:00-19:00", "tuesday": "08:00-19:00", "wednesday": "08:00-19:00",
              "thursday": "08:00-19:00", "friday": "08:00-17:00", "saturday": "09:00-14:00"},
    "holidays": ["2026-12-25"],
})
WED_11PM = datetime(2026, 11, 25, 23, 0, tzinfo=VAN)


@pytest.mark.parametrize("text", ["604 555 0134", "(604)555-0134", "+1 604-555-0134", "604.555.0134",
                                  "1-604-555-0134", "my number is 604 555 0134"])
def test_canadian_numbers_in_any_format_become_e164(text):
    assert answers.phone(text) == "+16045550134"


@pytest.mark.parametrize("text", ["555-0134", "+44 20 7946 0958", "604 555", "call me", "", "1" * 30])
def test_bad_numbers_are_rejected(text):
    assert answers.phone(text) is None


def test_email_is_optional_and_validated():
    assert answers.email("skip") == (True, None)
    assert answers.email("no thanks") == (True, None)
    assert answers.email("Sam.Lee@Example.org") == (True, "sam.lee@example.org")
    assert answers.email("sam@") == (False, None)


@pytest.mark.parametrize("text,expected", [("sam lee", "Sam Lee"), ("My name is Jo-Anne O'Neil", "Jo-Anne O'Neil"),
                                           ("Zhang Wei", "Zhang Wei"), ("12345", None), ("", None), ("x" * 80, None)])
def test_names(text, expected):
    assert answers.name(text) == expected


def test_new_or_returning_and_consent():
    assert answers.patient_type("I'm a new patient") == "new"
    assert answers.patient_type("first time") == "new"
    assert answers.patient_type("I've been before") == "returning"
    assert answers.patient_type("banana") is None
    assert answers.consent("yes that's fine") is True
    assert answers.consent("no") is False
    assert answers.consent("", intent="affirm") is True
    assert answers.consent("what do you do with it?") is None


@pytest.mark.parametrize("text,label,start", [
    ("next Tuesday afternoon", "Tue, Dec 1, afternoon", (12, 1, 12, 0)),
    ("tomorrow after 3", "Thu, Nov 26, after 3:00 pm", (11, 26, 15, 0)),
    ("2morrow morning", "Thu, Nov 26, morning", (11, 26, 8, 0)),
    ("friday 10am", "Fri, Nov 27, around 10:00 am", (11, 27, 10, 0)),
    ("any weekday morning", "any weekday, morning", None),
    ("whenever works", "any time (as soon as possible)", None),
])
def test_preferred_times_are_understood_in_vancouver_time(text, label, start):
    choice = understand(text, CLINIC, WED_11PM)
    assert choice.problem is None and choice.label == label
    if start:
        assert (choice.start.month, choice.start.day, choice.start.hour, choice.start.minute) == start
        assert choice.start.tzinfo is not None
    else:
        assert choice.start is None


@pytest.mark.parametrize("text,problem", [
    ("sunday", "closed on Sundays"),
    ("dec 25", "closed on a holiday"),
    ("tomorrow at 8pm", "outside our hours"),
    ("yesterday", "already passed"),
    ("purple elephant", "couldn't tell"),
    ("", "didn't catch"),
])
def test_impossible_times_are_explained(text, problem):
    choice = understand(text, CLINIC, WED_11PM)
    assert choice.problem and problem in choice.problem


def test_a_time_without_a_day_means_the_next_open_day():
    assert understand("after 3", CLINIC, WED_11PM).label == "Thu, Nov 26, after 3:00 pm"
    assert understand("3", CLINIC, WED_11PM).label == "Thu, Nov 26, around 3:00 pm"


@pytest.mark.parametrize("text", ["i want to talk to a human", "a real person please", "can someone call me",
                                  "human", "help me", "I need to speak to the front desk"])
def test_a_request_is_not_taken_as_a_name(text):
    # issue 18: the name question accepted "i want to talk to a human" as a name
    assert answers.name(text) is None


@pytest.mark.parametrize("text,expected", [("Will Hope", "Will Hope"), ("김민수", "김민수"), ("Joy", "Joy"),
                                           ("Anne Marie de la Cruz Smith", "Anne Marie de la Cruz Smith")])
def test_names_that_look_like_words_or_are_long_or_in_another_script_are_still_names(text, expected):
    assert answers.name(text) == expected
