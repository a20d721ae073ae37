"""Patients' languages (issue 17). Each user event's parse_data carries
`"language": {"code": "ko", "name": "Korean", "confidence": 0.97}`; older events have none and count
as English. A conversation's language is the most frequent non-English language among its patient
messages (text typed into the call-back form left out: names and numbers say nothing), else English.
Message text is never needed here: only the code and the English name the assistant reports."""
import re
import unicodedata
from typing import Dict, Iterable, Optional, Tuple

from sqlalchemy import insert, select, update

from console.db import languages

ENGLISH = "en"
OUTCOME = "other_lang"  # a message's outcome (console_messages) when its intent is other_language
# The languages the assistant answers in (its translations), in the order staff see them.
SUPPORTED = {"en": "English", "zh-Hans": "Chinese (simplified)", "zh-Hant": "Chinese (traditional)",
             "ko": "Korean", "fa": "Persian (Farsi)", "es": "Spanish", "pa": "Punjabi", "tl": "Tagalog"}
# Names for other codes until the assistant has reported one (it sends the name with the code).
KNOWN = {"ar": "Arabic", "vi": "Vietnamese", "hi": "Hindi", "fr": "French", "zh": "Chinese", "ja": "Japanese",
         "de": "German", "pt": "Portuguese", "ru": "Russian", "uk": "Ukrainian", "ur": "Urdu", "it": "Italian",
         "pl": "Polish", "ro": "Romanian", "tr": "Turkish", "he": "Hebrew", "th": "Thai", "id": "Indonesian",
         "ms": "Malay", "bn": "Bengali", "ta": "Tamil", "gu": "Gujarati", "so": "Somali", "am": "Amharic",
         "ti": "Tigrinya", "km": "Khmer", "ne": "Nepali", "sw": "Swahili", "nl": "Dutch", "el": "Greek",
         "ps": "Pashto", "ku": "Kurdish", "my": "Burmese", "lo": "Lao"}
CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}$")


def _marks() -> str:
    """Combining marks (Unicode category M) as a regex class body: Python's \\w leaves them out, which
    would cut Punjabi, Hindi or Persian words at every vowel sign."""
    ranges, start = [], None
    for i in range(0x300, 0x10001):
        mark = i < 0x10000 and unicodedata.category(chr(i)).startswith("M")
        if mark and start is None:
            start = i
        elif not mark and start is not None:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(i - 1)) if i - 1 > start else ""))
            start = None
    return "".join(ranges)


# A word: Unicode letters and digits (\w without "_"), apostrophes, combining marks, zero-width (non-)joiners.
WORD = re.compile(r"(?:[^\W_]|['\u200c\u200d" + _marks() + "])+")
# Scripts written without spaces between words: cut into overlapping pairs of characters.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Arabic-script spelling variants folded for grouping: Arabic yeh/kaf to the Persian letters, no tatweel
# or short-vowel marks.
ARABIC_FOLD = {0x064A: 0x06CC, 0x0649: 0x06CC, 0x0643: 0x06A9, 0x0640: None,
               **{c: None for c in range(0x064B, 0x0660)}, 0x0670: None}


def words(text: str) -> list:
    """The words of a message in any script, lower case (casefolded, NFKC). For ASCII text exactly
    what [a-z0-9']+ finds; Chinese and Japanese runs become character pairs ("胸口痛" -> 胸口, 口痛)."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(ARABIC_FOLD)
    out = []
    for word in WORD.findall(text):
        word = word.replace("\u200c", "").replace("\u200d", "")
        runs = UNSPACED.findall(word)
        if not runs:
            out.append(word)
            continue
        out.extend(part for part in UNSPACED.split(word) if part)
        for run in runs:
            out.extend([run[i:i + 2] for i in range(len(run) - 1)] or [run])
    return [w for w in out if w]


FILTERS = {"non_en": "Not English", "other": "Other languages (no translation)"}


def normalise(code) -> Optional[str]:
    """A BCP 47 tag as the assistant sends it (zh-Hans, ko), tidied; None if it is not one."""
    if not isinstance(code, str) or not CODE.match(code.strip()):
        return None
    parts = code.strip().split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        out.append(p.title() if len(p) == 4 else p.upper() if len(p) == 2 or p.isdigit() else p.lower())
    return "-".join(out)


def language_of(parse) -> Tuple[str, str]:
    """(code, English name) of one user event's parse_data; English when absent or unusable."""
    value = parse.get("language") if isinstance(parse, dict) else None
    code = normalise(value.get("code")) if isinstance(value, dict) else None
    if code is None or code == ENGLISH or code.startswith(ENGLISH + "-"):
        return ENGLISH, SUPPORTED[ENGLISH]
    name = value.get("name")
    name = " ".join(name.split())[:60] if isinstance(name, str) and name.strip() else ""
    return code, name or SUPPORTED.get(code) or KNOWN.get(code) or code


def dominant(tally: Dict[str, Tuple[int, float]]) -> str:
    """tally: code -> (messages, first timestamp). The most frequent non-English language (the earlier
    one on a tie), else English."""
    others = {c: v for c, v in tally.items() if c != ENGLISH and v[0] > 0}
    if not others:
        return ENGLISH
    return max(others, key=lambda c: (others[c][0], -others[c][1]))


def names(conn) -> Dict[str, str]:
    """code -> English name: built-in, overridden by what the assistant reported (console_languages)."""
    out = {**KNOWN, **SUPPORTED}
    out.update({code: name for code, name in conn.execute(select(languages.c.code, languages.c.name))})
    return out


def remember(conn, seen: Dict[str, str], cache: Dict[str, str]) -> None:
    """Keeps the names the assistant reports, so lists and insights can show them."""
    if not cache:
        cache.update({c: n for c, n in conn.execute(select(languages.c.code, languages.c.name))})
    for code, name in seen.items():
        if cache.get(code) == name:
            continue
        if code in cache:
            conn.execute(update(languages).where(languages.c.code == code).values(name=name))
        else:
            conn.execute(insert(languages).values(code=code, name=name))
        cache[code] = name


def where(column, choice: str):
    """The SQL condition for the conversations list's language filter, or None (no filter)."""
    if choice == "non_en":
        return column != ENGLISH
    if choice == "other":
        return column.not_in(list(SUPPORTED))
    code = normalise(choice)
    return column == code if code else None


def filter_options(known: Dict[str, str], chosen: str) -> Iterable[Tuple[str, str]]:
    """(value, label) for the conversations list's language filter."""
    options = list(SUPPORTED.items()) + list(FILTERS.items())
    code = normalise(chosen)
    if code and code not in SUPPORTED:
        options.append((code, known.get(code, code)))
    return options


def figure(counts, names: Dict[str, str], link, other_messages: int, other_link: str) -> tuple:
    """The insights card: conversations by language (bars link to them), the numbers, and a note on
    the messages in languages the assistant does not answer in."""
    from console import charts
    counts = sorted(counts, key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
    total = sum(n for _, n in counts) or 1
    title = "Conversations by language (by the day they started)"
    svg = charts.horizontal_bars(title, [(names.get(code, code), n, link(code)) for code, n in counts])
    table = [("Language", "Conversations", "Share")] + [
        (names.get(code, code), n, f"{n * 100 / total:.0f}%") for code, n in counts]
    note = (f"{other_messages} message{'s' if other_messages != 1 else ''} in other languages: the assistant "
            "told those patients, in their language, to call the clinic.", "See those conversations",
            other_link) if other_messages else None
    return title, svg, table, note
