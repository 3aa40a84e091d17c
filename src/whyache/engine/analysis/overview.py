"""The overview map: the knowledge base drawn one node per category, for a first slide.

The whole map (:mod:`whyache.engine.kb_graph`) has hundreds of facts; a class first needs the
shape of it. Each knowledge-base file names its ``category``; every fact and rule carries it.
The overview has one node per category and an edge from category A to category B when some
rule turns a fact of A into a fact of B (the rule may belong to either)::

    Dehydration ──7 rules──▶ Electrolyte imbalance

* Category nodes are named ``"category:<title>"``; attributes ``type="category"``, ``label``
  (the title), ``facts`` and ``rules`` (how many belong to it), ``kinds`` (its facts counted
  by kind, e.g. ``{"red_flag": 12}``), ``urgent`` (the facts of each urgent kind, by kind
  title: ``{"Red flags": 12}``) and ``red_flags`` (how many of its facts are of an urgent
  kind, which kb.yaml declares: the bundled knowledge base's red flags).
* Edges carry ``role="link"`` and ``rules``, how many rules make that link.

Facts and rules without a category are grouped under ``"(no category)"``. Categories appear in
knowledge-base order.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from whyache.engine.model.definitions import KnowledgeBase

UNCATEGORISED = "(no category)"


def category_node(title: str) -> str:
    return f"category:{title}"


def overview(kb: KnowledgeBase, min_rules: int = 3) -> nx.DiGraph:
    """One node per category, linked where rules carry facts from one category to another.

    Links made by fewer than ``min_rules`` rules are left out (the graph records
    ``min_rules``): 88 links between 25 categories draw a hairball, the ~45 strong ones a
    map. Every link into a category with urgent facts is kept whatever its weight.
    """
    graph = nx.DiGraph(kb=kb.name, kb_version=kb.version, view="overview", min_rules=min_rules)
    fact_category = {f.id: f.category or UNCATEGORISED for f in kb.facts}
    titles = list(dict.fromkeys([*fact_category.values(), *(_of(r.category) for r in kb.rules)]))
    rules = Counter(_of(r.category) for r in kb.rules)
    for title in titles:
        kinds = Counter(f.kind for f in kb.facts if fact_category[f.id] == title)
        urgent = {kb.kind(k).title: kinds[k] for k in kb.urgent_kinds if kinds[k]}
        graph.add_node(
            category_node(title),
            type="category",
            label=title,
            facts=sum(kinds.values()),
            rules=rules[title],
            kinds=dict(sorted(kinds.items())),
            urgent=urgent,
            red_flags=sum(urgent.values()),
        )
    links: Counter[tuple[str, str]] = Counter()
    for rule in kb.rules:
        pairs = {
            (fact_category[p], fact_category[c])
            for p in rule.premises
            for c in rule.concludes
            if fact_category[p] != fact_category[c]
        }
        links.update(pairs)
    flagged = {t for t in titles if graph.nodes[category_node(t)]["red_flags"]}
    for (a, b), count in links.items():
        if count < min_rules and b not in flagged:
            continue
        graph.add_edge(category_node(a), category_node(b), role="link", rules=count)
    return graph


def _of(category: str) -> str:
    return category or UNCATEGORISED
