"""Writes of the directory, by subdomain: reference data, demo load, profile upkeep."""
