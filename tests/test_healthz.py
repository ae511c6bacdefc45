"""/healthz: what a load balancer or monitor polls, without a login."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from unittest import mock

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import TestCase, override_settings


class HealthzTests(TestCase):
    @classmethod
    def setUpClass(cls):
        # 503 and 405 are what these tests expect; keep Django's request log quiet.
        request_logger = logging.getLogger("django.request")
        cls.addClassCleanup(request_logger.setLevel, request_logger.level)
        request_logger.setLevel(logging.CRITICAL)
        super().setUpClass()

    def setUp(self):
        directory = tempfile.TemporaryDirectory(prefix="lampang-healthz-")
        self.addCleanup(directory.cleanup)
        self.var_dir = Path(directory.name)
        var = override_settings(VAR_DIR=self.var_dir)
        var.enable()
        self.addCleanup(var.disable)

    def test_it_answers_200_without_a_login_and_is_never_cached(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(list(self.var_dir.iterdir()), [], "the probe file must be deleted")

    def test_it_answers_503_naming_the_database_when_it_does_not_answer(self):
        with (
            mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")),
            self.assertLogs("lampang_tracker.views", "ERROR") as logs,
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "failed": ["database"]})
        self.assertNotIn("connection refused", response.content.decode(), "details go to the log only")
        self.assertIn("connection refused", "\n".join(logs.output))

    def test_it_answers_503_naming_var_when_it_cannot_write_there(self):
        not_a_folder = self.var_dir / "a-file"
        not_a_folder.write_text("x")
        with (
            override_settings(VAR_DIR=not_a_folder / "var"),
            self.assertLogs("lampang_tracker.views", "ERROR"),
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "failed": ["var_dir"]})

    def test_it_is_reached_over_plain_http_when_everything_else_goes_to_https(self):
        with override_settings(SECURE_SSL_REDIRECT=True):
            self.assertEqual(self.client.get("/healthz").status_code, 200)
            home = self.client.get("/")
        self.assertEqual(home.status_code, 301)
        self.assertTrue(home["Location"].startswith("https://"))

    def test_it_takes_only_get(self):
        self.assertEqual(self.client.post("/healthz").status_code, 405)
