"""docs/kb-coverage.md, the table of the documents' causal statements, agrees with the bundled KB.

The page lists every causal statement of the five documents with the rules that encode it or
the reason it is left out. These tests keep it honest as the knowledge base changes: a rule
renamed or removed, a section retitled, a count not updated, or a row whose strength its rules
do not carry (a "can lead to" statement encoded by establishing links only, a source whose
``says:`` contradicts the row) fails here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest

from whyache.engine import KnowledgeBase, Link

from ..conftest import REPO

PAGE = REPO / "docs" / "kb-coverage.md"
#: Each strength and the link a rule's source says for it.
STRENGTHS = {
    "causes": Link.ESTABLISHES,
    "can lead to": Link.CAN_LEAD_TO,
    "raises the risk of": Link.RAISES_RISK_OF,
    "contributes to": Link.CAN_CONTRIBUTE_TO,
    "may indicate": Link.MAY_INDICATE,
    "relieves or prevents": Link.ESTABLISHES,
}
STATEMENT_HEADER = (
    "| id | document | section | cause | effect | strength | rules | note, or why left out |"
)
RULE_ID = re.compile(r"^`([a-z0-9_]+)`$")
SUMMARY = re.compile(
    r"Statements: (\d+)\. Encoded: (\d+) \((\d+\.\d)%\)\. Left out: (\d+)\. "
    r"Encoded as a definite step although worded at a lower level: (\d+), each because another "
    r"passage states the same step as causing \(the strongest source's link; the row names it\)\. "
    r"Encoded at the possible level although worded as causing: (\d+)\.$"
)
#: The two reasons a row may be encoded at another level than its wording (the note starts so).
STRONGER = "encoded as establishing: "
WEAKER = "encoded at the possible level: "
CITATION = re.compile(r"\b\d{3}-\d{3}\b|§|FAQ|\(")


@dataclass(frozen=True)
class Row:
    id: str
    document: str
    section: str
    cause: str
    effect: str
    strength: str
    rules: tuple[str, ...]
    note: str


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table_after(lines: list[str], header: str) -> list[list[str]]:
    """The body rows of the markdown table whose header line is ``header``."""
    start = lines.index(header)
    body: list[list[str]] = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        body.append(cells(line))
    return body


def parse_rules(cell: str) -> tuple[str, ...]:
    if cell == "—":
        return ()
    names = []
    for part in cell.split(", "):
        match = RULE_ID.match(part)
        assert match, f"not a rule id in backticks: {part!r}"
        names.append(match.group(1))
    return tuple(names)


def statements(lines: list[str]) -> list[Row]:
    rows = []
    for parts in table_after(lines, STATEMENT_HEADER):
        assert len(parts) == 8, parts
        rid, document, section, cause, effect, strength, rules, note = parts
        rows.append(Row(rid, document, section, cause, effect, strength, parse_rules(rules), note))
    return rows


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return PAGE.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def rows(lines: list[str]) -> list[Row]:
    return statements(lines)


def test_the_table_has_several_hundred_statements(rows):
    assert len(rows) >= 300


def test_ids_are_unique_and_name_their_document(rows):
    ids = [row.id for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert row.id.startswith(row.document[:3] + "-"), row.id


def test_every_cited_rule_exists(rows, bundled_kb: KnowledgeBase):
    known = {rule.id for rule in bundled_kb.rules}
    missing = sorted({(row.id, name) for row in rows for name in row.rules if name not in known})
    assert missing == []


def test_every_row_has_rules_or_a_reason(rows):
    bare = [row.id for row in rows if not row.rules and not row.note]
    assert bare == []
    unexplained = [row.id for row in rows if not row.rules and not row.note.startswith("left out")]
    assert unexplained == []


def test_every_document_and_section_is_in_documents_yaml(rows, bundled_kb: KnowledgeBase):
    sections = {doc.file: set(doc.sections) for doc in bundled_kb.documents}
    wrong = [row.id for row in rows if row.section not in sections.get(row.document, set())]
    assert wrong == []


def test_an_encoded_row_cites_a_rule_that_cites_its_section(rows, bundled_kb: KnowledgeBase):
    cited = {
        rule.id: {(source.document, source.section) for source in rule.sources}
        for rule in bundled_kb.rules
    }
    uncited = [
        row.id
        for row in rows
        if row.rules
        and not any((row.document, row.section) in cited.get(name, set()) for name in row.rules)
    ]
    assert uncited == []


def test_strengths_are_the_named_ones(rows):
    assert {row.strength for row in rows} <= set(STRENGTHS)


def test_every_document_has_rows(rows, bundled_kb: KnowledgeBase):
    assert {row.document for row in rows} == {doc.file for doc in bundled_kb.documents}


def expected_counts(rows: list[Row], key: str) -> dict[str, tuple[int, int, int]]:
    total: Counter[str] = Counter()
    encoded: Counter[str] = Counter()
    for row in rows:
        value = getattr(row, key)
        total[value] += 1
        encoded[value] += bool(row.rules)
    return {k: (total[k], encoded[k], total[k] - encoded[k]) for k in total}


def summary_table(lines: list[str], first_column: str) -> dict[str, tuple[int, int, int]]:
    header = f"| {first_column} | statements | encoded | left out |"
    return {
        name: (int(total), int(encoded), int(left))
        for name, total, encoded, left in table_after(lines, header)
    }


def test_counts_per_document_agree_with_the_rows(lines, rows):
    assert summary_table(lines, "document") == expected_counts(rows, "document")


def test_counts_per_strength_agree_with_the_rows(lines, rows):
    shown = summary_table(lines, "strength")
    expected = expected_counts(rows, "strength")
    assert {k: v for k, v in shown.items() if v != (0, 0, 0)} == expected


def test_the_totals_agree_with_the_rows(lines, rows):
    (line,) = [line for line in lines if line.startswith("Statements: ")]
    match = SUMMARY.match(line)
    assert match, line
    total, encoded, percent, left, stronger, weaker = match.groups()
    actual = sum(1 for row in rows if row.rules)
    assert (int(total), int(encoded), int(left)) == (len(rows), actual, len(rows) - actual)
    assert int(stronger) == sum(1 for row in rows if row.rules and row.note.startswith(STRONGER))
    assert int(weaker) == sum(1 for row in rows if row.rules and row.note.startswith(WEAKER))
    assert percent == f"{100 * actual / len(rows):.1f}"


def strength_mismatch(row: Row, kb: KnowledgeBase) -> str:
    """Why an encoded row's strength and its rules disagree ("" when they agree).

    What the row's passage says of each rule that cites it (its sources' ``says:``) must be the
    row's strength: every citing rule establishes for a definite row, some citing rule says a
    possible link for a hedged one, some says "may indicate" for a sign. And the rules must
    carry it: a definite row's chain establishes, a hedged row's chain has a possible link. A
    row whose note gives one of the two reasons is the exception it names.
    """
    wanted = STRENGTHS[row.strength]
    said = {
        name: [
            s.says
            for s in kb.rule(name).sources
            if (s.document, s.section) == (row.document, row.section)
        ]
        for name in row.rules
    }
    said = {name: links for name, links in said.items() if links}
    possible_link = any(not kb.rule(name).establishes for name in row.rules)
    if wanted is Link.MAY_INDICATE:
        if not any(Link.MAY_INDICATE in links for links in said.values()):
            return "no rule citing the section says may_indicate"
        return ""
    if wanted.establishes:
        if row.note.startswith(WEAKER):
            return "" if possible_link else "noted as possible, but every link establishes"
        weaker = sorted(
            name
            for name, links in said.items()
            if any(link is None or not link.establishes for link in links)
        )
        if weaker:
            return f"a definite row, but its passage says less of {weaker}"
        return "a definite row encoded through a possible link" if possible_link else ""
    if row.note.startswith(STRONGER):
        if possible_link:
            return "noted as establishing, but a link is possible"
        if not CITATION.search(row.note[len(STRONGER) :]):
            return "noted as establishing without naming the stronger passage"
        return ""
    if not any(
        any(link is not None and not link.establishes for link in links) for links in said.values()
    ):
        return f"a {row.strength} row, but no rule citing its section says a possible link"
    return "" if possible_link else f"a {row.strength} row encoded by establishing links only"


def test_an_encoded_rows_strength_agrees_with_its_rules_links_and_says(
    rows, bundled_kb: KnowledgeBase
):
    wrong = {
        row.id: reason
        for row in rows
        if row.rules and (reason := strength_mismatch(row, bundled_kb))
    }
    assert wrong == {}


def test_a_row_at_the_wrong_strength_is_caught(rows, bundled_kb: KnowledgeBase):
    """The check fails a row whose strength its rules do not carry, either way round."""
    hedged = next(r for r in rows if r.id == "002-008")  # dehydration can lead to cramps
    definite = next(r for r in rows if r.id == "000-033")  # dehydration reduces blood volume
    assert strength_mismatch(hedged, bundled_kb) == ""
    assert strength_mismatch(definite, bundled_kb) == ""
    as_definite = Row(**{**hedged.__dict__, "strength": "causes"})
    as_hedged = Row(**{**definite.__dict__, "strength": "can lead to"})
    assert "says less" in strength_mismatch(as_definite, bundled_kb)
    assert "no rule citing its section says a possible link" in strength_mismatch(
        as_hedged, bundled_kb
    )


def test_a_broken_table_is_caught():
    """The parser rejects a rules cell that is not a list of rule ids."""
    with pytest.raises(AssertionError):
        parse_rules("fatigue_felt_as_leg_ache")
    assert parse_rules("—") == ()
    assert parse_rules("`a`, `b_c`") == ("a", "b_c")
