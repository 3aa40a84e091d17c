"""The knowledge-base model: documents, facts, rules and disagreements, as frozen values.

The engine knows nothing about medicine: these classes describe *any* knowledge base. The
``whyache.knowledge_base`` package reads files into them; :func:`whyache.engine.validate`
checks that they hang together before they are compiled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any

from whyache.engine.errors import Location
from whyache.engine.model.conditions import Condition, Literal, facts_in, to_dnf
from whyache.engine.model.vocabulary import normalise

#: The one kind of fact the engine itself knows: what a case may give. Every other kind is
#: declared by the knowledge base (``kinds:`` in kb.yaml), with its place and role.
INPUT = "input"

#: What a kind's ``summary`` may say about the plain-language summary of a run.
SUMMARY_MODES = ("always", "end_points", "never")


@dataclass(frozen=True)
class KindDef:
    """A kind of fact, declared by the knowledge base: its heading, place in reports and role.

    The engine knows no medicine, so what a kind *means* is data: ``urgent`` kinds are shown
    first under ``alert`` and never buried (a medical knowledge base's red flags), ``advice``
    kinds are what scenario files call ``recommends``, ``detail`` kinds are intermediate steps
    left out of short listings. ``weight`` and ``tier`` steer the consultation (the lowest
    tier that rules conclude holds its goals), ``summary`` says when a conclusion of this kind
    is named in a run's summary, ``style`` names a diagram style (see engine/render/),
    ``action`` is what the summary tells the reader to do about an urgent fact, and ``name``
    is one fact of the kind in words.
    """

    id: str
    title: str
    style: str = "plain"
    weight: int = 1
    tier: int = 1
    summary: str = "end_points"
    urgent: bool = False
    advice: bool = False
    detail: bool = False
    alert: str = ""
    action: str = ""
    name: str = ""
    description: str = ""
    location: Location | None = None
    #: Facts of an observed kind (a complaint: leg ache, cramps) may be given by a case *and*
    #: concluded by rules: when given, the derivations that conclude them are explanations.
    observed: bool = False

    @property
    def singular(self) -> str:
        """One fact of this kind in words (``red flag``): ``name``, else the id with spaces."""
        return self.name or self.id.replace("_", " ")


INPUT_KIND = KindDef(
    id=INPUT,
    title="Inputs",
    style="input",
    weight=0,
    tier=1_000_000,
    summary="never",
    detail=True,
    description="What a person can report; the only facts a case may give.",
)


class Timing(StrEnum):
    """When a recommendation applies, as its documents give it.

    ``immediate``: now, for the pain at hand. ``after_review``: once a clinician has seen it
    (or with a professional). ``prevention``: long-term, to keep it from coming back.
    """

    IMMEDIATE = "immediate"
    AFTER_REVIEW = "after_review"
    PREVENTION = "prevention"


class Link(StrEnum):
    """How strongly a rule's premises bring about its conclusions, as its documents say it.

    ``establishes``: the premises are enough ("causes", "leads to", "is"). Every other kind
    makes the conclusion *possible* only: ``can_lead_to`` ("can cause", "may lead to"),
    ``can_contribute_to`` (one factor among others), ``raises_risk_of`` (a risk factor),
    ``may_indicate`` (a sign that fits, not a proof). A fact concluded through a possible
    link is possible, and so is everything that needs it (see ``runtime/levels.py``).
    """

    ESTABLISHES = "establishes"
    CAN_LEAD_TO = "can_lead_to"
    CAN_CONTRIBUTE_TO = "can_contribute_to"
    RAISES_RISK_OF = "raises_risk_of"
    MAY_INDICATE = "may_indicate"

    @property
    def establishes(self) -> bool:
        return self is Link.ESTABLISHES

    @property
    def words(self) -> str:
        """The link in words, for a trace line (``can lead to``, ``raises the risk of``)."""
        if self is Link.RAISES_RISK_OF:
            return "raises the risk of"
        return "establishes" if self.establishes else self.value.replace("_", " ")


#: A concluded fact's level: some derivation from given facts uses establishing links only
#: (established), or every derivation needs a possible link (possible). Given facts are given.
ESTABLISHED, POSSIBLE, GIVEN = "established", "possible", "given"


class ValueType(StrEnum):
    BOOLEAN = "boolean"
    NUMBER = "number"


@dataclass(frozen=True)
class Document:
    """A source document: its file name, title and the section headings rules may cite."""

    file: str
    title: str
    sections: tuple[str, ...]
    note: str = ""
    location: Location | None = None


@dataclass(frozen=True)
class Source:
    """A citation: a document file name, one of its section headings, and (``says``) how
    strongly that passage states the rule's link, when the knowledge base records it."""

    document: str
    section: str
    says: Link | None = None

    def __str__(self) -> str:
        return f"{self.document} § {self.section}"


@dataclass(frozen=True)
class FactDef:
    """One entry of the vocabulary."""

    id: str
    label: str
    kind: str
    type: ValueType = ValueType.BOOLEAN
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    aliases: tuple[str, ...] = ()
    question: str | None = None
    description: str = ""
    #: Recommendations only: when the advice applies, and whether it is self-care (drugs,
    #: R.I.C.E., stretching, strength work, compression...) that waits for a clinician when
    #: a red flag is up.
    timing: Timing | None = None
    needs_review: bool = False
    location: Location | None = None
    #: The heading of the file that defines it (``category:``), for overview maps.
    category: str = ""

    @property
    def is_input(self) -> bool:
        return self.kind == INPUT

    @property
    def is_numeric(self) -> bool:
        return self.type is ValueType.NUMBER


@dataclass(frozen=True)
class RuleDef:
    """One rule: when ``condition`` holds, every fact in ``concludes`` is established."""

    id: str
    description: str
    condition: Condition
    concludes: tuple[str, ...]
    sources: tuple[Source, ...]
    note: str = ""
    #: Non-empty when a number in the condition is the knowledge base's own reading of the
    #: documents (a cut-off they do not state): what was chosen and why. Shown in the trace.
    kb_threshold: str = ""
    location: Location | None = None
    category: str = ""
    #: How strongly the premises bring about the conclusions; None: not said (kb lint
    #: reports it, and the rule counts as establishing, as every rule did before links).
    link: Link | None = None
    #: An urgent conclusion reached through possible links alone is shown but not raised
    #: unless its rule says so here.
    raise_when_possible: bool = False

    @property
    def establishes(self) -> bool:
        return self.link is None or self.link.establishes

    @cached_property
    def support(self) -> int:
        """How many documents state this link: the distinct files its sources cite."""
        return len({source.document for source in self.sources})

    @cached_property
    def alternatives(self) -> tuple[tuple[Literal, ...], ...]:
        """The condition in disjunctive normal form (one compiled experta rule each)."""
        return to_dnf(self.condition)

    @cached_property
    def premises(self) -> tuple[str, ...]:
        """Fact ids the condition mentions, each once, in order."""
        return tuple(dict.fromkeys(facts_in(self.condition)))


@dataclass(frozen=True)
class Disagreement:
    """Two or more sources that say different things; both views are kept as rules."""

    id: str
    topic: str
    note: str
    rules: tuple[str, ...]
    location: Location | None = None


@dataclass(frozen=True)
class QuestionGroup:
    """Yes/no inputs a consultation asks together ("any of these?"), as a screen is asked.

    A "no" answers every fact of the group at once; a "yes" leads to the facts one by one.
    The knowledge base decides what belongs together; the engine only counts the answers.
    """

    id: str
    question: str
    facts: tuple[str, ...]
    location: Location | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    """A whole knowledge base, validated or not (see :func:`whyache.engine.validate`)."""

    name: str
    version: str
    description: str
    facts: tuple[FactDef, ...]
    rules: tuple[RuleDef, ...]
    documents: tuple[Document, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    demo: tuple[tuple[str, str], ...] = ()
    disclaimer: str = ""
    root: str = ""
    kinds: tuple[KindDef, ...] = ()
    tagline: str = ""
    question_groups: tuple[QuestionGroup, ...] = ()
    _facts: Mapping[str, FactDef] = field(init=False, repr=False, compare=False)
    _rules: Mapping[str, RuleDef] = field(init=False, repr=False, compare=False)

    _concluding: Mapping[str, tuple[RuleDef, ...]] = field(init=False, repr=False, compare=False)
    _using: Mapping[str, tuple[RuleDef, ...]] = field(init=False, repr=False, compare=False)
    _strata: Mapping[str, int] | None = field(init=False, repr=False, compare=False)
    _kinds: Mapping[str, KindDef] = field(init=False, repr=False, compare=False)
    _possible_rules: frozenset[str] = field(init=False, repr=False, compare=False)
    _aliases: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_strata", None)
        declared = {k.id: k for k in self.kinds if k.id != INPUT}
        object.__setattr__(self, "_kinds", MappingProxyType({**declared, INPUT: INPUT_KIND}))
        concluding: dict[str, list[RuleDef]] = {}
        using: dict[str, list[RuleDef]] = {}
        for rule in self.rules:
            for fact_id in rule.concludes:
                concluding.setdefault(fact_id, []).append(rule)
            for fact_id in rule.premises:
                using.setdefault(fact_id, []).append(rule)
        object.__setattr__(
            self, "_possible_rules", frozenset(r.id for r in self.rules if not r.establishes)
        )
        aliases: dict[str, str] = {}
        for fact in self.facts:
            for alias in fact.aliases:
                aliases.setdefault(normalise(alias), fact.id)  # the first declaring it wins
        object.__setattr__(self, "_aliases", MappingProxyType(aliases))
        object.__setattr__(self, "_facts", MappingProxyType({f.id: f for f in self.facts}))
        object.__setattr__(self, "_rules", MappingProxyType({r.id: r for r in self.rules}))
        object.__setattr__(
            self, "_concluding", MappingProxyType({k: tuple(v) for k, v in concluding.items()})
        )
        object.__setattr__(
            self, "_using", MappingProxyType({k: tuple(v) for k, v in using.items()})
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its fields; the indexes (mappingproxies, which pickle refuses) are rebuilt.
        # The strata travel too, so a cached knowledge base is not validated again.
        args = tuple(getattr(self, f.name) for f in fields(self) if f.init)
        strata = None if self._strata is None else dict(self._strata)
        return (KnowledgeBase, args, strata)

    def __setstate__(self, strata: dict[str, int] | None) -> None:
        if strata is not None:
            self.remember_strata(strata)

    def known_strata(self) -> Mapping[str, int] | None:
        """The rule strata, when this knowledge base has already been validated."""
        return self._strata

    def remember_strata(self, strata: Mapping[str, int]) -> None:
        """Record a successful validation: the knowledge base is immutable, so it stays valid."""
        object.__setattr__(self, "_strata", MappingProxyType(dict(strata)))

    @property
    def possible_rules(self) -> frozenset[str]:
        """Ids of the rules whose link is possible only (empty: every rule establishes)."""
        return self._possible_rules

    def aliased(self, name: str) -> str | None:
        """The fact id a normalised alias names, if any."""
        return self._aliases.get(name)

    def fact(self, fact_id: str) -> FactDef:
        return self._facts[fact_id]

    @property
    def kind_order(self) -> tuple[str, ...]:
        """Kind ids in report order: as declared, then ``input``."""
        return tuple(self._kinds)

    def kind(self, kind_id: str) -> KindDef:
        """A declared kind; an undeclared one (which validation reports) is plain."""
        return self._kinds.get(kind_id) or KindDef(id=kind_id, title=kind_id)

    def has_kind(self, kind_id: str) -> bool:
        return kind_id in self._kinds

    @property
    def urgent_kinds(self) -> tuple[str, ...]:
        return tuple(k for k, d in self._kinds.items() if d.urgent)

    @property
    def advice_kinds(self) -> tuple[str, ...]:
        return tuple(k for k, d in self._kinds.items() if d.advice)

    @property
    def observed_kinds(self) -> tuple[str, ...]:
        return tuple(k for k, d in self._kinds.items() if d.observed)

    def can_give(self, fact_id: str) -> bool:
        """Whether a case may give this fact: inputs, and findings of an observed kind."""
        if not self.has_fact(fact_id):
            return False
        fact = self.fact(fact_id)
        return fact.is_input or self.kind(fact.kind).observed

    def is_observed(self, fact_id: str) -> bool:
        """A finding that a case may give and rules may conclude (see ``KindDef.observed``)."""
        return self.has_fact(fact_id) and self.kind(self.fact(fact_id).kind).observed

    def is_urgent(self, fact_id: str) -> bool:
        return self.kind(self.fact(fact_id).kind).urgent

    def kind_rank(self, kind_id: str) -> int:
        """Position in report order; undeclared kinds after every declared one."""
        order = self.kind_order
        return order.index(kind_id) if kind_id in order else len(order)

    def has_fact(self, fact_id: str) -> bool:
        return fact_id in self._facts

    def rule(self, rule_id: str) -> RuleDef:
        return self._rules[rule_id]

    def has_rule(self, rule_id: str) -> bool:
        return rule_id in self._rules

    def rules_concluding(self, fact_id: str) -> tuple[RuleDef, ...]:
        """Rules that can establish a fact, in knowledge-base order."""
        return self._concluding.get(fact_id, ())

    def rules_using(self, fact_id: str) -> tuple[RuleDef, ...]:
        """Rules whose condition mentions a fact, in knowledge-base order."""
        return self._using.get(fact_id, ())

    def group_of(self, fact_id: str) -> QuestionGroup | None:
        """The question group a fact is asked in, if any (the first, when declared twice)."""
        return next((g for g in self.question_groups if fact_id in g.facts), None)

    def disagreements_for(self, rule_id: str) -> tuple[Disagreement, ...]:
        return tuple(d for d in self.disagreements if rule_id in d.rules)

    def document(self, file: str) -> Document | None:
        return next((d for d in self.documents if d.file == file), None)
