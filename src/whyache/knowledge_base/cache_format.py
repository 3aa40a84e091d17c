"""The knowledge-base cache's file format: the parsed model as plain JSON data, and back.

The decoder builds only the model's own frozen classes from lists, strings, numbers and
booleans, checking the shape of every value; anything else is refused (``ValueError``), so a
cache entry can never make Python run code the way a pickle can. The entry also carries the
identity of the knowledge base it was made from, and :func:`decode` refuses an entry whose
identity is not the one expected.
"""

from __future__ import annotations

from typing import Any

from whyache.engine import (
    Disagreement,
    Document,
    FactDef,
    KindDef,
    KnowledgeBase,
    Link,
    Location,
    QuestionGroup,
    RuleDef,
    Source,
    Timing,
    ValueType,
)
from whyache.engine.model.conditions import (
    OPERATORS,
    All,
    AnyOf,
    Compare,
    Condition,
    Denied,
    Not,
    Present,
    Unknown,
)

FORMAT = "whyache.kb-cache/5"


def encode(kb: KnowledgeBase, identity: str) -> dict[str, Any]:
    strata = kb.known_strata()
    return {
        "format": FORMAT,
        "identity": identity,
        "name": kb.name,
        "version": kb.version,
        "description": kb.description,
        "disclaimer": kb.disclaimer,
        "root": kb.root,
        "tagline": kb.tagline,
        "kinds": [_kind(k) for k in kb.kinds],
        "demo": [list(pair) for pair in kb.demo],
        "question_groups": [
            [g.id, g.question, list(g.facts), _loc(g.location)] for g in kb.question_groups
        ],
        "facts": [_fact(f) for f in kb.facts],
        "rules": [_rule(r) for r in kb.rules],
        "documents": [
            [d.file, d.title, list(d.sections), d.note, _loc(d.location)] for d in kb.documents
        ],
        "disagreements": [
            [d.id, d.topic, d.note, list(d.rules), _loc(d.location)] for d in kb.disagreements
        ],
        "strata": None if strata is None else dict(strata),
    }


def _loc(location: Location | None) -> list[Any] | None:
    return None if location is None else [location.file, location.line]


def _kind(k: KindDef) -> list[Any]:
    return [
        k.id,
        k.title,
        k.style,
        k.weight,
        k.tier,
        k.summary,
        k.urgent,
        k.advice,
        k.detail,
        k.alert,
        k.action,
        k.name,
        k.description,
        _loc(k.location),
        k.observed,
    ]


def _fact(f: FactDef) -> list[Any]:
    return [
        f.id,
        f.label,
        f.kind,
        f.type.value,
        f.unit,
        f.minimum,
        f.maximum,
        list(f.aliases),
        f.question,
        f.description,
        None if f.timing is None else f.timing.value,
        f.needs_review,
        _loc(f.location),
        f.category,
    ]


def _rule(r: RuleDef) -> list[Any]:
    return [
        r.id,
        r.description,
        _condition(r.condition),
        list(r.concludes),
        [[s.document, s.section, None if s.says is None else s.says.value] for s in r.sources],
        r.note,
        r.kb_threshold,
        _loc(r.location),
        r.category,
        None if r.link is None else r.link.value,
        r.raise_when_possible,
    ]


def _condition(c: Condition) -> list[Any]:
    if isinstance(c, Present):
        return ["p", c.fact]
    if isinstance(c, Denied):
        return ["d", c.fact]
    if isinstance(c, Unknown):
        return ["u", c.fact]
    if isinstance(c, Compare):
        return ["c", c.fact, c.op, c.value]
    if isinstance(c, Not):
        return ["n", _condition(c.item)]
    return ["a" if isinstance(c, All) else "o", [_condition(i) for i in c.items]]


# -- decoding: every value checked, nothing but the model's classes built ---------------------


def decode(data: Any, identity: str) -> KnowledgeBase:
    """The knowledge base an entry holds; ValueError unless it is well formed and ``identity``'s."""
    d = _dict(data)
    if d.get("format") != FORMAT or d.get("identity") != identity:
        raise ValueError("not an entry for this knowledge base")
    kb = KnowledgeBase(
        name=_str(d["name"]),
        version=_str(d["version"]),
        description=_str(d["description"]),
        facts=tuple(_decode_fact(x) for x in _list(d["facts"])),
        rules=tuple(_decode_rule(x) for x in _list(d["rules"])),
        documents=tuple(_decode_document(x) for x in _list(d["documents"])),
        disagreements=tuple(_decode_disagreement(x) for x in _list(d["disagreements"])),
        demo=tuple(_pair(x) for x in _list(d["demo"])),
        disclaimer=_str(d["disclaimer"]),
        root=_str(d["root"]),
        kinds=tuple(_decode_kind(x) for x in _list(d["kinds"])),
        tagline=_str(d["tagline"]),
        question_groups=tuple(_decode_group(x) for x in _list(d["question_groups"])),
    )
    strata = d["strata"]
    if strata is not None:
        table = _dict(strata)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in table.values()):
            raise ValueError("strata")
        kb.remember_strata(table)
    return kb


def _dict(x: Any) -> dict[str, Any]:
    if not isinstance(x, dict):
        raise ValueError("expected a mapping")
    return x


def _list(x: Any, size: int | None = None) -> list[Any]:
    if not isinstance(x, list) or (size is not None and len(x) != size):
        raise ValueError("expected a list")
    return x


def _str(x: Any) -> str:
    if not isinstance(x, str):
        raise ValueError("expected text")
    return x


def _opt_str(x: Any) -> str | None:
    return None if x is None else _str(x)


def _strs(x: Any) -> tuple[str, ...]:
    return tuple(_str(i) for i in _list(x))


def _number(x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise ValueError("expected a number")
    return float(x)


def _opt_number(x: Any) -> float | None:
    return None if x is None else _number(x)


def _pair(x: Any) -> tuple[str, str]:
    a, b = _list(x, 2)
    return _str(a), _str(b)


def _decode_loc(x: Any) -> Location | None:
    if x is None:
        return None
    file, line = _list(x, 2)
    if line is not None and (isinstance(line, bool) or not isinstance(line, int)):
        raise ValueError("line")
    return Location(_str(file), line)


def _int(x: Any) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        raise ValueError("expected a whole number")
    return x


def _bool(x: Any) -> bool:
    if not isinstance(x, bool):
        raise ValueError("expected true or false")
    return x


def _decode_kind(x: Any) -> KindDef:
    (kid, title, style, weight, tier, summary, urgent, advice, detail, alert, action, name,
     desc, loc, observed) = _list(x, 15)  # fmt: skip
    return KindDef(
        id=_str(kid),
        title=_str(title),
        style=_str(style),
        weight=_int(weight),
        tier=_int(tier),
        summary=_str(summary),
        urgent=_bool(urgent),
        advice=_bool(advice),
        detail=_bool(detail),
        alert=_str(alert),
        action=_str(action),
        name=_str(name),
        description=_str(desc),
        location=_decode_loc(loc),
        observed=_bool(observed),
    )


def _decode_fact(x: Any) -> FactDef:
    (fid, label, kind, vtype, unit, low, high, aliases, question, desc, timing, review,
     loc, cat) = _list(x, 14)  # fmt: skip
    return FactDef(
        id=_str(fid),
        label=_str(label),
        kind=_str(kind),
        type=ValueType(_str(vtype)),
        unit=_opt_str(unit),
        minimum=_opt_number(low),
        maximum=_opt_number(high),
        aliases=_strs(aliases),
        question=_opt_str(question),
        description=_str(desc),
        timing=None if timing is None else Timing(_str(timing)),
        needs_review=_bool(review),
        location=_decode_loc(loc),
        category=_str(cat),
    )


def _decode_rule(x: Any) -> RuleDef:
    rid, desc, cond, concludes, sources, note, threshold, loc, cat, link, raise_ = _list(x, 11)
    return RuleDef(
        id=_str(rid),
        description=_str(desc),
        condition=_decode_condition(cond),
        concludes=_strs(concludes),
        sources=tuple(_decode_source(s) for s in _list(sources)),
        note=_str(note),
        kb_threshold=_str(threshold),
        location=_decode_loc(loc),
        category=_str(cat),
        link=None if link is None else Link(_str(link)),
        raise_when_possible=_bool(raise_),
    )


def _decode_group(x: Any) -> QuestionGroup:
    group_id, question, facts, loc = _list(x, 4)
    return QuestionGroup(_str(group_id), _str(question), _strs(facts), _decode_loc(loc))


def _decode_source(x: Any) -> Source:
    document, section, says = _list(x, 3)
    return Source(_str(document), _str(section), None if says is None else Link(_str(says)))


def _decode_condition(x: Any) -> Condition:
    items = _list(x)
    if not items:
        raise ValueError("empty condition")
    tag, rest = items[0], items[1:]
    if tag in {"p", "d", "u"} and len(rest) == 1:
        fact = _str(rest[0])
        return Present(fact) if tag == "p" else Denied(fact) if tag == "d" else Unknown(fact)
    if tag == "c" and len(rest) == 3:
        fact, op, value = rest
        if op not in OPERATORS:
            raise ValueError("operator")
        return Compare(_str(fact), op, _number(value))
    if tag == "n" and len(rest) == 1:
        return Not(_decode_condition(rest[0]))
    if tag in {"a", "o"} and len(rest) == 1:
        parts = tuple(_decode_condition(i) for i in _list(rest[0]))
        return All(parts) if tag == "a" else AnyOf(parts)
    raise ValueError("unknown condition")


def _decode_document(x: Any) -> Document:
    file, title, sections, note, loc = _list(x, 5)
    return Document(_str(file), _str(title), _strs(sections), _str(note), _decode_loc(loc))


def _decode_disagreement(x: Any) -> Disagreement:
    did, topic, note, rules, loc = _list(x, 5)
    return Disagreement(_str(did), _str(topic), _str(note), _strs(rules), _decode_loc(loc))
