"""experta's Rete matcher, with a bus that sends each fact only to the patterns about it.

experta's root node hands every new fact to every first-level test of the network, so with one
pattern per fact id each assertion costs one test per fact id in the knowledge base. Our facts
have one class per fact id (see engine.py), and experta puts the type test first on every alpha
branch, so the first-level children can be grouped by the class they test: the bus below looks
the group up in a dict. The network, its tokens and its results are experta's own.

Two more costs grow with the number of rules, and the matcher removes both: experta asks
every conflict-set node for new activations after each change (here only the nodes a change
reached are asked), and its reset walks the whole network, visiting shared nodes many times
(here only the nodes below the fact classes a case declared are emptied, each once: on a
knowledge base of 2,000 rules the full walk was 70% of a case's time).

Building the network is ours too, for the shapes our rules have (plain patterns and
single-pattern NOTs), out of experta's own node and check classes. experta's builder finds
a node's child by scanning every child (the root has one per fact class), adds a child after
another scan, defines and registers fresh dispatch functions for every rule, and lists the
conflict-set nodes by walking every path of the network into a list it searches: together
they made compiling grow faster than the square of the rules (8,000 rules: 70 s). Here each
step is a dict lookup, and the network built is the same.

This relies on experta 1.9.4 internals (``BusNode.children``, ``ChildNode``, the node and check
classes, ``generate_checks``, ``Token``, a node's ``_activate`` and ``_reset``); 1.9.4 is the
last release and our dependency is pinned below 2.
"""

from __future__ import annotations

from typing import Any

from whyache.engine.runtime._experta import (
    NOT,
    BusNode,
    ChildNode,
    ConflictSetNode,
    Fact,
    FactCapture,
    FeatureTesterNode,
    InitialFact,
    NotNode,
    OrdinaryMatchNode,
    ReteMatcher,
    SameContextCheck,
    Token,
    TypeCheck,
    generate_checks,
)


class _DispatchingBus(BusNode):  # type: ignore[misc]
    """A BusNode that routes a fact to the children testing for the fact's class."""

    def __init__(self) -> None:
        super().__init__()
        self._routes: dict[type, list[Any]] | None = None
        self._untyped: list[Any] = []
        #: Fact classes added or removed since the matcher last reset: only the nodes below
        #: them can hold anything.
        self.reached: set[type] = set()

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

    def below(self, fact_type: type) -> list[Any]:
        """Every node a fact of this class can reach, each once."""
        if self._routes is None:
            self._route(None)
        assert self._routes is not None
        children = self._routes.get(fact_type, []) + self._untyped
        return _unique_nodes(child.node for child in children)

    def add(self, fact: Any) -> None:
        self.reached.add(type(fact))
        token = Token.valid(fact)
        for child in self._route(fact):
            child.callback(token)

    def remove(self, fact: Any) -> None:
        self.reached.add(type(fact))
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

    @staticmethod
    def build_alpha_part(ruleset: set[Any], root_node: Any) -> dict[Any, Any]:
        """The alpha network: per pattern a path of tests from the root, shared where the
        patterns share tests, ending in the node whose matches the beta part joins.

        The tests of a pattern run in experta's order: its class first, then its field tests
        (the ones more patterns share first), then the capture that names the matched fact.
        """
        patterns: dict[Any, None] = {InitialFact(): None}  # rules starting with NOT need it
        for rule in ruleset:
            for element in rule:
                patterns[_plain(element)] = None
        checks = {pattern: list(dict.fromkeys(generate_checks(pattern))) for pattern in patterns}
        shared: dict[Any, int] = {}
        for found in checks.values():
            for check in found:
                shared[check] = shared.get(check, 0) + 1

        def order(check: Any) -> tuple[int, int]:
            if isinstance(check, TypeCheck):
                return (0, 0)
            if isinstance(check, FactCapture):
                return (2, 0)
            return (1, -shared[check])

        branches: dict[tuple[int, int], Any] = {}
        terminals: dict[Any, Any] = {}
        for pattern, found in checks.items():
            node = root_node
            for check in sorted(found, key=order):
                key = (id(node), id(check))  # checks are interned by experta
                child = branches.get(key)
                if child is None:
                    child = branches[key] = FeatureTesterNode(check)
                    node.children.append(ChildNode(child, child.activate))
                node = child
            terminals[pattern] = node
        return terminals

    @staticmethod
    def build_beta_part(ruleset: set[Any], alpha_terminals: dict[Any, Any]) -> None:
        """Per rule, a chain of joins over its patterns in order (a NOT pattern joins as a
        NotNode), ending in the rule's conflict-set node."""
        for rule in ruleset:
            elements = list(rule)
            node = alpha_terminals[_plain(elements[0])]
            for element in elements[1:]:
                join = (NotNode if isinstance(element, NOT) else OrdinaryMatchNode)(
                    SameContextCheck()
                )
                node.children.append(ChildNode(join, join.activate_left))
                right = alpha_terminals[_plain(element)]
                right.children.append(ChildNode(join, join.activate_right))
                node = join
            conflict_set = ConflictSetNode(rule)
            node.children.append(ChildNode(conflict_set, conflict_set.activate))

    def _get_conflict_set_nodes(self) -> tuple[Any, ...]:
        # Each node once (experta's walk visits a shared node once per path to it).
        found = self.__dict__.get("_conflict_sets")
        if found is None:
            nodes = _unique_nodes([self.root_node])
            found = self._conflict_sets = tuple(
                node for node in nodes if isinstance(node, ConflictSetNode)
            )
        return found

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.root_node = _DispatchingBus()
        # Conflict-set nodes reached since the last call to changes(), in order (a dict as an
        # ordered set).
        self._touched: dict[Any, None] = {}
        self.build_network()
        for node in self._get_conflict_set_nodes():
            node._activate = _marking(node, node._activate, self._touched)
        self._below: dict[type, list[Any]] = {}
        self._pristine = False  # nothing declared before the first reset is tracked

    def reset(self) -> None:
        """Empty the memory of every node a fact reached since the last reset, each once.

        A node's memory changes only when a token reaches it, and tokens start at the bus, so
        the nodes below the classes the bus saw are all that can hold anything (experta walks
        the whole network instead, shared nodes many times). Activations still pending from
        an interrupted run are dropped too (experta would hand them to the next case).
        """
        bus = self.root_node
        if not self._pristine:
            nodes: Any = _unique_nodes([bus])
            self._pristine = True
        else:
            nodes = {}
            for fact_type in bus.reached:
                found = self._below.get(fact_type)
                if found is None:
                    found = self._below[fact_type] = bus.below(fact_type)
                nodes.update(dict.fromkeys(found))
        bus.reached.clear()
        for node in nodes:
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


def _plain(element: Any) -> Any:
    """The pattern of a rule element: a plain pattern, or the one pattern of a NOT."""
    pattern = element[0] if isinstance(element, NOT) else element
    if not isinstance(pattern, Fact):
        raise TypeError(f"the matcher builds only plain patterns and NOTs, not {element!r}")
    return pattern


def _unique_nodes(roots: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    stack = list(roots)
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
