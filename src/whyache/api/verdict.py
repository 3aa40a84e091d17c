"""A yes/no answer that explains itself, for assertions about a run."""

from __future__ import annotations

from collections.abc import Iterable

#: The last verdicts whose truth was asked, latest last. A test runner shows the last one in
#: full when an assertion fails (the whyache pytest plugin does, and clears it per test).
ASKED: list[Verdict] = []
_KEPT = 8


class Verdict:
    """True or false, with the HOW or WHY-NOT behind it.

    pytest prints a failed ``assert`` operand's ``repr`` on one line, so ``repr`` folds the
    indented explanation into ``parent [child; child]`` form; ``str`` keeps the lines. Asking
    its truth (``bool``, ``==``) records it in :data:`ASKED`, so that the full explanation can
    be shown where pytest cuts the one-line form short.
    """

    def __init__(self, value: bool, explanation: str) -> None:
        self.value = value
        self.explanation = explanation

    def __bool__(self) -> bool:
        self._asked()
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Verdict | bool):
            self._asked()
            return self.value == bool(other)
        return NotImplemented

    def _asked(self) -> None:
        if not (ASKED and ASKED[-1] is self):
            ASKED.append(self)
            del ASKED[:-_KEPT]

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        headline, *rest = self.explanation.splitlines()
        return f"{headline}: {_fold(rest)}" if rest else headline

    def __str__(self) -> str:
        return self.explanation


def verdict(value: bool, headline: str, lines: Iterable[str]) -> Verdict:
    """A verdict whose explanation is the headline with the lines indented below it."""
    return Verdict(value, "\n".join([headline, *("  " + line for line in lines)]))


def _fold(lines: list[str]) -> str:
    """Indented lines as one line: each line's deeper-indented followers go in brackets."""
    parts: list[str] = []
    index = 0
    while index < len(lines):
        depth = len(lines[index]) - len(lines[index].lstrip())
        end = index + 1
        while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > depth:
            end += 1
        text = " ".join(lines[index].split())
        parts.append(f"{text} [{_fold(lines[index + 1 : end])}]" if end > index + 1 else text)
        index = end
    return "; ".join(parts)
