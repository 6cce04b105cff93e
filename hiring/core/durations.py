"""Case-study durations in words: "45 minutes", "45–60 min", "1 hour", "1.5 hours",
"2–3 hours", "90 minutes–2 hours", "1h30", "half an hour", "half a day" -> minutes.

A range gives (low, high); one amount gives (n, n). A bare number before a dash takes the
unit after it ("2–3 hours" is 120–180). Half a day is 240 minutes and a full day 480 (a
working day of eight hours). What looks like a duration but is not understood ("a couple of
hours", "2 days") gives a warning and no number: never a wrong number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

# Never starting inside a run of digits: a match from there would also match from the run's
# start (found first), and trying every digit of "1111..." as a start is quadratic.
_NUM = r"(?<!\d)\d+(?:\.\d+)?"
_MIN = r"(?:minutes?|mins?|m)\b"
_HOUR = r"(?:hours?|hrs?|hr|h)(?![a-z])"
_AMOUNT = (rf"(?:{_NUM}\s*-?\s*(?:{_HOUR}(?:\s*(?:and\s+)?\d+\s*(?:{_MIN})?)?|{_MIN}|days?\b)"
           r"|half\s+an\s+hour|(?:an|one)\s+hour(?:\s+and\s+a\s+half)?"
           r"|half[\s-]+(?:a\s+)?day\b|(?:a\s+)?full[\s-]+day\b|one\s+day\b)")
_DASH = r"\s*(?:[-\u2013\u2014]|to)\s*"
_RANGE = re.compile(rf"(?P<left>{_AMOUNT}|{_NUM}){_DASH}(?P<right>{_AMOUNT})", re.IGNORECASE)
_ONE = re.compile(_AMOUNT, re.IGNORECASE)
_TIME_WORD = re.compile(r"\b(?:minutes?|mins?|hours?|hrs?|half[\s-]+(?:a\s+)?day)\b",
                        re.IGNORECASE)

_WORDS = {"half an hour": 30, "an hour": 60, "one hour": 60, "an hour and a half": 90,
          "one hour and a half": 90, "half a day": 240, "half day": 240, "full day": 480,
          "a full day": 480, "one day": 480}
_SPLIT = re.compile(rf"({_NUM})\s*-?\s*([a-z]+)(?:\s*(?:and\s+)?(\d+)\s*[a-z]*)?", re.IGNORECASE)


# No case study runs longer than a week: a larger number is a typo, never a duration (and
# a database integer column holds at most 2,147,483,647). Longer digit strings are not even
# converted (int() refuses more than 4,300 digits, with a ValueError).
MAX_MINUTES = 7 * 24 * 60
_MAX_DIGITS = 12


@dataclass(frozen=True)
class Duration:
    low: int | None  # minutes
    high: int | None
    text: str  # the words that gave it (empty when nothing was found)
    warning: str | None = None


def _minutes(amount: str, unit_hint: str | None = None) -> Fraction | None:
    """Minutes in one amount; None for amounts we do not turn into a number (2 days)."""
    words = re.sub(r"[\s-]+", " ", amount.strip().lower())
    if words in _WORDS:
        return Fraction(_WORDS[words])
    match = _SPLIT.fullmatch(words)
    if match is None:
        if re.fullmatch(_NUM, words) and unit_hint:
            return _minutes(f"{words} {unit_hint}")
        return None
    if len(match.group(1)) > _MAX_DIGITS or len(match.group(3) or "") > _MAX_DIGITS:
        return None
    number, unit, extra = Fraction(match.group(1)), match.group(2), match.group(3)
    if unit.startswith("h"):
        return number * 60 + (int(extra) if extra else 0)
    if unit.startswith("m"):
        return number
    if unit.startswith("day"):
        return {Fraction(1, 2): Fraction(240), Fraction(1): Fraction(480)}.get(number)
    return None


def _unit_of(amount: str) -> str | None:
    match = _SPLIT.fullmatch(re.sub(r"[\s-]+", " ", amount.strip().lower()))
    return match.group(2) if match else None


def _whole(value: Fraction | None) -> int | None:
    if value is None or value.denominator != 1 or not 0 < value <= MAX_MINUTES:
        return None
    return int(value)


def find_duration(text: str) -> Duration:
    """The first duration in `text`, or a warning when it mentions time we cannot read."""
    match = _RANGE.search(text)
    if match:
        right = _minutes(match.group("right"))
        left = _minutes(match.group("left"), _unit_of(match.group("right")))
        low, high = _whole(left), _whole(right)
        if low is not None and high is not None:
            low, high = sorted((low, high))
            return Duration(low, high, match.group(0))
        return Duration(None, None, "", f"duration not understood: \u201c{match.group(0)}\u201d")
    match = _ONE.search(text)
    if match:
        value = _whole(_minutes(match.group(0)))
        if value is not None:
            return Duration(value, value, match.group(0))
        return Duration(None, None, "", f"duration not understood: \u201c{match.group(0)}\u201d")
    word = _TIME_WORD.search(text)
    if word:
        return Duration(None, None, "", f"duration not understood in \u201c{text.strip()}\u201d")
    return Duration(None, None, "")
