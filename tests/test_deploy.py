"""Production serving: settings for HTTPS behind nginx, `check --deploy` with the
documented environment, object storage from the environment, gunicorn and deploy/."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, TestCase, override_settings

from tests.test_settings import SETTINGS_ENV, load_settings

BASE_DIR = Path(settings.BASE_DIR)
DEPLOY = BASE_DIR / "deploy"
DEPLOY_ENV = (
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "STORAGE_BACKEND",
    "STORAGE_OPTIONS",
    "STATIC_ROOT",
    "CSRF_TRUSTED_ORIGINS",
)


def settings_with(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in DEPLOY_ENV}
    with mock.patch.dict(os.environ, clean, clear=True):
        return load_settings(**env)


def documented_environment() -> dict[str, str]:
    """deploy/lampang-tracker.env as a dict (KEY=VALUE lines, # comments)."""
    env = {}
    for line in (DEPLOY / "lampang-tracker.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


class HttpsSettingsTests(SimpleTestCase):
    def test_it_redirects_to_https_with_hsts_by_default_when_debug_is_off(self):
        loaded = settings_with(SECRET_KEY="x")
        self.assertTrue(loaded["SECURE_SSL_REDIRECT"])
        self.assertEqual(loaded["SECURE_HSTS_SECONDS"], 31536000)
        self.assertTrue(loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"])
        self.assertTrue(loaded["SECURE_HSTS_PRELOAD"])
        self.assertNotIn("SECURE_PROXY_SSL_HEADER", loaded, "no header is trusted unless configured")

    def test_it_stays_on_plain_http_in_development(self):
        loaded = settings_with(DEBUG="1")
        self.assertFalse(loaded["SECURE_SSL_REDIRECT"])
        self.assertEqual(loaded["SECURE_HSTS_SECONDS"], 0)

    def test_it_reads_the_proxy_ssl_header_from_the_environment(self):
        loaded = settings_with(SECRET_KEY="x", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
        self.assertEqual(loaded["SECURE_PROXY_SSL_HEADER"], ("HTTP_X_FORWARDED_PROTO", "https"))
        with self.assertRaisesMessage(ImproperlyConfigured, "SECURE_PROXY_SSL_HEADER must be HEADER,value"):
            settings_with(SECRET_KEY="x", SECURE_PROXY_SSL_HEADER="https")

    def test_it_takes_an_object_storage_backend_from_the_environment(self):
        loaded = settings_with(
            SECRET_KEY="x",
            STORAGE_BACKEND="storages.backends.s3.S3Storage",
            STORAGE_OPTIONS='{"bucket_name": "lampang-evidence", "endpoint_url": "https://s3.example"}',
        )
        self.assertEqual(
            loaded["STORAGES"]["default"],
            {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": "lampang-evidence", "endpoint_url": "https://s3.example"},
            },
        )
        self.assertEqual(
            settings_with(SECRET_KEY="x")["STORAGES"]["default"]["BACKEND"],
            "django.core.files.storage.FileSystemStorage",
        )
        for bad in ("{bucket", '["a"]'):
            with self.assertRaisesMessage(ImproperlyConfigured, "STORAGE_OPTIONS must be a JSON object"):
                settings_with(SECRET_KEY="x", STORAGE_BACKEND="storages.backends.s3.S3Storage", STORAGE_OPTIONS=bad)


class ProxyTests(TestCase):
    @override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    def test_it_trusts_the_scheme_nginx_names(self):
        plain = self.client.get("/accounts/login/")
        self.assertEqual(plain.status_code, 301)
        self.assertEqual(plain["Location"], "https://testserver/accounts/login/")
        proxied = self.client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
        self.assertEqual(proxied.status_code, 200)
        self.assertIn("max-age=31536000", proxied["Strict-Transport-Security"])


class CheckDeployTests(SimpleTestCase):
    def test_it_passes_check_deploy_with_the_documented_environment(self):
        documented = documented_environment()
        with tempfile.TemporaryDirectory(prefix="lampang-deploy-") as directory:
            env = {k: v for k, v in os.environ.items() if k not in (*SETTINGS_ENV, *DEPLOY_ENV)}
            env.update(documented)
            env.update(
                SECRET_KEY=secrets.token_urlsafe(50),  # the file holds a placeholder
                VAR_DIR=str(Path(directory) / "var"),
                STATIC_ROOT=str(Path(directory) / "static"),
            )
            done = subprocess.run(
                [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        output = done.stdout + done.stderr
        self.assertEqual(done.returncode, 0, output)
        self.assertIn("System check identified no issues (0 silenced)", output)
        self.assertNotIn("WARNING", output)

    def test_it_documents_a_secret_key_that_fails_until_replaced(self):
        documented = documented_environment()
        self.assertEqual(documented["DEBUG"], "0")
        self.assertLess(len(documented["SECRET_KEY"]), 50, "a real key must not be committed")


class DeployFilesTests(SimpleTestCase):
    def test_it_serves_static_from_static_root_and_proxies_to_gunicorn_with_the_scheme(self):
        documented = documented_environment()
        nginx = (DEPLOY / "nginx-lampang-tracker.conf").read_text()
        self.assertIn(f"alias {documented['STATIC_ROOT']}/;", nginx)
        self.assertIn(f"server {documented['GUNICORN_BIND']} ", nginx)
        self.assertIn("proxy_set_header X-Forwarded-Proto $scheme;", nginx)
        self.assertEqual(documented["SECURE_PROXY_SSL_HEADER"], "HTTP_X_FORWARDED_PROTO,https")

    def test_it_lets_the_services_write_var_and_nothing_else_of_the_app(self):
        documented = documented_environment()
        for unit in ("lampang-tracker.service", "lampang-tracker-periodic.service"):
            text = (DEPLOY / unit).read_text()
            self.assertIn("ProtectSystem=strict", text)
            writable = re.search(r"^ReadWritePaths=(.*)$", text, re.MULTILINE).group(1).split()
            self.assertIn(documented["VAR_DIR"], writable)
            self.assertIn("EnvironmentFile=/etc/lampang-tracker/env", text)
        periodic = (DEPLOY / "lampang-tracker-periodic.service").read_text()
        self.assertIn("manage.py backup --output", periodic)
        self.assertIn("/var/backups/lampang-tracker", periodic.split("ReadWritePaths=")[1])
        self.assertEqual(documented["BACKUP_DIR"], "/var/backups/lampang-tracker")
        timer = (DEPLOY / "lampang-tracker-periodic.timer").read_text()
        self.assertIn("OnCalendar=*-*-* 02:30:00", timer)
        self.assertIn("Persistent=true", timer)

    def test_it_configures_gunicorn_from_the_environment(self):
        config = BASE_DIR / "gunicorn.conf.py"
        with mock.patch.dict(os.environ, {"GUNICORN_BIND": "127.0.0.1:9123", "WEB_CONCURRENCY": "4"}):
            loaded = runpy.run_path(str(config))
        self.assertEqual((loaded["bind"], loaded["workers"]), (["127.0.0.1:9123"], 4))
        clean = {k: v for k, v in os.environ.items() if k not in ("GUNICORN_BIND", "WEB_CONCURRENCY")}
        with mock.patch.dict(os.environ, clean, clear=True):
            loaded = runpy.run_path(str(config))
        self.assertEqual(loaded["bind"], ["127.0.0.1:8000"])
        self.assertEqual(loaded["workers"], os.cpu_count() * 2 + 1)
        self.assertEqual((loaded["accesslog"], loaded["errorlog"]), ("-", "-"))
        self.assertGreater(loaded["timeout"], 0)
