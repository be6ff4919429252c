"""Page/page_size conventions shared by every list of the API."""

from ninja import Schema

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
