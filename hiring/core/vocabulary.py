"""The app's words, each defined once: votes, roles, candidate stages, recommendation bands.

Models, forms, templates (through filters), the PDF and the scoring core all take them from
here. Each member carries its value (what is stored) and its label (what people read).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

# Two floats closer than this are equal: weights and coverage are sums of user-entered
# percentages, and 0.1 + 0.7 is not exactly 0.8.
TOLERANCE = 1e-9


class Vote(IntEnum):
    """The overall recommendation on a scorecard. There is no neutral option, by design."""

    label: str

    def __new__(cls, value: int, label: str):
        member = int.__new__(cls, value)
        member._value_, member.label = value, label
        return member

    STRONG_NO = 1, "Strong no"
    NO = 2, "No"
    YES = 3, "Yes"
    STRONG_YES = 4, "Strong yes"


class _LabelledStr(StrEnum):
    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_, member.label = value, label
        return member


class UserRole(_LabelledStr):
    ADMIN = "admin", "Admin"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    INTERVIEWER = "interviewer", "Interviewer"


class Stage(_LabelledStr):
    """Where a candidate is in the process."""

    APPLIED = "applied", "Applied"
    SCREENING = "screening", "Screening"
    INTERVIEWING = "interviewing", "Interviewing"
    DEBRIEF = "debrief", "Debrief"
    OFFER = "offer", "Offer"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Outcome(_LabelledStr):
    """A hiring manager's decision on a candidate. Hold is not final: retention waits for a
    hire or a no hire."""

    HIRE = "hire", "Hire"
    NO_HIRE = "no_hire", "No hire"
    HOLD = "hold", "Hold"

    @property
    def final(self) -> bool:
        return self is not Outcome.HOLD


# The stored values of the decisions that end a candidate's process.
FINAL_OUTCOMES = tuple(o.value for o in Outcome if o.final)


class Band(_LabelledStr):
    """The debrief's recommendation: a band of the composite, or not enough evidence."""

    STRONG_HIRE = "Strong hire", "Strong hire"
    HIRE = "Hire", "Hire"
    LEAN_NO = "Lean no", "Lean no"
    NO_HIRE = "No hire", "No hire"
    NOT_ENOUGH = "Not enough evidence", "Not enough evidence"


def one_of(vocabulary) -> str:
    """The labels as a choice in prose: "Strong no, No, Yes or Strong yes"."""
    *first, last = (member.label for member in vocabulary)
    return f"{', '.join(first)} or {last}" if first else last


def labels(vocabulary) -> dict:
    """value -> label for every member, in definition order (for choices and lookups)."""
    return {member.value: member.label for member in vocabulary}


def label_of(vocabulary, value, default: str = "") -> str:
    """The label of a stored value; `default` for None, the value itself when unknown."""
    if value is None or value == "":
        return default
    try:
        return vocabulary(value).label
    except ValueError:
        return str(value)
