"""Checks every uploaded file goes through before anything reads it (importers, attachments).

The reverse proxy caps the request size (`client_max_body_size`); these checks give the person
a clear French message, keep file names from choosing where they land, and refuse archives
(xlsx, ods, zip) that inflate to far more than they weigh.
"""

import os
import re
import unicodedata
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_UNSAFE = re.compile(r"[^\w.\- ]+")
# An office document rarely inflates more than 100 times; a zip bomb does by millions.
MAX_COMPRESSION_RATIO = 100


def safe_filename(name: str, *, max_length: int = 100) -> str:
    """The last path component of `name`, without control or format characters (RTL override),
    markup or leading dots; never empty. For display and storage names, never for paths."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(
        char for char in unicodedata.normalize("NFC", base) if unicodedata.category(char)[0] != "C"
    )
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, extension = os.path.splitext(base)
    stem = stem[: max_length - len(extension[:10])] or "fichier"
    return f"{stem}{extension[:10].lower()}"


def check_upload(file: UploadedFile, *, extensions: tuple[str, ...]) -> str:
    """Refuse an empty, too large or unexpected file; return its safe name."""
    name = safe_filename(file.name or "")
    extension = os.path.splitext(name)[1]
    if extension not in extensions:
        raise ValidationError(
            _("Le fichier « %(name)s » n'est pas d'un type accepté (%(types)s).")
            % {"name": name, "types": ", ".join(extensions)},
            code="upload_type",
        )
    if not file.size:
        raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": name})
    if file.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier « %(name)s » pèse %(size)s : %(max)s au plus.")
            % {
                "name": name,
                "size": filesizeformat(file.size),
                "max": filesizeformat(settings.MAX_UPLOAD_SIZE),
            },
            code="upload_size",
        )
    if extension in (".xlsx", ".ods", ".zip"):
        check_archive(file, name=name)
    return name


def check_archive(file: IO[bytes], *, name: str) -> None:
    """Refuse a zip (xlsx and ods are zips) that is corrupt or would inflate past the limits."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(
            _("Le fichier « %(name)s » est illisible : ce n'est pas une archive valide.")
            % {"name": name},
            code="upload_corrupt",
        ) from error
    finally:
        file.seek(0)
    inflated = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    if inflated > settings.MAX_UPLOAD_SIZE * 10 or inflated / packed > MAX_COMPRESSION_RATIO:
        raise ValidationError(
            _("Le fichier « %(name)s » se décompresse en %(size)s : il est refusé.")
            % {"name": name, "size": filesizeformat(inflated)},
            code="upload_bomb",
        )
