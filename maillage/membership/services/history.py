"""The history of a profile: snapshots of its fields before and after a write, and the diff between."""

from django.contrib.auth.models import User
from django.db import models

from maillage.directory.models import Organisation
from maillage.membership.models import ChangeRecord


def display_value(instance: models.Model, name: str) -> str:
    """A field's value as a person reads it: choice labels, names of related objects, '' for empty."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in getattr(instance, name).all()))
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    value = getattr(instance, name)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, str]:
    return {name: display_value(instance, name) for name in fields}


def diff(
    model: type[models.Model], before: dict[str, str], after: dict[str, str]
) -> list[dict[str, str]]:
    return [
        {
            "field": name,
            "label": str(model._meta.get_field(name).verbose_name),
            "old": before.get(name, ""),
            "new": after.get(name, ""),
        }
        for name in after
        if before.get(name, "") != after[name]
    ]


def record_change(
    *,
    organisation: Organisation,
    user: User | None,
    source: str,
    subject: str,
    summary: str,
    changes: list[dict[str, str]] | None = None,
) -> ChangeRecord:
    return ChangeRecord.objects.create(
        organisation=organisation,
        user=user,
        source=source,
        subject=subject,
        summary=summary[:255],
        changes=changes or [],
    )
