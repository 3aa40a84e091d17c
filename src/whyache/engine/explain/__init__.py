"""Explanations of a result: the derivation graph, HOW, WHY-NOT, WHAT-IF and the summary."""
