"""Page/page_size pagination shared by every list of the API."""

from django.db.models import QuerySet
from ninja import Schema

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageMeta(Schema):
    count: int
    page: int
    page_size: int


def paginate(queryset: QuerySet, *, page: int, page_size: int) -> tuple[int, list]:
    """The total count and the rows of one page (an empty list past the last page)."""
    count = queryset.count()
    offset = (page - 1) * page_size
    return count, list(queryset[offset : offset + page_size])
