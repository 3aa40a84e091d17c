"""whyache against CLIPS: the same knowledge base, translated rule for rule, on the same cases.

Needs the benchmark extra (``pip install -e '.[bench]'``: clipspy). Each alternative of a
rule's condition (its disjunctive normal form, as whyache compiles it) becomes one CLIPS
``defrule``; facts are ordered facts ``(fact ID VALUE)`` with VALUE ``yes``, ``no`` or a
number, and an unknown fact is simply absent, as in whyache. A negated literal is a CLIPS
``not`` pattern; the rule's stratum becomes its salience (higher strata fire later), which is
how whyache orders negation as failure too. Every case runs through both, and the benchmark
stops if CLIPS concludes anything whyache does not, or the other way round, or fires a
different number of rules.

    .venv/bin/python benchmarks/clips.py [--cases 2000] [--kb DIR]
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from whyache.engine import Case, Engine, KnowledgeBase  # noqa: E402
from whyache.engine.model.conditions import Compare, Denied, Literal, Present, Unknown  # noqa: E402
from whyache.engine.model.validation import validate  # noqa: E402
from whyache.engine.runtime.reference import ReferenceEngine  # noqa: E402

_CLIPS_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "=", "!=": "<>"}


def _pattern(kb: KnowledgeBase, literal: Literal) -> str:
    """The CLIPS pattern of a literal, with the same meaning as whyache's experta pattern."""
    atom = literal.atom
    fact = atom.fact
    if isinstance(atom, Compare):
        number = repr(float(atom.value))
        op = _CLIPS_OPS[atom.op]
        pattern = f"(fact {fact} ?v&:(numberp ?v)&:({op} ?v {number}))"
    elif isinstance(atom, Denied):
        pattern = f"(fact {fact} no)"
    elif isinstance(atom, Present) and not kb.fact(fact).is_numeric:
        pattern = f"(fact {fact} yes)"
    else:  # a number that is present, or "is known"/"is unknown"
        pattern = f"(fact {fact} ?)"
    positive = not isinstance(atom, Unknown)
    return pattern if positive != literal.negated else f"(not {pattern})"


def translate(kb: KnowledgeBase) -> list[str]:
    """One CLIPS construct per rule alternative."""
    strata = validate(kb)
    constructs = []
    for rule in kb.rules:
        for number, literals in enumerate(rule.alternatives):
            # Positive patterns first, as whyache compiles them (a rule may not start with not).
            ordered = sorted(literals, key=lambda lit: not lit.is_positive_pattern)
            patterns = " ".join(_pattern(kb, lit) for lit in ordered) or "(initial-fact)"
            if ordered and not ordered[0].is_positive_pattern:
                patterns = "(initial-fact) " + patterns
            actions = " ".join(f"(assert (fact {c} yes))" for c in rule.concludes)
            constructs.append(
                f"(defrule {rule.id}__{number} (declare (salience {-strata[rule.id]})) "
                f"{patterns} => {actions})"
            )
    return constructs


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(float(value))  # type: ignore[arg-type]


def _clipspy() -> Any:
    """clipspy's module, which is called ``clips`` like this file: found outside this folder."""
    here = Path(__file__).resolve().parent
    path = [p for p in sys.path if Path(p or ".").resolve() != here]
    spec = importlib.machinery.PathFinder.find_spec("clips", path)
    if spec is None or spec.loader is None:
        raise SystemExit("clipspy is not installed: pip install -e '.[bench]'")
    module = importlib.util.module_from_spec(spec)
    sys.modules["clips"] = module  # its own submodules import it by that name
    spec.loader.exec_module(module)
    return module


class Clips:
    """A CLIPS environment holding a knowledge base's rules, run one case at a time."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.env = _clipspy().Environment()
        for construct in translate(kb):
            self.env.build(construct)
        inputs = " ".join(f.id for f in kb.facts if f.is_input)
        self.env.build(f"(defglobal ?*inputs* = (create$ {inputs}))")
        self.env.build(
            "(deffunction concluded () (bind ?out (create$)) "
            "(do-for-all-facts ((?f fact)) "
            "(and (eq (nth$ 2 ?f:implied) yes) (not (member$ (nth$ 1 ?f:implied) ?*inputs*))) "
            "(bind ?out (create$ ?out (nth$ 1 ?f:implied)))) ?out)"
        )
        self._collect = "(concluded)"

    def run(self, case: Case) -> tuple[frozenset[str], int]:
        """The facts concluded for the case, and the number of rule firings."""
        env = self.env
        env.reset()
        given = " ".join(f"(fact {fact_id} {_value(v)})" for fact_id, v in case.facts)
        if given:
            env.eval(f"(assert {given})")
        fired = env.run()
        # One call for the concluded ids: (fact ID yes) facts whose ID is not an input.
        found = env.eval(self._collect)
        return frozenset(str(v) for v in found), fired


def whyache_run(engine: Engine | ReferenceEngine, case: Case) -> tuple[frozenset[str], int]:
    result = engine.run(case)
    concluded = frozenset(f for firing in result.firings for f in firing.new)
    return concluded, len(result.firings)


def check_agreement(kb: KnowledgeBase, engine: Engine, clips: Clips, cases: list[Case]) -> int:
    """Raise SystemExit at the first case where the two disagree; the firings in all."""
    fired = 0
    for number, case in enumerate(cases, start=1):
        ours = whyache_run(engine, case)
        theirs = clips.run(case)
        if ours != theirs:
            raise SystemExit(
                f"case {number} {case.facts}: whyache concluded {sorted(ours[0])} in {ours[1]} "
                f"firings, CLIPS {sorted(theirs[0])} in {theirs[1]}"
            )
        fired += ours[1]
    return fired


@dataclass(frozen=True)
class Comparison:
    """Seconds per case of each engine, and median round-by-round ratios to CLIPS."""

    experta: float
    reference: float
    clips: float
    experta_ratio: float
    reference_ratio: float
    firings: int


def compare(kb: KnowledgeBase, cases: list[Case], runs: int = 5) -> Comparison:
    """Time whyache's two engines and CLIPS in the same process, round after round.

    Each round sweeps the cases once with each (CPU time), each doing the same work per
    case: clear working memory, assert the case's facts, run, collect the conclusions. The
    reference engine is checked against experta first: the same firings for every case.
    """
    engine = Engine(kb)
    reference = ReferenceEngine(kb)
    clips = Clips(kb)
    fired = check_agreement(kb, engine, clips, cases)
    for number, case in enumerate(cases, start=1):
        if reference.run(case).firings != engine.run(case).firings:
            raise SystemExit(f"case {number}: the reference engine fired differently")

    def sweep(run: Callable[[Case], object]) -> float:
        start = time.process_time()
        for case in cases:
            run(case)
        return time.process_time() - start

    ours, refs, theirs = [], [], []
    for _ in range(runs):
        ours.append(sweep(lambda c: whyache_run(engine, c)))
        refs.append(sweep(lambda c: whyache_run(reference, c)))
        theirs.append(sweep(clips.run))
    n = len(cases)
    return Comparison(
        experta=statistics.median(ours) / n,
        reference=statistics.median(refs) / n,
        clips=statistics.median(theirs) / n,
        experta_ratio=statistics.median(a / b for a, b in zip(ours, theirs, strict=True)),
        reference_ratio=statistics.median(a / b for a, b in zip(refs, theirs, strict=True)),
        firings=fired,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kb", type=Path, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from run import random_cases  # the benchmarks' own random cases

    from whyache.knowledge_base import load_knowledge_base

    kb = load_knowledge_base(args.kb)
    cases = random_cases(kb, args.cases)
    found = compare(kb, cases, args.runs)
    print(f"{len(cases)} cases, {found.firings} firings: identical conclusions and firing counts")
    print(
        f"whyache experta {1 / found.experta:,.0f} cases/s, reference "
        f"{1 / found.reference:,.0f} cases/s, CLIPS {1 / found.clips:,.0f} cases/s"
    )
    print(
        f"per case, median of round-by-round ratios: experta / CLIPS "
        f"{found.experta_ratio:.1f}x, reference / CLIPS {found.reference_ratio:.2f}x"
    )


if __name__ == "__main__":
    main()
