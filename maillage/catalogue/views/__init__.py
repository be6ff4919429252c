"""Pages of the catalogue: each fetches with an access check, calls one service, renders."""
