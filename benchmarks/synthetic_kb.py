"""Synthetic knowledge bases in whyache's own YAML format, of any size, for the benchmarks.

A generated knowledge base looks like a large version of the bundled one: input facts (yes/no
and a few numbers with a range), then layers of derived facts (mechanisms, then symptoms,
then conditions), each concluded by about two rules whose conditions mention facts of the
layers below. Conditions mix what authors write: a list (all of), ``any:``, ``not:`` and
numeric comparisons. Every rule cites a section of one synthetic document. The layering keeps
the knowledge base stratified (a ``not`` only ever names a lower layer) and lint-clean apart
from warnings a random knowledge base cannot avoid.

The output is deterministic for a given size and seed, and split into files of at most
``RULES_PER_FILE`` rules and ``FACTS_PER_FILE`` facts, below the loader's size limit::

    python benchmarks/synthetic_kb.py 8000 /tmp/kb8k      # writes the directory

or from Python: ``write_kb(directory, rules=8000)`` and ``random_case_facts(...)``.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

RULES_PER_FILE = 1_000
FACTS_PER_FILE = 10_000
LAYERS = 5  # derived layers above the inputs
DOCUMENT = "synthetic.txt"
SECTIONS = tuple(f"Section {i}" for i in range(1, 11))
_KINDS = ("mechanism", "mechanism", "mechanism", "symptom", "condition")


@dataclass(frozen=True)
class Shape:
    """The facts of a generated knowledge base, by layer (layer 0: the inputs)."""

    inputs: tuple[str, ...]
    numbers: tuple[str, ...]
    layers: tuple[tuple[str, ...], ...]


def shape(rules: int) -> Shape:
    """How many facts of each kind a knowledge base of ``rules`` rules has."""
    derived = max(LAYERS, rules // 2)  # about two rules conclude each derived fact
    inputs = max(10, rules // 5)
    numbers = max(2, inputs // 10)
    per_layer = -(-derived // LAYERS)
    layers = tuple(
        tuple(f"{_KINDS[k][:4]}_{k + 1}_{i:06d}" for i in range(per_layer)) for k in range(LAYERS)
    )
    return Shape(
        inputs=tuple(f"in_{i:06d}" for i in range(inputs - numbers)),
        numbers=tuple(f"num_{i:06d}" for i in range(numbers)),
        layers=layers,
    )


def _near(facts: tuple[str, ...], where: float, rng: random.Random, spread: int = 8) -> str:
    """A fact close to relative position ``where`` (0..1) of ``facts``: rules stay topical."""
    centre = int(where * len(facts)) + rng.randint(-spread, spread)
    return facts[min(max(centre, 0), len(facts) - 1)]


def _condition(rng: random.Random, s: Shape, layer: int, index: int) -> list[str]:
    """YAML lines (without indent) of one rule's condition, a list meaning "all of"."""
    below = s.layers[layer - 1] if layer > 0 else s.inputs
    targets = len(s.layers[layer])
    # The first premise walks the layer below in turn, so that every fact is used; the second
    # rule for a fact starts elsewhere, so the two are not copies of each other.
    turn = index // targets
    at = (index + turn * 3) % len(below)
    where = at / len(below)  # the other premises come from the same region of each layer
    lower = [s.inputs, *s.layers[: max(0, layer - 1)]]
    items = [below[at]]
    if rng.random() < 0.5:
        items.append(_near(lower[rng.randrange(len(lower))], where, rng))
    if rng.random() < 0.3:
        items.append(f"any: [{_near(s.inputs, where, rng)}, {_near(s.inputs, where, rng)}]")
    if rng.random() < 0.3:
        op = rng.choice((">=", "<", ">"))
        items.append(f"{_near(s.numbers, where, rng, 1)} {op} {rng.randrange(10, 90)}")
    mentioned = {word.strip("[],") for item in items for word in item.split()}
    if rng.random() < 0.25:
        pool = lower[rng.randrange(len(lower))]
        absent = pool[rng.randrange(len(pool))]
        if absent not in mentioned:
            items.append(f"not: {absent}")
            mentioned.add(absent)
    if rng.random() < 0.1:
        denied = _near(s.inputs, where, rng)
        if denied not in mentioned:
            items.append(f"{denied} = no")
    out = []
    for item in dict.fromkeys(items):
        if item.startswith(("any:", "not:")):
            out.append(f"- {{{item}}}")
        elif " " in item:
            out.append(f'- "{item}"')
        else:
            out.append(f"- {item}")
    return out


#: The kinds the generated facts use (kinds are declared in kb.yaml; the engine knows only input).
KINDS_YAML = (
    "kinds:\n"
    "  - {id: condition, title: Conditions, summary: always}\n"
    "  - {id: symptom, title: Symptoms}\n"
    "  - {id: mechanism, title: Mechanisms, detail: yes}\n"
)


def write_kb(directory: Path, rules: int, seed: int = 19) -> Shape:
    """Write a knowledge base of exactly ``rules`` rules into ``directory`` (made if needed)."""
    rng = random.Random(seed)
    s = shape(rules)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kb.yaml").write_text(
        f"name: synthetic-{rules}\nversion: '1'\n"
        "description: A generated knowledge base for the scaling benchmarks.\n"
        "disclaimer: Generated for benchmarks; it means nothing.\n"
        f"demo:\n  {s.inputs[0]}: yes\n  {s.inputs[1]}: yes\n  {s.numbers[0]}: 50\n" + KINDS_YAML
    )
    sections = "".join(f"      - {name}\n" for name in SECTIONS)
    (directory / "documents.yaml").write_text(
        f"documents:\n  - file: {DOCUMENT}\n    title: A synthetic document\n"
        f"    sections:\n{sections}"
    )
    facts = ["facts:\n"]
    for fact_id in s.inputs:
        facts.append(
            f"  - id: {fact_id}\n    label: Input {fact_id}\n    kind: input\n"
            f"    question: Is {fact_id} so?\n"
        )
    for fact_id in s.numbers:
        facts.append(
            f"  - id: {fact_id}\n    label: Number {fact_id}\n    kind: input\n"
            f"    type: number\n    range: [0, 100]\n    question: How much {fact_id}?\n"
        )
    for layer, ids in enumerate(s.layers):
        for fact_id in ids:
            kind = _KINDS[layer]
            facts.append(f"  - id: {fact_id}\n    label: Fact {fact_id}\n    kind: {kind}\n")
    for number, start in enumerate(range(1, len(facts), FACTS_PER_FILE), start=1):
        part = facts[start : start + FACTS_PER_FILE]
        (directory / f"facts_{number:04d}.yaml").write_text("facts:\n" + "".join(part))

    per_layer = -(-rules // LAYERS)
    part: list[str] = []
    number = 0
    for r in range(rules):
        layer = min(r // per_layer, LAYERS - 1)
        index = r - layer * per_layer
        targets = s.layers[layer]
        then = targets[index % len(targets)]
        section = SECTIONS[(r + index // len(targets)) % len(SECTIONS)]
        condition = "".join(f"      {line}\n" for line in _condition(rng, s, layer, index))
        part.append(
            f"  - id: rule_{r:06d}\n"
            f"    description: Rule {r} concludes {then}.\n"
            f"    if:\n{condition}"
            f"    then: {then}\n"
            f"    sources: [{{doc: {DOCUMENT}, section: {section}}}]\n"
        )
        if len(part) == RULES_PER_FILE or r == rules - 1:
            number += 1
            (directory / f"rules_{number:04d}.yaml").write_text("rules:\n" + "".join(part))
            part = []
    return s


def random_case_facts(s: Shape, count: int, seed: int = 8) -> list[dict[str, object]]:
    """``count`` random cases (fact -> yes/no or a number) over the inputs, 3 to 8 facts each.

    The facts of one case are drawn from a window of neighbouring inputs, as a real case
    concerns one topic, so that its chains reach the upper layers.
    """
    rng = random.Random(seed)
    cases: list[dict[str, object]] = []
    width = min(len(s.inputs), 12)
    for _ in range(count):
        start = rng.randrange(len(s.inputs) - width + 1)
        window = s.inputs[start : start + width]
        facts: dict[str, object] = {
            f: rng.random() < 0.85 for f in rng.sample(window, rng.randint(3, 8))
        }
        facts[_near(s.numbers, start / len(s.inputs), rng, 1)] = rng.randrange(0, 101)
        cases.append(facts)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rules", type=int)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    write_kb(args.directory, args.rules, args.seed)
    print(f"wrote {args.rules} rules to {args.directory}")


if __name__ == "__main__":
    main()
