"""Directory search: full text per engine, geography, facets and map clusters."""
