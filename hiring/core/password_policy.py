"""What makes a password acceptable, after NIST SP 800-63B (5.1.1.2).

- Length is what counts: 12 to 128 characters after Unicode NFKC normalisation, white space
  at either end not counted (so "12 spaces" is 0 characters, refused).
- No composition rules (no "one digit, one symbol"): they push people to `Password1!`.
- Refuse what attackers try first: zxcvbn (common-password lists of about 30,000 entries,
  English words, names, keyboard patterns, repeats, dates, and the user's own name and email)
  must estimate at least 10^10 guesses (score 3 of 4).
The same normalisation is applied when hashing and when checking, so a password typed with
a composed or decomposed accent, or full-width digits, is the same password.
"""

from __future__ import annotations

import re
import unicodedata

PASSWORD_MIN, PASSWORD_MAX = 12, 128
MIN_SCORE = 3
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters decide


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password or "")


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """None when acceptable, else a message saying what to do (never a composition rule)."""
    text = normalise(password)
    length = len(text.strip())
    if length < PASSWORD_MIN:
        ends = " (spaces at either end do not count)" if length != len(text) else ""
        return (f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters ({length} given){ends}. "
                "A passphrase of several words works well.")
    if len(text) > PASSWORD_MAX:
        return f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters ({len(text)} given)."
    if "\x00" in text:
        return "Contains a NUL character, which cannot be used. Remove it."
    from zxcvbn import zxcvbn

    words = []
    for value in filter(None, (v.strip().lower() for v in user_inputs if v)):
        words += [value, value.split("@")[0]]
        words += [w for w in re.split(r"[^\w]+", value) if len(w) > 1]
    result = zxcvbn(text[:ZXCVBN_MAX], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    warning = (result.get("feedback") or {}).get("warning") or ""
    reason = f" ({warning.rstrip('.')})" if warning else ""
    return ("This password is too easy to guess" + reason + ". Common passwords, words "
            "with a number added, keyboard patterns and your own name or email are what "
            "attackers try first. Try three or four unrelated words.")
