"""Response headers that every answer cme gives carries (static files aside, which WhiteNoise serves before this)."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page and API answer: any of them may carry a child's personal data, so no
    browser, proxy or shared computer keeps a copy. Static files (served by WhiteNoise, above this) stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
        return response
