"""Pagination pieces every app shares."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator given its count, read some cheaper way (e.g. from a rollup), instead of
    counting its rows; ``count=None`` counts them as usual."""

    def __init__(self, object_list, per_page, *, count: int | None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return super().count if self._known_count is None else self._known_count
