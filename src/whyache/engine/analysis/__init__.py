"""Analyses of a knowledge base without a finished case: lint, outlook, consultation, maps."""
