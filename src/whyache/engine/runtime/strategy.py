"""Our agenda strategy: a total, stable firing order, and no stale activations.

experta's DepthStrategy has two faults we cannot live with (see ../shared/EXPERTA.md):
it removes an activation by looking only next to its bisect position, so with several equal
keys a retracted activation can stay and fire later; and rules of equal salience fire in an
order that changes between runs. Here every activation gets a key that is unique and depends
only on the rule's place in the knowledge base and the ids of the facts it matched, and
removal scans the whole run of equal keys.
"""

from __future__ import annotations

import bisect
from typing import Any

from whyache.engine.runtime._experta import Strategy


class StableStrategy(Strategy):  # type: ignore[misc]
    """Highest salience first; then knowledge-base order; then oldest facts first.

    "Oldest facts first" compares the fact ids, newest first, as lists: the activation whose
    newest fact is older fires first, then the next newest decides, and so on; when one list
    starts the other, the shorter fires first. Equal keys (the same rule on the same facts)
    fire last-added first.
    """

    @staticmethod
    def key(activation: Any) -> tuple[Any, ...]:
        rule = activation.rule
        # experta copies Rule objects while building the network; the wrapped body survives.
        order = rule._wrapped.whyache_order
        facts = activation.facts
        # The agenda pops from the right, so the greatest key fires next: negate the order.
        # Negating each id reverses the comparison of ids but not of lengths: the end marker
        # (greater than any negated id, as ids are >= 0) makes a list that ends first greater.
        # The negated ids in ascending order are the ids newest first, negated.
        if len(facts) == 1:  # most activations: no sort
            (fact,) = facts
            return (rule.salience, -order, (-fact["__factid__"], 1))
        return (rule.salience, -order, (*sorted([-f["__factid__"] for f in facts]), 1))

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        activations = agenda.activations
        for act in removed:
            act.key = self.key(act)
            low = bisect.bisect_left(activations, act)
            high = bisect.bisect_right(activations, act)
            for idx in range(low, high):
                if activations[idx] == act:
                    del activations[idx]
                    break
        for act in added:
            act.key = self.key(act)
            bisect.insort(activations, act)
