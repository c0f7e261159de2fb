"""Pagination for every list endpoint: limit and offset, with a ceiling so no request can ask for everything."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500
