"""The HTTP service (``spotcheck serve``): FastAPI routes over :mod:`api.service`.

Nothing here decides anything: a route reads the request, calls one method of the service layer for
the caller its credentials name, and answers JSON (or a file). Errors are answered once, by kind
(:mod:`api.http.errors`). The app is built by :func:`api.http.app.create_app`.
"""
