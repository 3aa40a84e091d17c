"""How people spell yes, no and "I don't know": the one table every input reads.

``-f FACT=VALUE``, case files, batch lines and cells, scenario files, the pytest fixture and
the consultation's prompt all look answers up here, so a spelling accepted in one place is
accepted in every place. Matching ignores case and surrounding blanks.

========  ==================================================================
meaning   spellings
========  ==================================================================
yes       yes, y, true, t, 1, on, present   (and the booleans true, the number 1)
no        no, n, false, f, 0, off, denied, absent   (and false, the number 0)
unknown   unknown, u, ?, dk, don't know, dont know, not sure
========  ==================================================================

"unknown" leaves the fact out of the case: it is the same as not giving it. A numeric fact
reads digits as its number, so ``hours_since_run=1`` is one hour, not "yes".
"""

from __future__ import annotations

YES: tuple[str, ...] = ("yes", "y", "true", "t", "1", "on", "present")
NO: tuple[str, ...] = ("no", "n", "false", "f", "0", "off", "denied", "absent")
UNKNOWN: tuple[str, ...] = ("unknown", "u", "?", "dk", "don't know", "dont know", "not sure")

_MEANING: dict[str, bool | None] = {
    **dict.fromkeys(YES, True),
    **dict.fromkeys(NO, False),
    **dict.fromkeys(UNKNOWN, None),
}


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def is_unknown(raw: object) -> bool:
    """Whether a raw answer says "unknown" (the fact then stays out of the case)."""
    return isinstance(raw, str) and _key(raw) in UNKNOWN


def yes_no(raw: object) -> bool | None:
    """True or False for a yes/no spelling (or a bool, or the numbers 1 and 0); else None."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        return _MEANING.get(_key(raw))
    return None
