"""Site-wide responses that no single app owns: the database being away, the Content-Security-Policy."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger(__name__)

# Errors that mean "no database to talk to" (refused, reset, shut down, the connection lost), as
# Django wraps them for every backend. A programming or data error is a bug and stays a 500.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable_response(request):
    """503 while the database is away: JSON for the API, the site's own page for everything else.

    The page extends base.html, which reads nothing from the database, so it renders without one.
    """
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": "The archive is unavailable: its database cannot be reached. Try again shortly."},
            status=503,
        )
    else:
        # The context processors' user and messages are lazy: the layout uses neither, so none queries.
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database down answers 503 (with Retry-After) instead of a 500 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        logger.warning("database unavailable on %s: %s", request.path, exception)
        return unavailable_response(request)


# One policy for every page: nothing from elsewhere, no inline script or style, no plugins, and no
# framing (X-Frame-Options says the same to older browsers). `form-action 'self'` keeps a
# form injected into a page from posting elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The admin differs in styles only: Django's own change-list template writes a <style> block (when
# a list has no actions). Admin pages are staff-only, show no user-supplied CSS, and scripts stay
# 'self' only, which is what keeps injected markup inert. The upload pages under /admin/uploads/
# are ours and set the strict policy themselves (uploads/views.py: staff_page).
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    """Sets Content-Security-Policy on every response that has not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(self.admin_prefix)
            response["Content-Security-Policy"] = (
                ADMIN_CONTENT_SECURITY_POLICY if admin else CONTENT_SECURITY_POLICY
            )
        return response


def server_error(request, *args, **kwargs):
    """handler500: a database outage met outside a view (in a middleware) is still a 503."""
    exception = sys.exc_info()[1]
    if isinstance(exception, UNAVAILABLE):
        return unavailable_response(request)
    return default_server_error(request, *args, **kwargs)
