"""Load a knowledge-base directory of YAML files into the engine's model.

Layout of a knowledge-base directory (every ``*.yaml`` below it is read, in sorted order)::

    kb.yaml            name, version, description, disclaimer, demo case, kinds of fact
    documents.yaml     the source documents rules may cite, with their section headings
    <topic>.yaml       any number of files holding ``facts``, ``rules`` and ``disagreements``

Every error names the file and line. Nothing in a file is evaluated as code.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from whyache.engine import (
    INPUT,
    Disagreement,
    Document,
    FactDef,
    InputError,
    KindDef,
    KnowledgeBase,
    KnowledgeBaseError,
    KnowledgeBaseProblem,
    Link,
    Location,
    QuestionGroup,
    RuleDef,
    Source,
    Timing,
    ValueType,
    validate,
)
from whyache.engine.errors import echo, visible
from whyache.engine.model.conditions import FACT_ID, ConditionSyntaxError, from_data
from whyache.engine.model.vocabulary import suggest
from whyache.engine.runtime.collector import collector_paused
from whyache.knowledge_base.yaml_source import load_yaml_file

BUNDLED = Path(__file__).parent / "data"
MANIFEST = "kb.yaml"

_TOP_KEYS = {"category", "facts", "rules", "disagreements", "documents", "notes"}
_MANIFEST_KEYS = {
    "name",
    "version",
    "description",
    "disclaimer",
    "demo",
    "kinds",
    "tagline",
    "question_groups",
}
_GROUP_KEYS = {"id", "question", "facts"}
_KIND_KEYS = {
    "id",
    "title",
    "style",
    "weight",
    "tier",
    "summary",
    "urgent",
    "advice",
    "detail",
    "alert",
    "action",
    "name",
    "description",
    "observed",
}
_FACT_KEYS = {
    "id",
    "label",
    "kind",
    "type",
    "unit",
    "range",
    "aliases",
    "question",
    "description",
    "timing",
    "needs_review",
}
_RULE_KEYS = {
    "id",
    "description",
    "if",
    "then",
    "sources",
    "note",
    "kb_threshold",
    "link",
    "raise_when_possible",
}
_SOURCE_KEYS = {"doc", "section", "says"}
_DOC_KEYS = {"file", "title", "sections", "note"}
_DIS_KEYS = {"id", "topic", "note", "rules"}


class _File:
    """Helpers that turn data from one file into model values, with located errors."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display

    def at(self, node: Any) -> Location:
        return Location(self.display, getattr(node, "line", None))

    def error(
        self, message: str, node: Any, hint: str | None = None, rule: str | None = None
    ) -> KnowledgeBaseError:
        return KnowledgeBaseError(message, location=self.at(node), hint=hint, rule=rule)

    def mapping(
        self, node: Any, what: str, allowed: set[str], required: set[str]
    ) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise self.error(f"{what} must be a mapping of keys to values", node)
        for key in node:
            if key not in allowed:
                close = suggest(str(key), allowed)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"allowed: {', '.join(sorted(allowed))}"
                )
                raise self.error(f"unknown key {echo(key)} in {what}", node, hint)
        for key in sorted(required):
            if key not in node or node[key] in (None, ""):
                raise self.error(f"{what} is missing {key!r}", node)
        return node

    def text(self, node: Any, key: str, what: str, default: str | None = None) -> str:
        value = node.get(key, default)
        if not isinstance(value, str):
            raise self.error(f"{what}: {key!r} must be text", node)
        return visible(value.strip())

    def texts(self, node: Any, key: str, what: str) -> tuple[str, ...]:
        value = node.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{what}: {key!r} must be a list of text", node)
        return tuple(visible(v.strip()) for v in value)

    def items(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.error(f"{key!r} must be a list", data)
        return value


def _finite(value: int | float) -> bool:
    """Whether a number fits a float and is finite (a 401-digit whole number does not)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _fact(f: _File, node: Any, kinds: tuple[KindDef, ...]) -> FactDef:
    f.mapping(node, "fact", _FACT_KEYS, {"id", "label", "kind"})
    fact_id = f.text(node, "id", "fact")
    what = f"fact {echo(fact_id)}"
    if not FACT_ID.match(fact_id):
        raise f.error(f"{what}: ids are lower_snake_case (letters, digits, _)", node)
    kind = f.text(node, "kind", what)
    declared = [INPUT, *(k.id for k in kinds)]
    if kind not in declared:
        close = suggest(kind, declared, limit=1)
        hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(declared)}"
        raise f.error(f"{what}: unknown kind {echo(kind)}", node, hint)
    type_text = f.text(node, "type", what, "boolean")
    try:
        value_type = ValueType(type_text)
    except ValueError:
        raise f.error(
            f"{what}: type must be boolean or number, not {echo(type_text)}", node
        ) from None
    minimum = maximum = None
    if "range" in node:
        rng = node["range"]
        if (
            not isinstance(rng, list)
            or len(rng) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
            or not all(_finite(v) for v in rng)
            or rng[0] > rng[1]
        ):
            raise f.error(f"{what}: range must be [minimum, maximum] finite numbers", node)
        minimum, maximum = float(rng[0]), float(rng[1])
        if value_type is not ValueType.NUMBER:
            raise f.error(f"{what}: only number facts have a range", node)
    unit = node.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise f.error(f"{what}: unit must be text", node)
    unit = None if unit is None else visible(unit)
    question = node.get("question")
    if question is not None and not isinstance(question, str):
        raise f.error(f"{what}: question must be text", node)
    timing, needs_review = _advice(f, node, what, any(k.advice for k in kinds if k.id == kind))
    return FactDef(
        id=fact_id,
        label=f.text(node, "label", what),
        kind=kind,
        type=value_type,
        unit=unit,
        minimum=minimum,
        maximum=maximum,
        aliases=f.texts(node, "aliases", what),
        question=visible(question.strip()) if question else None,
        description=f.text(node, "description", what, ""),
        timing=timing,
        needs_review=needs_review,
        location=f.at(node),
    )


def _advice(f: _File, node: Any, what: str, advice: bool) -> tuple[Timing | None, bool]:
    """Advice's ``timing`` and ``needs_review``; facts of other kinds may not have them."""
    if not advice:
        for key in ("timing", "needs_review"):
            if key in node:
                raise f.error(f"{what}: only advice kinds have {key!r}", node)
        return None, False
    timing = None
    if "timing" in node:
        text = node["timing"]
        try:
            timing = Timing(text)
        except ValueError:
            raise f.error(
                f"{what}: unknown timing {text!r}",
                node,
                f"use one of {', '.join(t.value for t in Timing)}",
            ) from None
    needs_review = node.get("needs_review", False)
    if not isinstance(needs_review, bool):
        raise f.error(f"{what}: needs_review must be yes or no", node)
    return timing, needs_review


def _kind(f: _File, node: Any) -> KindDef:
    """One entry of ``kinds:`` in kb.yaml: what a kind of fact is called and what it does."""
    f.mapping(node, "kind", _KIND_KEYS, {"id", "title"})
    kind_id = f.text(node, "id", "kind")
    what = f"kind {kind_id!r}"
    if not FACT_ID.match(kind_id):
        raise f.error(f"{what}: ids are lower_snake_case (letters, digits, _)", node)
    numbers = {}
    for key, default in (("weight", 1), ("tier", 1)):
        value = node.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
            raise f.error(f"{what}: {key} must be a whole number from 0 to 1000", node)
        numbers[key] = value
    flags = {}
    for key in ("urgent", "advice", "detail", "observed"):
        value = node.get(key, False)
        if not isinstance(value, bool):
            raise f.error(f"{what}: {key} must be yes or no", node)
        flags[key] = value
    return KindDef(
        id=kind_id,
        title=f.text(node, "title", what),
        style=f.text(node, "style", what, "plain"),
        weight=numbers["weight"],
        tier=numbers["tier"],
        summary=f.text(node, "summary", what, "end_points"),
        urgent=flags["urgent"],
        advice=flags["advice"],
        detail=flags["detail"],
        alert=f.text(node, "alert", what, ""),
        action=f.text(node, "action", what, ""),
        name=f.text(node, "name", what, ""),
        description=f.text(node, "description", what, ""),
        location=f.at(node),
        observed=flags["observed"],
    )


def _sources(f: _File, node: Any, rule_id: str) -> tuple[Source, ...]:
    raw = node.get("sources", [])
    if not isinstance(raw, list) or not raw:
        raise KnowledgeBaseProblem(
            "no-source",
            "needs a non-empty list of sources ({doc, section})",
            location=f.at(node),
            rule=rule_id,
        )
    out = []
    for item in raw:
        f.mapping(item, f"source of rule {rule_id!r}", _SOURCE_KEYS, {"doc", "section"})
        says = _link(f, item, rule_id, "says")
        out.append(Source(f.text(item, "doc", "source"), f.text(item, "section", "source"), says))
    return tuple(out)


def _rule(f: _File, node: Any) -> RuleDef:
    f.mapping(node, "rule", _RULE_KEYS, {"id", "description", "if", "then", "sources"})
    rule_id = f.text(node, "id", "rule")
    if not FACT_ID.match(rule_id):
        raise f.error("rule ids are lower_snake_case (letters, digits, _)", node, rule=rule_id)
    try:
        condition = from_data(node["if"])
    except ConditionSyntaxError as exc:
        raise f.error(f"'if': {exc}", node, rule=rule_id) from None
    then = node["then"]
    concludes = [then] if isinstance(then, str) else then
    if not isinstance(concludes, list) or not all(isinstance(c, str) for c in concludes):
        raise f.error("'then' must be a fact id or a list of fact ids", node, rule=rule_id)
    return RuleDef(
        id=rule_id,
        description=f.text(node, "description", f"rule {rule_id!r}"),
        condition=condition,
        concludes=tuple(dict.fromkeys(c.strip() for c in concludes)),
        sources=_sources(f, node, rule_id),
        note=f.text(node, "note", f"rule {rule_id!r}", ""),
        kb_threshold=f.text(node, "kb_threshold", f"rule {rule_id!r}", ""),
        location=f.at(node),
        link=_link(f, node, rule_id),
        raise_when_possible=_flag(f, node, "raise_when_possible", rule_id),
    )


def _link(f: _File, node: Any, rule_id: str, key: str = "link") -> Link | None:
    """A rule's ``link:`` (or a source's ``says:``): one of :class:`Link`'s values, a
    misspelling answered with a suggestion."""
    if key not in node:
        return None
    raw = node[key]
    names = [link.value for link in Link]
    if isinstance(raw, str) and raw.strip() in names:
        return Link(raw.strip())
    close = suggest(str(raw), names) if isinstance(raw, str) else ()
    hint = f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(names)}"
    raise f.error(f"'{key}' must be a kind of link, not {echo(raw)}", node, hint, rule=rule_id)


def _flag(f: _File, node: Any, key: str, rule_id: str) -> bool:
    value = node.get(key, False)
    if not isinstance(value, bool):
        raise f.error(f"{key} must be yes or no", node, rule=rule_id)
    return value


def _document(f: _File, node: Any) -> Document:
    f.mapping(node, "document", _DOC_KEYS, {"file", "title", "sections"})
    return Document(
        file=f.text(node, "file", "document"),
        title=f.text(node, "title", "document"),
        sections=f.texts(node, "sections", "document"),
        note=f.text(node, "note", "document", ""),
        location=f.at(node),
    )


def _disagreement(f: _File, node: Any) -> Disagreement:
    f.mapping(node, "disagreement", _DIS_KEYS, _DIS_KEYS)
    return Disagreement(
        id=f.text(node, "id", "disagreement"),
        topic=f.text(node, "topic", "disagreement"),
        note=f.text(node, "note", "disagreement"),
        rules=f.texts(node, "rules", "disagreement"),
        location=f.at(node),
    )


def load_knowledge_base(directory: Path | str | None = None) -> KnowledgeBase:
    """Read, build and validate a knowledge base (the bundled one when no directory is given)."""
    with collector_paused():
        kb = read_knowledge_base(directory)
        validate(kb)
    return kb


def read_knowledge_base(
    directory: Path | str | None = None, errors: list[KnowledgeBaseError] | None = None
) -> KnowledgeBase:
    """Read and build a knowledge base without validating it (the linter checks it instead).

    Raises KnowledgeBaseError for what cannot be read at all: invalid YAML, unknown keys,
    values of the wrong shape. The first such error stops reading, unless ``errors`` is given:
    then a broken file or entry is added to it and skipped, and reading goes on, so the linter
    can report every one (problems in kb.yaml itself still stop reading).
    """

    with collector_paused():  # see collector.py: most of the time of reading, otherwise
        return _read(directory, errors)


def _read(directory: Path | str | None, errors: list[KnowledgeBaseError] | None) -> KnowledgeBase:
    def skip(exc: KnowledgeBaseError) -> None:
        if errors is None:
            raise exc
        errors.append(exc)

    root = Path(directory) if directory is not None else BUNDLED
    shown_root = "<bundled>" if directory is None else str(root)
    try:
        if not root.exists():
            raise InputError("knowledge base directory not found", location=Location(str(root)))
        if not root.is_dir():
            raise InputError("knowledge base must be a directory", location=Location(str(root)))
        # kb.yaml first: it declares the kinds that every fact's kind is checked against.
        found = (p for p in root.rglob("*.yaml") if p.is_file())
        paths = sorted(found, key=lambda p: (p != root / MANIFEST, p))
    except PermissionError:
        raise InputError("permission denied", location=Location(str(root))) from None
    if not (root / MANIFEST).is_file():
        raise KnowledgeBaseError(
            f"no {MANIFEST} in the knowledge base directory",
            location=Location(shown_root),
            hint="a knowledge base needs kb.yaml with at least a name",
        )
    facts: list[FactDef] = []
    rules: list[RuleDef] = []
    documents: list[Document] = []
    disagreements: list[Disagreement] = []
    manifest: dict[str, Any] = {}
    kinds: tuple[KindDef, ...] = ()
    for path in paths:
        rel = path.relative_to(root).as_posix()
        display = f"{shown_root}/{rel}" if directory is None else str(path)
        f = _File(path, display)
        try:
            data = load_yaml_file(path, "knowledge-base file")
        except InputError as exc:
            error = KnowledgeBaseError(exc.message, location=_relocate(exc.location, display))
            if rel == MANIFEST:
                raise error from None  # nothing can be built without the manifest
            skip(error)
            continue
        if data is None:
            continue
        if rel == MANIFEST:
            manifest = f.mapping(data, "kb.yaml", _MANIFEST_KEYS, {"name"})
            kinds = tuple(_kind(f, node) for node in f.items(manifest, "kinds"))
            continue
        try:
            f.mapping(data, "a knowledge-base file", _TOP_KEYS, set())
        except KnowledgeBaseError as exc:
            skip(exc)
            continue
        category = data.get("category", "")
        if not isinstance(category, str):
            skip(f.error("'category' must be text", data))
            category = ""
        readers: list[tuple[str, Callable[[_File, Any], Any], list[Any]]] = [
            ("facts", functools.partial(_fact, kinds=kinds), facts),
            ("rules", _rule, rules),
            ("documents", _document, documents),
            ("disagreements", _disagreement, disagreements),
        ]
        for key, reader, sink in readers:
            try:
                nodes = f.items(data, key)
            except KnowledgeBaseError as exc:
                skip(exc)
                continue
            for node in nodes:
                try:
                    item = reader(f, node)
                    if category and isinstance(item, FactDef | RuleDef):
                        item = replace(item, category=category.strip())
                    sink.append(item)
                except KnowledgeBaseError as exc:
                    skip(exc)
    mf = _File(
        root / MANIFEST, f"{shown_root}/{MANIFEST}" if directory is None else str(root / MANIFEST)
    )
    demo = manifest.get("demo", {}) or {}
    if not isinstance(demo, dict) or not all(isinstance(k, str) for k in demo):
        raise mf.error("demo must be a mapping of fact to value", manifest)
    kb = KnowledgeBase(
        name=mf.text(manifest, "name", "kb.yaml"),
        version=str(manifest.get("version", "0")),
        description=mf.text(manifest, "description", "kb.yaml", ""),
        facts=tuple(facts),
        rules=tuple(rules),
        documents=tuple(documents),
        disagreements=tuple(disagreements),
        demo=tuple(
            (k, str(v) if not isinstance(v, bool) else ("yes" if v else "no"))
            for k, v in demo.items()
        ),
        disclaimer=mf.text(manifest, "disclaimer", "kb.yaml", ""),
        root=shown_root,
        kinds=kinds,
        tagline=mf.text(manifest, "tagline", "kb.yaml", ""),
        question_groups=_question_groups(mf, manifest),
    )
    return kb


def _question_groups(f: _File, manifest: dict[str, Any]) -> tuple[QuestionGroup, ...]:
    """``question_groups:`` in kb.yaml: inputs a consultation asks together."""
    raw = manifest.get("question_groups", []) or []
    if not isinstance(raw, list):
        raise f.error("question_groups must be a list of {id, question, facts}", manifest)
    groups = []
    for node in raw:
        f.mapping(node, "question group", _GROUP_KEYS, _GROUP_KEYS)
        group_id = f.text(node, "id", "question group")
        facts = node["facts"]
        if not isinstance(facts, list) or not all(isinstance(x, str) for x in facts):
            raise f.error(f"question group {group_id!r}: facts must be a list of fact ids", node)
        groups.append(
            QuestionGroup(
                id=group_id,
                question=f.text(node, "question", f"question group {group_id!r}"),
                facts=tuple(dict.fromkeys(x.strip() for x in facts)),
                location=f.at(node),
            )
        )
    return tuple(groups)


def _relocate(location: Location | None, display: str) -> Location:
    return Location(display, location.line if location else None)
