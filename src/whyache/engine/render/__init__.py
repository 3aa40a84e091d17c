"""Renderers: pure functions from results, explanations and graphs to strings.

Nothing here prints or reads files; the CLI decides where the strings go.
"""
