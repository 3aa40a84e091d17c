"""experta's Rete matcher, with a bus that sends each fact only to the patterns about it.

experta's root node hands every new fact to every first-level test of the network, so with one
pattern per fact id each assertion costs one test per fact id in the knowledge base. Our facts
have one class per fact id (see engine.py), and experta puts the type test first on every alpha
branch, so the first-level children can be grouped by the class they test: the bus below looks
the group up in a dict. The network, its tokens and its results are experta's own.

Two more costs grow with the number of rules, and the matcher removes both: experta asks
every conflict-set node for new activations after each change (here only the nodes a change
reached are asked), and its reset walks the network visiting shared nodes many times (here
each node is emptied once).

This relies on experta 1.9.4 internals (``BusNode.children``, ``TypeCheck.fact_type``,
``Token``, a node's ``_activate`` and ``_reset``); 1.9.4 is the last release and our
dependency is pinned below 2.
"""

from __future__ import annotations

from typing import Any

from whyache.engine.runtime._experta import NOT, BusNode, InitialFact, ReteMatcher, Token, TypeCheck


class _DispatchingBus(BusNode):  # type: ignore[misc]
    """A BusNode that routes a fact to the children testing for the fact's class."""

    def __init__(self) -> None:
        super().__init__()
        self._routes: dict[type, list[Any]] | None = None
        self._untyped: list[Any] = []

    def _route(self, fact: Any) -> list[Any]:
        if self._routes is None:  # built once, after the network is complete
            self._routes = {}
            for child in self.children:
                matcher = getattr(child.node, "matcher", None)
                if isinstance(matcher, TypeCheck):
                    self._routes.setdefault(matcher.fact_type, []).append(child)
                else:
                    self._untyped.append(child)
        return self._routes.get(type(fact), []) + self._untyped

    def add(self, fact: Any) -> None:
        token = Token.valid(fact)
        for child in self._route(fact):
            child.callback(token)

    def remove(self, fact: Any) -> None:
        token = Token.invalid(fact)
        for child in self._route(fact):
            child.callback(token)


class DispatchingReteMatcher(ReteMatcher):  # type: ignore[misc]
    """experta's ReteMatcher built on a dispatching bus.

    Our compiled rules are already conjunctions of plain patterns and single-pattern NOTs, so
    experta's general rewrite to normal form (repeated, and costly per fact class) reduces to
    its last step: a rule that starts with NOT, or has no pattern, starts with InitialFact().
    """

    @staticmethod
    def prepare_ruleset(engine: Any) -> set[Any]:
        prepared = set()
        for rule in engine.get_rules():
            patterns = list(rule)
            if not patterns or isinstance(patterns[0], NOT):
                patterns.insert(0, InitialFact())
            prepared.add(rule.new_conditions(*patterns))
        return prepared

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.root_node = _DispatchingBus()
        # Conflict-set nodes reached since the last call to changes(), in order (a dict as an
        # ordered set).
        self._touched: dict[Any, None] = {}
        self.build_network()
        for node in self._get_conflict_set_nodes():
            node._activate = _marking(node, node._activate, self._touched)
        self._nodes = _unique_nodes(self.root_node)

    def reset(self) -> None:
        """Empty every node's memory once (experta walks the network, shared nodes many times).

        Activations still pending from an interrupted run are dropped too (experta would hand
        them to the next case).
        """
        for node in self._nodes:
            node._reset()
        for node in self._touched:
            node.get_activations()
        self._touched.clear()

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        """New and removed activations after the given changes to working memory.

        experta asks every rule's conflict-set node after each change: O(#rules) calls per
        firing, which on a knowledge base of a few hundred rules was two thirds of a case's
        time. Here only the nodes that a change reached are asked.

        A fact in both lists was declared and retracted (or retracted and declared again)
        since the last call, by one firing: it is left out of both, which is its net effect.
        experta sends the removal first, which crashes on memories that never held the fact.
        """
        if deleting and adding:
            both = {id(fact) for fact in deleting}.intersection(map(id, adding))
            if both:
                deleting = [fact for fact in deleting if id(fact) not in both]
                adding = [fact for fact in adding if id(fact) not in both]
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        for node in self._touched:
            new, gone = node.get_activations()
            added.extend(new)
            removed.extend(gone)
        self._touched.clear()
        return added, removed


def _unique_nodes(root: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(child.node for child in node.children)
    return list(seen.values())


def _marking(node: Any, activate: Any, touched: dict[Any, None]) -> Any:
    """The node's own activation, noting that the node was reached."""

    def activate_and_mark(token: Any) -> None:
        activate(token)
        touched[node] = None

    return activate_and_mark
