"""Understand "when would you like us to call" in the clinic's time zone, checked against its hours.

dateparser reads the date part ("tomorrow", "Tuesday", "Dec 3"); the time of day ("after 3",
"morning", "2:30pm") is read here, because dateparser drops day parts and guesses "after 3" badly.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional, Tuple

import dateparser

from clinic.config import DAYS, Clinic
from clinic.hours import clock, hours_on, weekly_summary

DAYPARTS = {  # minutes after midnight
    "early morning": (6 * 60, 10 * 60), "morning": (6 * 60, 12 * 60), "noon": (11 * 60 + 30, 13 * 60 + 30),
    "lunch": (11 * 60 + 30, 13 * 60 + 30), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 22 * 60),
    "tonight": (17 * 60, 22 * 60), "night": (17 * 60, 22 * 60),
}
FLEXIBLE = re.compile(r"\b(any ?time|whenever|asap|as soon as possible|no preference|doesnt matter|"
                      r"dont mind|any day|flexible|soonest)\b")
WEEKDAYS_ONLY = re.compile(r"\b(any weekday|weekdays?|mon(day)? ?(to|-|through|thru) ?fri(day)?)\b")
TYPOS = [(r"\b(2morrow|2moro|tmrw|tmr|tmrow|tomoro|tomorow|tommorow|tommorrow)\b", "tomorrow"),
         (r"\btonite\b", "tonight"), (r"\b(this|next|coming|on)\s+(?=(mon|tue|wed|thu|fri|sat|sun))", ""),
         (r"\bthis week\b", ""), (r"\b(pls|please|thanks|thx|ty)\b", "")]
TIME = re.compile(r"\b(?P<rel>after|before|at|around|about|by|from)?\s*(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)?(?=\W|$)")


@dataclass(frozen=True)
class Preference:
    label: str                      # what we store and show: "Tue, Dec 1, afternoon"
    start: Optional[datetime]       # earliest suitable moment, if a day was named
    problem: Optional[str] = None   # why it cannot be accepted, in words for the patient


def _minutes_from_time(text: str) -> Tuple[Optional[Tuple[int, int]], str]:
    """(window in minutes, text without the time) for 'after 3', 'at 2:30pm', 'before 11am'."""
    for match in TIME.finditer(text):
        hour, minute, ampm, rel = int(match["h"]), int(match["m"] or 0), match["ap"], match["rel"]
        if not (ampm or rel or match["m"]) or hour > 23 or minute > 59:
            continue  # a bare number ("the 30th", "3 sessions") is not a time
        if ampm and ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm and ampm.startswith("a") and hour == 12:
            hour = 0
        elif not ampm and 1 <= hour <= 7:
            hour += 12  # "after 3" at a clinic means 3 pm
        at = hour * 60 + minute
        window = {"after": (at, 24 * 60), "from": (at, 24 * 60), "before": (0, at), "by": (0, at)}.get(
            rel or "", (at, at + 60))
        return window, (text[:match.start()] + " " + text[match.end():])
    return None, text


def _daypart(text: str) -> Tuple[Optional[str], str]:
    for name in sorted(DAYPARTS, key=len, reverse=True):
        if re.search(rf"\b{name}\b", text):
            return name, re.sub(rf"\b(in the |this )?{name}\b", " ", text)
    return None, text


def _window_label(window: Tuple[int, int]) -> str:
    start, end = window
    as_time = lambda m: clock(datetime(2000, 1, 1) + timedelta(minutes=min(m, 23 * 60 + 59)))
    if end >= 24 * 60:
        return f"after {as_time(start)}"
    if start == 0:
        return f"before {as_time(end)}"
    if end - start == 60:
        return f"around {as_time(start)}"
    return f"{as_time(start)}-{as_time(end)}"


def understand(text: str, clinic: Clinic, now: Optional[datetime] = None) -> Preference:
    now = (now or datetime.now(tz=clinic.timezone)).astimezone(clinic.timezone)
    plain = re.sub(r"\s+", " ", (text or "").lower().replace("'", "")).strip()
    if not plain:
        return Preference("", None, "I didn't catch a day or time.")
    for pattern, replacement in TYPOS:
        plain = re.sub(pattern, replacement, plain)

    if re.fullmatch(r"(1[0-2]|[1-9])", plain):
        plain = f"at {plain}"  # a bare "3" answering "when?" is an hour, not March
    window, rest = _minutes_from_time(plain)
    part, rest = _daypart(rest)
    if window is None and part:
        window = DAYPARTS[part]
    when_label = part if part and window == DAYPARTS.get(part) else (_window_label(window) if window else "")

    if FLEXIBLE.search(plain) or WEEKDAYS_ONLY.search(plain):
        days = "any weekday" if WEEKDAYS_ONLY.search(plain) else "any day"
        if window and not any(_overlaps(hours_on(clinic, now.date() + timedelta(d)), window) for d in range(7)):
            return Preference(days, None, f"We're not open then. Our hours: {weekly_summary(clinic)}.")
        label = days if not when_label else f"{days}, {when_label}"
        return Preference(label if days != "any day" or when_label else "any time (as soon as possible)", None)

    rest = re.sub(r"\b(at|on|in the|around|about|call me|me|i|can|could|would|works?|best|is|good|be|the)\b", " ", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" ,.!?")
    day: Optional[date] = None
    if rest:
        parsed = dateparser.parse(rest, languages=["en"], settings={
            "PREFER_DATES_FROM": "future", "RELATIVE_BASE": now.replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False})
        if parsed is None and window is None:
            return Preference("", None, "I couldn't tell which day or time you mean.")
        day = parsed.date() if parsed else None
    if day is None and part == "tonight":
        day = now.date()
    if day is None and window is None:
        return Preference("", None, "I couldn't tell which day or time you mean.")
    if day is None:  # a time without a day: the next day that time is still ahead and open
        day = next((now.date() + timedelta(d) for d in range(14)
                    if _overlaps(hours_on(clinic, now.date() + timedelta(d)), window)
                    and (d > 0 or min(window[1], hours_on(clinic, now.date())[1]) > now.hour * 60 + now.minute)),
                   None)
        if day is None:
            return Preference("", None, f"We're not open then. Our hours: {weekly_summary(clinic)}.")

    if day < now.date():
        return Preference("", None, "That day has already passed.")
    span = hours_on(clinic, day)
    day_label = f"{DAYS[day.weekday()][:3].title()}, {day.strftime('%b')} {day.day}"
    if span is None:
        reason = "a holiday" if day.isoformat() in clinic.holidays else f"{DAYS[day.weekday()].title()}s"
        return Preference(day_label, None,
                          f"We're closed on {reason}. Our hours: {weekly_summary(clinic)}.")
    window = window or span
    start_minute = max(window[0], span[0])
    if not _overlaps(span, window):
        return Preference(day_label, None,
                          f"That's outside our hours that day ({_window_label(span).replace('around ', '')}).")
    start = datetime.combine(day, time(0), tzinfo=clinic.timezone) + timedelta(minutes=start_minute)
    if start < now and datetime.combine(day, time(0), tzinfo=clinic.timezone) + timedelta(
            minutes=min(window[1], span[1])) <= now:
        return Preference(day_label, None, "That time has already passed.")
    label = f"{day_label}, {when_label}" if when_label else day_label
    return Preference(label, max(start, now) if day == now.date() else start)


def _overlaps(span: Optional[Tuple[int, int]], window: Tuple[int, int]) -> bool:
    return bool(span) and window[0] < span[1] and window[1] > span[0]
