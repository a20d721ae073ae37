"""Opening hours in the clinic's own time zone: is it open now, and when does it open next."""
from datetime import date, datetime, time, timedelta
from typing import Optional, Tuple

from clinic.config import DAYS, Clinic


def _local(clinic: Clinic, now: Optional[datetime]) -> datetime:
    now = now or datetime.now(tz=clinic.timezone)
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one")
    return now.astimezone(clinic.timezone)


def hours_on(clinic: Clinic, day: date) -> Optional[Tuple[int, int]]:
    """(open, close) in minutes after midnight, or None if closed that day."""
    if day.isoformat() in clinic.holidays:
        return None
    return clinic.hours.get(day.weekday())


def is_open(clinic: Clinic, now: Optional[datetime] = None) -> bool:
    now = _local(clinic, now)
    span = hours_on(clinic, now.date())
    minute = now.hour * 60 + now.minute
    return bool(span) and span[0] <= minute < span[1]


def next_opening(clinic: Clinic, now: Optional[datetime] = None) -> Optional[datetime]:
    """The next moment the clinic opens (strictly after `now`), within two weeks."""
    now = _local(clinic, now)
    for offset in range(15):
        day = now.date() + timedelta(days=offset)
        span = hours_on(clinic, day)
        if not span:
            continue
        opens = datetime.combine(day, time(span[0] // 60, span[0] % 60), tzinfo=clinic.timezone)
        if opens > now:
            return opens
    return None


def closing_time(clinic: Clinic, now: Optional[datetime] = None) -> Optional[datetime]:
    now = _local(clinic, now)
    if not is_open(clinic, now):
        return None
    close = hours_on(clinic, now.date())[1]
    return datetime.combine(now.date(), time(0), tzinfo=clinic.timezone) + timedelta(minutes=close)


def clock(moment: datetime) -> str:
    """'8:00 am', '1:30 pm': how people say a time."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def when(clinic: Clinic, moment: datetime, now: Optional[datetime] = None) -> str:
    """'at 8:00 am today', 'at 8:00 am tomorrow', 'on Monday at 8:00 am', 'on Dec 28 at ...'."""
    now = _local(clinic, now)
    moment = moment.astimezone(clinic.timezone)
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"today at {clock(moment)}"
    if days == 1:
        return f"tomorrow at {clock(moment)}"
    if days < 7:
        return f"on {moment.strftime('%A')} at {clock(moment)}"
    return f"on {moment.strftime('%A, %B')} {moment.day} at {clock(moment)}"


def open_status(clinic: Clinic, now: Optional[datetime] = None) -> str:
    """One sentence on whether the clinic is open now and until/from when."""
    now = _local(clinic, now)
    if is_open(clinic, now):
        return f"We're open now, until {clock(closing_time(clinic, now))} today."
    opening = next_opening(clinic, now)
    if opening is None:
        return "We're closed at the moment."
    return f"We're closed right now and open again {when(clinic, opening, now)}."


def weekly_summary(clinic: Clinic) -> str:
    """'Mon-Thu 8:00 am-7:00 pm, Fri 8:00 am-5:00 pm, Sat 9:00 am-2:00 pm, Sun closed'."""
    def label(span):
        if not span:
            return "closed"
        start, end = (datetime(2000, 1, 1) + timedelta(minutes=m) for m in span)
        return f"{clock(start)}-{clock(end)}"

    groups = []  # [first_day, last_day, label]
    for index, _ in enumerate(DAYS):
        text = label(clinic.hours.get(index))
        if groups and groups[-1][2] == text:
            groups[-1][1] = index
        else:
            groups.append([index, index, text])
    short = [day[:3].title() for day in DAYS]
    parts = [
        (short[a] if a == b else f"{short[a]}-{short[b]}") + f" {text}" for a, b, text in groups
    ]
    return ", ".join(parts)
