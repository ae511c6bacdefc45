"""Numbers read from a query string, which anyone can type anything into.

``"²".isdigit()`` is true and ``int("²")`` fails; ``-1`` or a twenty-digit number
are integers that a paginator or a database column cannot take. Everything here
answers such input with "no value" (the caller then shows the default or a 404),
never with an exception.
"""

from __future__ import annotations

from django.core.paginator import Paginator

from lampang_tracker import thai

# The largest id a bigint primary key holds (SQLite and PostgreSQL alike); a larger
# number makes SQLite raise OverflowError instead of finding nothing.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """A database id (Thai digits allowed), or None for anything that is not one."""
    if value is None:
        return None
    try:
        number = int(thai.arabic_digits(str(value)).strip())
    except ValueError:  # also the "too many digits" limit of int()
        return None
    return number if 1 <= number <= MAX_ID else None


class BoundedPaginator(Paginator):
    """A paginator whose page size, possibly taken from ``?per_page=``, stays
    between 1 and ``MAX_PER_PAGE``: -1 would make every page "empty" (a 500), and a
    huge number would render every row in one response."""

    DEFAULT_PER_PAGE = 25
    MAX_PER_PAGE = 100

    def __init__(self, object_list, per_page, *args, **kwargs):
        try:
            per_page = int(per_page)
        except (TypeError, ValueError):
            per_page = self.DEFAULT_PER_PAGE
        if per_page < 1:
            per_page = self.DEFAULT_PER_PAGE
        super().__init__(object_list, min(per_page, self.MAX_PER_PAGE), *args, **kwargs)
