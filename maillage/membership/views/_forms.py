"""Shared by the pages: model errors raised by a service, shown on the form."""

from django.core.exceptions import ValidationError


def add_errors(form, error: ValidationError) -> None:
    """Model errors from a service onto the form, on the field they name when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
