from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import TINY

EMPTY = {"red_flag": [], "condition": [], "symptom": [], "mechanism": [], "recommendation": []}
THIRSTY = {**EMPTY, "symptom": ["ache"], "mechanism": ["thirst"], "recommendation": ["drink"]}
LATE = {**THIRSTY, "condition": ["late_soreness"]}
FLAG = {**EMPTY, "red_flag": ["see_doctor"]}

JSONL = (
    '{"id": "a", "facts": {"sun": "yes", "water": "no", "hours": 30}}\n'
    "\n"
    '{"rest_pain": true}\n'
    "not json\n"
    '{"id": "x", "facts": {"sunn": true}}\n'
    '{"id": 7, "sun": true, "water": false}\n'
)

EXPECTED = [
    {
        "id": "a",
        "line": 1,
        "conclusions": LATE,
        "red_flags": [],
        "possible_red_flags": [],
        "firings": 4,
    },
    {
        "id": 3,
        "line": 3,
        "conclusions": FLAG,
        "red_flags": ["see_doctor"],
        "possible_red_flags": [],
        "firings": 1,
    },
    {"id": 4, "line": 4, "error": "invalid JSON: Expecting value (column 1)"},
    {"id": "x", "line": 5, "error": "unknown fact 'sunn' (did you mean 'sun'?)"},
    {
        "id": 7,
        "line": 6,
        "conclusions": THIRSTY,
        "red_flags": [],
        "possible_red_flags": [],
        "firings": 3,
    },
]


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["batch", "--kb", str(TINY), *args], input=stdin)


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_results_errors_and_exit_code(tmp_path):
    source = tmp_path / "cases.jsonl"
    source.write_text(JSONL)
    result = invoke(str(source), "--workers", "1")
    assert records(result.stdout) == EXPECTED
    assert result.exit_code == 1
    assert result.stderr == "whyache batch: 2 case(s) failed; see the error records\n"


def test_text_format_one_readable_line_per_case(tmp_path):
    source = tmp_path / "cases.jsonl"
    source.write_text(JSONL)
    result = invoke(str(source), "--workers", "1", "--format", "text")
    assert result.stdout == (
        "a (line 1): conditions: late_soreness; symptoms: ache; 1 mechanisms;"
        " 1 recommendations; 4 firings\n"
        "3 (line 3): !! RED FLAGS: see_doctor !!; conditions: -; symptoms: -; 0 mechanisms;"
        " 0 recommendations; 1 firing\n"
        "4 (line 4): error: invalid JSON: Expecting value (column 1)\n"
        "x (line 5): error: unknown fact 'sunn' (did you mean 'sun'?)\n"
        "7 (line 6): conditions: -; symptoms: ache; 1 mechanisms; 1 recommendations; 3 firings\n"
    )
    assert result.exit_code == 1


def test_explain_needs_json(tmp_path):
    source = tmp_path / "cases.jsonl"
    source.write_text(JSONL)
    result = invoke(str(source), "--format", "text", "--explain")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --explain adds derivations to JSON results (use --format json)\n"
    )


def test_all_good_exits_0_and_writes_output_file(tmp_path):
    source = tmp_path / "cases.ndjson"
    source.write_text('{"sun": "yes", "water": "no"}\n')
    out = tmp_path / "out.jsonl"
    result = invoke(str(source), "-o", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert records(out.read_text()) == [
        {
            "id": 1,
            "line": 1,
            "conclusions": THIRSTY,
            "red_flags": [],
            "possible_red_flags": [],
            "firings": 3,
        }
    ]


def test_csv_with_ids_empty_cells_and_ragged_rows(tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text("id,sun,water,hours\nr1,yes,no,30\n,,,\nr2,no,,5\nr3,yes\n,,,maybe\n")
    result = invoke(str(source), "--workers", "1")
    assert result.exit_code == 1
    assert records(result.stdout) == [
        {
            "id": "r1",
            "line": 2,
            "conclusions": LATE,
            "red_flags": [],
            "possible_red_flags": [],
            "firings": 4,
        },
        {
            "id": "r2",
            "line": 4,
            "conclusions": EMPTY,
            "red_flags": [],
            "possible_red_flags": [],
            "firings": 0,
        },
        {"id": "r3", "line": 5, "error": "2 cells where the header has 4"},
        {"id": 6, "line": 6, "error": "'hours' needs a number in h, not 'maybe' (e.g. hours=0)"},
    ]


def test_csv_without_id_column(tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text("rest_pain,sun\nyes,\n")
    result = invoke(str(source))
    assert result.exit_code == 0
    assert records(result.stdout) == [
        {
            "id": 2,
            "line": 2,
            "conclusions": FLAG,
            "red_flags": ["see_doctor"],
            "possible_red_flags": [],
            "firings": 1,
        }
    ]


def test_csv_bad_header_is_an_input_error(tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text("sun,sun\nyes,yes\n")
    result = invoke(str(source))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {source}:1: column 'sun' appears twice in the CSV header\n"


@pytest.mark.parametrize(
    ("stdin", "fmt"),
    [
        ('{"rest_pain": true}\n', "jsonl"),
        ('\n\n  {"facts": ["rest_pain"]}\n', "jsonl"),
        ("\ufeffid,rest_pain\na,yes\n", "csv"),
        ("rest_pain\nyes\n", "csv"),
    ],
)
def test_stdin_format_is_sniffed_from_the_first_bytes(stdin, fmt):
    """``echo '{...}' | whyache batch -`` used to fail until --input-format was given."""
    result = invoke("-", "--workers", "1", stdin=stdin)
    assert result.exit_code == 0, result.stderr
    assert records(result.stdout)[0]["red_flags"] == ["see_doctor"]
    given = invoke("-", "--workers", "1", "--input-format", fmt, stdin=stdin)
    assert given.stdout == result.stdout


def test_a_file_without_a_telling_suffix_is_sniffed_too(tmp_path):
    source = tmp_path / "cases.txt"
    source.write_text("id,rest_pain\nr1,yes\n")
    result = invoke(str(source))
    assert result.exit_code == 0
    assert records(result.stdout)[0]["id"] == "r1"


def test_blank_input_holds_no_case():
    result = invoke("-", stdin="\n\n")
    assert (result.exit_code, result.stdout) == (0, "")


def test_the_suffix_wins_over_the_first_bytes(tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text('{"rest_pain": true}\n')
    assert invoke(str(source)).stdout == ""  # read as CSV: a header and no row


def test_missing_input_file(tmp_path):
    result = invoke(str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.jsonl'}: batch input not found\n"


def test_explain_adds_derivations(tmp_path):
    source = tmp_path / "cases.jsonl"
    source.write_text('{"id": "d", "facts": {"rest_pain": "yes"}}\n')
    result = invoke(str(source), "--explain")
    (record,) = records(result.stdout)
    assert record["derivations"] == [
        {
            "number": 1,
            "rule": "rest_pain_flag",
            "alternative": 0,
            "premises": [{"fact": "rest_pain", "value": True, "condition": "rest_pain"}],
            "assumptions": [],
            "concludes": ["see_doctor"],
            "new": ["see_doctor"],
            "link": "establishes",
            "level": "established",
            "support": 1,
            "sources": [{"document": "doc.txt", "section": "Two"}],
        }
    ]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("[1, 2]", 'a case must be a JSON object (write {"id": ..., "facts": {...}} or'),
        ('{"facts": {}, "extra": 1}', "unknown key 'extra' next to 'facts' (allowed: id, facts)"),
        ('{"facts": [1]}', "a list of facts holds fact names, not 1"),
        ('{"facts": 1}', "'facts' must be an object of fact to value or a list of facts"),
        ('{"id": [1], "sun": true}', "a case id must be text or a whole number, not [1]"),
        ('{"thirst": true}', "'thirst' is a mechanism that rules conclude;"),
        ('{"sun": null}', "'sun' has no value (use yes, no, unknown or a number)"),
        ('{"sun": true, "sun": false}', "invalid JSON: key 'sun' appears twice in one object"),
    ],
)
def test_bad_lines_become_error_records(tmp_path, line, error):
    source = tmp_path / "cases.jsonl"
    source.write_text('{"sun": true}\n' + line + "\n")
    result = invoke(str(source), "--workers", "1")
    assert result.exit_code == 1
    good, bad = records(result.stdout)
    assert "error" not in good
    assert bad["line"] == 2
    assert bad["error"].startswith(error)


def generated_cases(count: int) -> str:
    """Cases that differ line by line, so that any reordering would show."""
    lines = []
    for n in range(1, count + 1):
        facts: dict[str, object] = {"hours": n % 50}
        if n % 2:
            facts["sun"] = True
        if n % 3:
            facts["water"] = False
        if n % 7 == 0:
            facts["rest_pain"] = True
        lines.append(json.dumps({"id": f"c{n}", "facts": facts}))
        if n % 97 == 0:
            lines.append("{broken")
    return "\n".join(lines) + "\n"


def test_workers_keep_input_order_and_match_one_worker(tmp_path):
    source = tmp_path / "cases.jsonl"
    source.write_text(generated_cases(500))
    one = invoke(str(source), "--workers", "1")
    two = invoke(str(source), "--workers", "2", "--explain")
    assert one.exit_code == two.exit_code == 1
    first, second = records(one.stdout), records(two.stdout)
    assert [r["line"] for r in second] == list(range(1, 506))
    for plain, explained in zip(first, second, strict=True):
        explained.pop("derivations", None)
        assert plain == explained
    assert invoke(str(source), "--workers", "2").stdout == one.stdout
