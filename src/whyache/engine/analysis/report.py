"""What the short report of a run says: the facts a clinician reads first, chosen by clear rules.

Nothing here prints; ``whyache.cli.report`` lays it out. Kinds play the roles kb.yaml gives
them (the engine names none); in the bundled knowledge base the urgent kind is the red flag.
The choices:

* *Red flags* (facts of an urgent kind) come first, each with the given facts it rests on,
  found by walking its first derivation back to the case (``sharp + at one spot + at rest``),
  and the thresholds on the way that the knowledge base chose itself (``kb_threshold``).
  *Possible red flags* (reached only through possible links, so not raised: see
  ``Result.possible_red_flags``) follow in the same place, each with the possible links it
  rests on and the fewest facts that would establish it (WHY-NOT's additions).
* A chain follows an establishing derivation when the fact is established (a possible
  derivation never hides an established one), else the first derivation. Every conclusion
  carries its level; a possible one also the possible links it rests on, with their support.
* *Explained* are the conclusions of every other kind but advice (conditions, symptoms),
  of a ``detail`` kind (mechanisms) only those no firing used as a premise (end points),
  best supported first (most derivations), each with its chain: a tree of its first
  derivation in which a conjunction keeps every premise. A conclusion that sits inside
  another one's chain is read there, not repeated.
* *Advice* (facts of an advice kind) is grouped by its ``timing``. When any red flag is up,
  raised *or possible* (a possible red flag is not ruled out: the safe choice), advice the
  knowledge base marks ``needs_review`` (self-care: drugs, R.I.C.E., stretching, strength
  work, compression) moves to ``after_review``: no new medicine, only the knowledge base's
  own marks and the flag's presence decide.
* *Near misses* are red flags, then facts of a ``summary: always`` kind (conditions), one
  rule alternative away: nothing given contradicts it, something given supports it, and
  only one or two unanswered inputs are missing (through derived premises that are near
  misses themselves, a few steps deep). They say what to ask next.
* *Unused* are given facts that no firing used, as a premise or as an assumption (a
  denial that a rule mentions counts as used: it ruled that rule out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whyache.engine.explain.narrative import disagreements_in
from whyache.engine.explain.strength import Strength, first_derivation, possible_links
from whyache.engine.explain.why_not import Addition, why_not
from whyache.engine.model.conditions import Value, format_value
from whyache.engine.model.definitions import (
    ESTABLISHED,
    INPUT,
    POSSIBLE,
    Disagreement,
    KnowledgeBase,
    Source,
    Timing,
)
from whyache.engine.runtime.result import Result

if TYPE_CHECKING:
    from whyache.engine.analysis.consultation import Question
    from whyache.engine.model.case import Case

_CUT = re.compile(r" - | \(|; ")
_NUMBERED = re.compile(r"^(\d+)\.")
_ITEM = re.compile(r"\b(Tip|Query|Question) (\d+)")
_ITEM_TAG = {"Tip": "Tip", "Query": "Q", "Question": "FAQ"}


def short_label(kb: KnowledgeBase, fact_id: str) -> str:
    """A fact's label up to its first aside, in lower case when it starts a phrase."""
    label = _CUT.split(kb.fact(fact_id).label, maxsplit=1)[0].strip()
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return label


def doc_tag(file: str) -> str:
    """``000`` for ``000_6386edbbf6201b98.txt``: the number the documents are known by."""
    return file.split("_", 1)[0].split(".", 1)[0]


def source_tag(source: Source) -> str:
    """``000 §2``, ``001 Q4``, ``000 Tip 7``, ``003 §Identifying``: a citation in a few letters."""
    section = source.section
    item = _ITEM.search(section)
    numbered = _NUMBERED.match(section)
    if item:
        part = f"{_ITEM_TAG[item[1]]}{item[2]}"
    elif numbered:
        part = f"§{numbered[1]}"
    else:
        part = "§" + section.split()[0].strip("\"'?:,")
    return f"{doc_tag(source.document)} {part}"


def tags(sources: tuple[Source, ...], limit: int = 3, *, more: bool = True) -> str:
    """Short tags, one per document (its first citation), at most ``limit`` and then ``…``."""
    per_doc: dict[str, str] = {}
    for source in sources:
        per_doc.setdefault(source.document, source_tag(source))
    shown = list(per_doc.values())
    return " · ".join(shown[:limit]) + (" · …" if more and len(shown) > limit else "")


#: A run of one-premise steps longer than this is shortened to its ends around ``…``.
MAX_RUN = 4


def chain_text(kb: KnowledgeBase, link: Link) -> str:
    """``(hot weather → fluid lost in sweat) + not drinking enough → dehydration``: premises
    of a conjunction joined with ``+`` (a derived one in brackets when it is one of several),
    and long runs of one-premise steps shortened to ``first → … → last two``; ``explain``
    shows every step."""
    if _is_leaf(link):
        return given_text(kb, link)
    run = [link]
    while len(run[-1].premises) == 1 and not _is_leaf(run[-1].premises[0]):
        run.append(run[-1].premises[0])
    base = run[-1]
    parts = [chain_text(kb, p) for p in base.premises]
    if len(parts) > 1:
        parts = [f"({p})" if " → " in p else p for p in parts]
    labels = [short_label(kb, step.fact) for step in reversed(run)]
    if len(labels) > MAX_RUN:
        labels = [labels[0], "…", *labels[-2:]]
    return " → ".join([" + ".join(parts), *labels])


def _is_leaf(link: Link) -> bool:
    return link.value is not None or link.repeated or not link.premises


def given_text(kb: KnowledgeBase, link: Link) -> str:
    words = short_label(kb, link.fact)
    fact = kb.fact(link.fact)
    if link.value is False:
        return f"not {words}"
    if isinstance(link.value, bool) or link.value is None:
        return words
    unit = f" {fact.unit}" if fact.unit else ""
    return f"{words} {format_value(link.value)}{unit}"


def because_text(kb: KnowledgeBase, link: Link) -> str:
    """The given facts a red flag rests on, joined: ``pain sharp + at one point + at rest``."""
    return " + ".join(given_text(kb, leaf) for leaf in link.given()) or "the facts given"


#: Near misses offered at most, and the most missing inputs one may need.
MAX_NEAR_MISSES = 3
_MAX_MISSING = 2
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Link:
    """One fact of a chain and the premises of the firing that concluded it (none if given).

    ``value`` is the given value (None for a derived fact); ``condition`` the test it met
    (``hours_since_run > 72``); ``repeated`` marks a fact already expanded earlier in the
    same chain, shown by name only.
    """

    fact: str
    value: Value | None = None
    condition: str = ""
    premises: tuple[Link, ...] = ()
    rule: str = ""
    repeated: bool = False

    def given(self) -> tuple[Link, ...]:
        """The given facts at the leaves, each once, in order."""
        if self.value is not None:
            return (self,)
        seen: dict[str, Link] = {}
        for premise in self.premises:
            for leaf in premise.given():
                seen.setdefault(leaf.fact, leaf)
        return tuple(seen.values())

    def rules(self) -> tuple[str, ...]:
        """Rules of the chain, cause first, each once."""
        found: dict[str, None] = {}
        for premise in self.premises:
            found.update(dict.fromkeys(premise.rules()))
        if self.rule:
            found[self.rule] = None
        return tuple(found)

    def facts(self) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for premise in self.premises:
            found.update(dict.fromkeys(premise.facts()))
        found[self.fact] = None
        return tuple(found)


@dataclass(frozen=True)
class Flag:
    """A red flag, raised or possible. ``links`` are the possible links it rests on (a flag
    raised at the possible level has them too: its rule says ``raise_when_possible``);
    ``establish`` the fewest additions that would establish a possible one."""

    fact: str
    chain: Link
    thresholds: tuple[str, ...]
    sources: tuple[Source, ...]
    level: str = ESTABLISHED
    links: tuple[Strength, ...] = ()
    establish: tuple[Addition, ...] = ()


@dataclass(frozen=True)
class Explained:
    fact: str
    kind: str
    chain: Link
    other_ways: int
    thresholds: tuple[str, ...]
    sources: tuple[Source, ...]
    level: str = ESTABLISHED
    links: tuple[Strength, ...] = ()


@dataclass(frozen=True)
class Advice:
    fact: str
    timing: Timing
    moved: bool
    sources: tuple[Source, ...]
    level: str = ESTABLISHED


@dataclass(frozen=True)
class NearMiss:
    """A condition or red flag one step away: the unanswered inputs that would conclude it,
    each a fact id (present) or a condition on one (``hours_since_run > 72``)."""

    fact: str
    rule: str
    missing: tuple[str, ...]
    supported_by: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    flags: tuple[Flag, ...]
    explained: tuple[Explained, ...]
    advice: tuple[Advice, ...]
    near_misses: tuple[NearMiss, ...]
    disagreements: tuple[Disagreement, ...]
    unused: tuple[str, ...]
    documents: tuple[str, ...]
    possible_flags: tuple[Flag, ...] = ()


def chain_of(result: Result, fact_id: str) -> Link:
    """The first derivation of a fact as a tree down to given facts (every premise kept)."""
    return _link(result, fact_id, None, set())


def _link(result: Result, fact_id: str, premise: tuple[Value, str] | None, seen: set[str]) -> Link:
    given = result.case.get(fact_id)
    if given is not None:
        condition = premise[1] if premise else ""
        return Link(fact_id, given, condition)
    if fact_id in seen:
        return Link(fact_id, repeated=True)
    seen.add(fact_id)
    derivations = result.derivations(fact_id)
    if not derivations:
        return Link(fact_id)
    first = first_derivation(result, fact_id)
    unique = {p.fact: p for p in reversed(first.premises)}  # one fact tested twice: once
    ordered = [p for p in first.premises if unique.get(p.fact) is p]
    premises = tuple(_link(result, p.fact, (p.value, p.condition), seen) for p in ordered)
    return Link(fact_id, premises=premises, rule=first.rule)


def flagged(result: Result) -> bool:
    """Whether self-care waits: a red flag is raised, or one is possible (not ruled out)."""
    return bool(result.red_flags or result.possible_red_flags)


def _sources(kb: KnowledgeBase, rules: tuple[str, ...]) -> tuple[Source, ...]:
    return tuple(dict.fromkeys(s for r in rules for s in kb.rule(r).sources))


def _thresholds(kb: KnowledgeBase, rules: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(kb.rule(r).kb_threshold for r in rules if kb.rule(r).kb_threshold))


def advice_timing(kb: KnowledgeBase, fact_id: str, flagged: bool) -> tuple[Timing, bool]:
    """When a recommendation applies in this case, and whether a red flag moved it there."""
    fact = kb.fact(fact_id)
    timing = fact.timing or Timing.IMMEDIATE
    if flagged and fact.needs_review and timing is not Timing.AFTER_REVIEW:
        return Timing.AFTER_REVIEW, True
    return timing, False


def explained_kinds(kb: KnowledgeBase) -> tuple[str, ...]:
    """The kinds the report explains: every kind but input and the urgent and advice kinds
    (shown on their own), in report order."""
    return tuple(
        k for k in kb.kind_order if k != INPUT and not kb.kind(k).urgent and not kb.kind(k).advice
    )


def near_miss_kinds(kb: KnowledgeBase) -> tuple[str, ...]:
    """The kinds whose near misses say what to ask next: the urgent kinds, then those whose
    every conclusion the summary names (``summary: always``, the named conditions)."""
    named = (k for k in kb.kind_order if kb.kind(k).summary == "always")
    return tuple(dict.fromkeys([*kb.urgent_kinds, *named]))


def explained_facts(result: Result) -> tuple[str, ...]:
    """Conclusions of the explained kinds in report order; of a ``detail`` kind (steps of a
    chain) only the end points."""
    kb = result.kb
    used = {p.fact for firing in result.firings for p in firing.premises}
    chosen: list[str] = []
    for kind in explained_kinds(kb):
        detail = kb.kind(kind).detail
        found = [f for f in result.conclusions(kind) if not detail or f not in used]
        # Established before possible, then best supported first (most derivations); the
        # run's order breaks ties.
        found.sort(key=lambda f: (result.level(f) == POSSIBLE, -len(result.derivations(f))))
        chosen += found
    return tuple(chosen)


def unused_given(result: Result) -> tuple[str, ...]:
    """Given facts that no firing used, as a premise or as an assumption about them. A denial
    that some rule mentions is not listed: ruling a rule out is its use; nor is a reported
    finding that rules concluded: explaining it is its use."""
    kb = result.kb
    used = {p.fact for firing in result.firings for p in firing.premises}
    words = {w for firing in result.firings for a in firing.assumptions for w in _words(a)}
    return tuple(
        f
        for f, v in result.case.facts
        if f not in used
        and f not in words
        and not (v is False and kb.rules_using(f))
        and not (kb.is_observed(f) and result.derivations(f))  # a finding explained is used
    )


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_]+", text))


def near_misses(result: Result, limit: int = MAX_NEAR_MISSES) -> tuple[NearMiss, ...]:
    """Facts of the near-miss kinds (urgent first) not concluded but one alternative away."""
    kb = result.kb
    found: list[tuple[int, int, int, NearMiss]] = []
    values = result.values
    for rank, kind in enumerate(near_miss_kinds(kb)):
        for fact in kb.facts:
            if fact.kind != kind or result.concludes(fact.id):
                continue
            best = _closest(result, values, fact.id)
            if best is not None:
                found.append((rank, len(best.missing), len(found), best))
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found[:limit])


def _closest(
    result: Result,
    values: dict[str, Value],
    fact_id: str,
    depth: int = 0,
    visiting: frozenset[str] = frozenset(),
) -> NearMiss | None:
    """The alternative closest to concluding ``fact_id`` from unanswered inputs: a derived
    premise not yet concluded counts when it is itself a near miss (a few steps deep)."""
    kb = result.kb
    best: NearMiss | None = None
    visiting = visiting | {fact_id}
    for rule in kb.rules_concluding(fact_id):
        for literals in rule.alternatives:
            missing: list[str] = []
            support: list[str] = []
            for lit in literals:
                value = values.get(lit.fact)
                if lit.holds(value):
                    if value is not None and lit.is_positive_pattern:
                        support.append(lit.fact)
                    continue
                if value is not None or not lit.is_positive_pattern:
                    break  # contradicted, or satisfied only by leaving a fact unknown
                if kb.fact(lit.fact).is_input:
                    missing.append(lit.fact if str(lit) == lit.fact else str(lit))
                    continue
                sub = None
                if depth < _MAX_DEPTH and lit.fact not in visiting:
                    sub = _closest(result, values, lit.fact, depth + 1, visiting)
                if sub is None:
                    break  # hangs on a derived fact that is not within reach
                missing += sub.missing
                support += sub.supported_by
            else:
                missing = list(dict.fromkeys(missing))
                given = [f for f in dict.fromkeys(support) if result.case.get(f) is not None]
                if given and 0 < len(missing) <= _MAX_MISSING:
                    candidate = NearMiss(fact_id, rule.id, tuple(missing), tuple(given))
                    if best is None or len(candidate.missing) < len(best.missing):
                        best = candidate
    return best


def build_report(result: Result) -> Report:
    """The short report of a run (see the module docstring for what is chosen and why)."""
    kb = result.kb
    flags = tuple(_flag(result, f) for f in result.red_flags)
    possible_flags = tuple(_flag(result, f) for f in result.possible_red_flags)
    urgent = set(result.red_flags) | set(result.possible_red_flags)
    chains = {f: chain_of(result, f) for f in explained_facts(result) if f not in urgent}
    # A conclusion that sits inside another one's chain is read there, not repeated.
    inside = {f for fact_id, chain in chains.items() for f in chain.facts() if f != fact_id}
    explained = []
    for fact_id, chain in chains.items():
        if fact_id in inside:
            continue
        rules = chain.rules()
        explained.append(
            Explained(
                fact_id,
                kb.fact(fact_id).kind,
                chain,
                len(result.derivations(fact_id)) - 1,
                _thresholds(kb, rules),
                _sources(kb, rules),
                _level(result, fact_id),
                chain_links(result, fact_id, chain),
            )
        )
    held = flagged(result)
    advice = []
    for fact_id in result.advice:
        timing, moved = advice_timing(kb, fact_id, held)
        firing = first_derivation(result, fact_id)
        sources = kb.rule(firing.rule).sources
        advice.append(Advice(fact_id, timing, moved, sources, _level(result, fact_id)))
    return Report(
        flags=flags,
        possible_flags=possible_flags,
        explained=tuple(explained),
        advice=tuple(advice),
        near_misses=near_misses(result),
        disagreements=disagreements_in(result),
        unused=unused_given(result),
        documents=_cited(result),
    )


def _level(result: Result, fact_id: str) -> str:
    return result.level(fact_id) or ESTABLISHED


def chain_links(result: Result, fact_id: str, chain: Link) -> tuple[Strength, ...]:
    """The possible links of a possible conclusion's chain (what the report shows), cause
    first; the other ways have theirs (``explain``). All of them if the chain has none."""
    links = possible_links(result, fact_id)
    order = {rule: index for index, rule in enumerate(chain.rules())}
    shown = sorted((step for step in links if step.rule in order), key=lambda s: order[s.rule])
    return tuple(shown) or links


def _flag(result: Result, fact_id: str) -> Flag:
    kb = result.kb
    chain = chain_of(result, fact_id)
    rules = chain.rules()
    level = _level(result, fact_id)
    establish = why_not(kb, result, fact_id).additions if level == POSSIBLE else ()
    return Flag(
        fact_id,
        chain,
        _thresholds(kb, rules),
        _sources(kb, rules),
        level,
        chain_links(result, fact_id, chain),
        establish,
    )


def _cited(result: Result) -> tuple[str, ...]:
    files = [s.document for f in result.firings for s in result.kb.rule(f.rule).sources]
    return tuple(sorted(dict.fromkeys(files)))


def settling_questions(kb: KnowledgeBase, case: Case, limit: int = 3) -> tuple[Question, ...]:
    """The questions a consultation would ask first: each settles the most still-open goals
    once the ones before it are set aside (answered "do not know")."""
    from whyache.engine.analysis.consultation import Consultant, Consultation  # only when needed

    consultant = Consultant(kb)
    consultation = Consultation(case)
    found: list[Question] = []
    while len(found) < limit:
        question = consultant.next_question(consultation)
        if question is None:
            break
        found.append(question)
        if question.group:
            consultation = consultation.answer_group(question.group, question.facts, None)
        else:
            consultation = consultation.answer(question.fact, None)
    return tuple(found)
