"""The knowledge-base model: facts, rules, documents, conditions, cases, names, validation."""
