"""Error pages in the service's own layout, saying what to do next and nothing about what exists."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def forbidden(request, exception=None):
    return render(
        request, "pages/error.html", {"title": "You do not have access to this page", "status": 403}, status=403
    )


def not_found(request, exception=None):
    return render(request, "pages/error.html", {"title": "Page not found", "status": 404}, status=404)


def server_error(request):
    # Rendered without the request so that no context processor touches a database that may be the problem.
    html = loader.render_to_string(
        "pages/error.html", {"title": "Sorry, there is a problem with the service", "status": 500}
    )
    return HttpResponseServerError(html)
