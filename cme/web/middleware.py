"""How the pages answer a refused checked read (cme.common.errors): "not found", or the purpose question first."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from cme.common.errors import AccessRefused, PurposeRequired

# The page that asks why a record outside the caseload is needed, by the type of record.
PURPOSE_PAGES = {"people.child": "web:children:purpose"}


class AccessRefusalMiddleware:
    """Turns the `access_*` doors' refusals into the pages' answers, wherever in a view they are raised.

    RecordNotFound is the council's 404 page, so a refusal never reveals that a record exists. PurposeRequired sends
    the person to the purpose question and, once answered, back to the page they asked for. The door has already
    audited the refusal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PurposeRequired):
            page = PURPOSE_PAGES.get(exception.target_type)
            if page is None:
                raise PermissionDenied from exception
            url = reverse(page, args=[exception.target_id])
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        if isinstance(exception, AccessRefused):
            raise Http404 from exception
        return None
