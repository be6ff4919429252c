"""Writes of the catalogue, by subdomain: listings, contacts and deals, needs reports, alerts."""
