"""The web page: ``assistant web`` serves the same assistant to a browser.

FastAPI on uvicorn (the optional ``[web]`` extra). The page is plain HTML, CSS
and JavaScript in ``static/``; the server in :mod:`.server`, conversations per
browser tab in :mod:`.sessions`, the notification stream in :mod:`.events` and
the access rules (token, origin, rate limit, CSP) in :mod:`.security`.
See docs/web.md.
"""
