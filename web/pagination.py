"""Pages of a list and the links between them (``templates/includes/pagination.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


class CountedPaginator(Paginator):
    """A paginator told its count, so paging costs no COUNT query of its own (the count
    comes from an aggregate the page needs anyway)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


def page_of(queryset: QuerySet, *, number: Any, per_page: int, count: int) -> Page:
    paginator = CountedPaginator(queryset, per_page, count=count)
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    return page


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int | str
    url: str = ""
    current: bool = False
    ellipsis: bool = False


@dataclass(frozen=True, slots=True)
class Pager:
    """Links for the pagination include: each keeps the request's other parameters."""

    label: str
    target: str  # the element a link swaps with htmx; "" for plain links
    links: list[PageLink]
    previous: str = ""
    next: str = ""
    number: int = 1
    pages: int = 1


def pager(
    request: HttpRequest, page: Page, *, param: str = "page", label: str, target: str = ""
) -> Pager:
    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    paginator = page.paginator
    links = [
        PageLink(number, ellipsis=True)
        if number == paginator.ELLIPSIS
        else PageLink(number, url(number), current=number == page.number)
        for number in paginator.get_elided_page_range(page.number)
    ]
    return Pager(
        label=label,
        target=target,
        links=links,
        previous=url(page.previous_page_number()) if page.has_previous() else "",
        next=url(page.next_page_number()) if page.has_next() else "",
        number=page.number,
        pages=paginator.num_pages,
    )
