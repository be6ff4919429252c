"""Pages of the member space: each fetches with an access check, calls one service, renders."""
