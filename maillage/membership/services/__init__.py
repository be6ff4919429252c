"""Writes of the membership domain: claims, organisations kept by their members, history."""
