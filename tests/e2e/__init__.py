"""Browser tests (issue 5): the main journeys in headless Chromium through Selenium.

Debian's ``chromium`` and ``chromium-driver`` packages drive them (``make test``
installs them as root); axe-core comes from npm (``tests/e2e/package.json``).
Screenshots of the key pages land in ``tests/e2e/screenshots/`` (git-ignored).
"""
