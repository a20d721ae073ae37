"""Regex helpers of the English red-flag rules (clinic/redflags/english.py), kept from clinic/red_flags.py.

`words()` groups word alternatives under their first letter; `combine()` joins a family of patterns
into one regex tried only where a word starts, with each first letter's patterns behind a look-ahead.
Together they keep the net fast on 2,000-character messages.
"""
import re
from typing import Dict, Iterable, List, Optional, Set, Tuple

try:  # the regular-expression parser, used once at load to group patterns by first letter
    from re import _constants as _sre, _parser as _sre_parse  # Python 3.11+
except ImportError:  # Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse


def words(*alternatives: str) -> str:
    """`(?:a|b|c)` for a list of words, those that start with a plain letter grouped under it.

    At each position the regex engine skips an alternative that starts with a letter other than
    the one there almost for free; one that starts with a group or a look-behind has to be tried.
    """
    by_letter: Dict[str, List[str]] = {}
    others = []
    for alternative in alternatives:
        if alternative[:1].isalnum() and alternative[1:2] not in ("?", "*", "+", "{"):
            by_letter.setdefault(alternative[0], []).append(alternative[1:])
        else:
            others.append(alternative)
    grouped = [letter + (f"(?:{'|'.join(rests)})" if len(rests) > 1 else rests[0])
               for letter, rests in sorted(by_letter.items())]
    return "(?:" + "|".join(grouped + others) + ")"



def first_chars(items) -> Tuple[Optional[Set[str]], bool]:
    """The characters a match of parsed regex `items` can start with (None: any), and whether
    it can match the empty string."""
    chars: Set[str] = set()
    for op, av in items:
        if op is _sre.AT or op in (_sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero-width
        if op is _sre.LITERAL:
            return chars | {chr(av)}, False
        if op is _sre.IN:
            for kind, value in av:
                if kind is _sre.LITERAL:
                    chars.add(chr(value))
                elif kind is _sre.RANGE:
                    chars.update(chr(c) for c in range(value[0], value[1] + 1))
                elif kind is _sre.CATEGORY and value is _sre.CATEGORY_DIGIT:
                    chars.update("0123456789")
                else:
                    return None, False
            return chars, False
        if op is _sre.BRANCH or op is _sre.SUBPATTERN or op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            subs = av[1] if op is _sre.BRANCH else [av[-1]]
            least = av[0] if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) else 1
            empty = least == 0
            for sub in subs:
                first, sub_empty = first_chars(sub.data)
                if first is None:
                    return None, False
                chars |= first
                empty = empty or sub_empty
            if not empty:
                return chars, False
            continue  # optional: what follows can start the match too
        return None, False
    return chars, True


def combine(patterns: Iterable[str]) -> "re.Pattern[str]":
    """One regex for a family of patterns, tried only where a word starts.

    Run one by one, each pattern tests every position of a 2,000-character message. Every
    pattern starts with \\b, so one alternation is tried at word starts only, and behind a
    look-ahead at the word's first letter it holds only the patterns that can start with it.
    """
    by_letter: Dict[str, List[str]] = {}
    anywhere = []
    for pattern in patterns:
        assert pattern.startswith(r"\b"), pattern
        body = f"(?:{pattern[2:]})"
        first, empty = first_chars(_sre_parse.parse(body).data)
        if first is None or empty or len(first) > 12:
            anywhere.append(body)
        else:
            for letter in first:
                by_letter.setdefault(letter, []).append(body)
    branches = [f"(?={letter})(?:{'|'.join(bodies)})" for letter, bodies in sorted(by_letter.items())]
    return re.compile(r"\b(?=\w)(?:" + "|".join(branches + anywhere) + ")")
