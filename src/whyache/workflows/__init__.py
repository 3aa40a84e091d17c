"""Jobs above the engine: many cases at once, and scenario files checked against results."""
