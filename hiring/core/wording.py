"""Plain words for the panel's agreement, shown next to its number.

The number (the share of pairs of interviewers whose ratings of a dimension are at most one
point apart) comes from the scoring result; the words are read from the number as shown, so
the two can never disagree ("mostly agreed: 90%" cannot happen where 90% reads "largely").
"""

from __future__ import annotations

# (lowest shown percentage, words), highest first
VERDICTS = ((90, "Interviewers largely agreed"), (75, "Interviewers mostly agreed"),
            (50, "Interviewers partly agreed"), (0, "Interviewers often disagreed"))


def agreement_words(shown_percent: str | None) -> str | None:
    """"86%" -> "Interviewers mostly agreed"; None (no pairs to compare) -> None."""
    if not shown_percent:
        return None
    value = float(shown_percent.rstrip("%"))
    return next(words for floor, words in VERDICTS if value >= floor)
