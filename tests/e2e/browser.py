"""Headless Chromium against Django's live test server, and what the journeys share.

Debian's Chromium and chromedriver are used as installed (``make test`` installs the
``chromium`` and ``chromium-driver`` packages as root): both paths are given to
Selenium, so Selenium Manager never looks for, let alone downloads, a browser.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
import logging
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from agencies.models import Agency, AgencyGroup, Profile
from directives.models import today
from meetings.models import MeetingSeries
from tests.base import FAST_HASHER, make_user

# Selenium Manager would otherwise be asked about drivers; with both paths given it is
# not consulted, and offline mode makes sure it could never reach the network.
os.environ.setdefault("SE_OFFLINE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # root in CI containers
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--lang=th-TH",
    "--window-size=1280,900",
)
E2E_DIR = Path(__file__).resolve().parent
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = E2E_DIR / "screenshots"
PHONE = {"width": 390, "height": 844}
WAIT = 20  # seconds; generous for a loaded 2-core machine, never slept
PASSWORD = "pw"  # what tests.base.make_user gives everyone


def flat(text: str) -> str:
    """Text as read aloud: the line breaks a layout puts in become single spaces."""
    return " ".join(text.split())


def thai_date_input(day: datetime.date) -> str:
    """A date as a Thai user types it: 29/11/2560."""
    return f"{day.day}/{day.month}/{day.year + 543}"


def start_chromium() -> webdriver.Chrome:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        raise RuntimeError(
            f"Browser tests need {' and '.join(missing)}: install the Debian packages chromium and "
            "chromium-driver (`make test` does it when run as root)."
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    # The console, so a test can see what the Content-Security-Policy refused.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    driver.set_page_load_timeout(60)
    return driver


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class BrowserTestCase(StaticLiveServerTestCase):
    """One Chromium per class; fresh data per test (the live server needs committed
    rows, so this is a TransactionTestCase and the database is emptied after each test).

    Subclasses set ``journey``: the folder their screenshots go to.
    """

    journey = "journey"

    @classmethod
    def setUpClass(cls):
        # 404 pages are part of what these journeys check; keep their log lines out.
        request_logger = logging.getLogger("django.request")
        cls.addClassCleanup(request_logger.setLevel, request_logger.level)
        request_logger.setLevel(logging.ERROR)
        super().setUpClass()
        cls.driver = start_chromium()
        cls.addClassCleanup(cls.driver.quit)
        cls.shots = SCREENSHOTS / cls.journey
        shutil.rmtree(cls.shots, ignore_errors=True)
        cls.shots.mkdir(parents=True)
        cls.shot_number = 0

    def setUp(self):
        super().setUp()
        # Whatever the browser shows when a test ends, passed or failed: the first
        # thing to look at when one fails.
        self.addCleanup(self.screenshot, f"last-page-{self._testMethodName}")
        self.driver.get_log("browser")  # forget what an earlier test left in the console
        self.addCleanup(self.assertNothingRefusedByPolicy)

    # -- the cast ------------------------------------------------------------

    def make_cast(self) -> None:
        """Real-looking agencies (two offices, two districts in the group ทุกอำเภอ),
        the monthly meeting series and one user per role."""
        self.culture = Agency.objects.create(name="สำนักงานวัฒนธรรมจังหวัดลำปาง", short_name="วธ.ลป.", print_order=1)
        self.education = Agency.objects.create(name="สำนักงานศึกษาธิการจังหวัดลำปาง", short_name="ศธจ.ลป.", print_order=2)
        self.koh_kha = Agency.objects.create(name="อำเภอเกาะคา", kind=Agency.Kind.DISTRICT, print_order=50)
        self.ngao = Agency.objects.create(name="อำเภองาว", kind=Agency.Kind.DISTRICT, print_order=51)
        self.districts = AgencyGroup.objects.create(name="ทุกอำเภอ")
        self.districts.members.add(self.koh_kha, self.ngao)
        self.series = MeetingSeries.objects.create(
            name="การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง",
            summary_title="สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการ",
            office_line="กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง โทร. ๐๕๔-๒๖๕๐๑๔",
        )
        self.secretariat = make_user("secretariat", Profile.Role.SECRETARIAT)
        self.culture_user = make_user("culture", Profile.Role.AGENCY, self.culture)
        self.education_user = make_user("education", Profile.Role.AGENCY, self.education)
        self.executive = make_user("executive", Profile.Role.EXECUTIVE)

    def due_in(self, days: int) -> datetime.date:
        return today() + datetime.timedelta(days=days)

    # -- moving around -------------------------------------------------------

    def visit(self, path: str) -> None:
        self.driver.get(self.live_server_url + path)

    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.live_server_url)

    def find(self, css: str, within: WebElement | None = None) -> WebElement:
        return (within or self.driver).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str, within: WebElement | None = None) -> list[WebElement]:
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def find_text(self, tag: str, text: str, within: WebElement | None = None) -> WebElement:
        """The first ``tag`` whose text contains ``text`` (a link, a button, a label…),
        shown or not: clicking a hidden one fails, as it would for a person."""
        for element in self.find_all(tag, within):
            if text in element.get_attribute("textContent"):
                return element
        self.fail(f"no <{tag}> containing {text!r} on {self.path()}")

    def click(self, element: WebElement) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def follow(self, element: WebElement) -> None:
        """Click something that loads a new page, and wait until it has."""
        self.driver.execute_script("window.e2eOldPage = true")
        self.click(element)
        # A new document has no mark. Asking while the browser is between pages may
        # itself fail; ask again until the new page has loaded.
        WebDriverWait(self.driver, WAIT, ignored_exceptions=(WebDriverException,)).until(
            lambda driver: driver.execute_script("return !window.e2eOldPage && document.readyState === 'complete'")
        )

    def type_into(self, name: str, text: str) -> None:
        field = self.find(f"[name='{name}']")
        field.clear()
        field.send_keys(text)

    def choose(self, name: str, label: str) -> None:
        Select(self.find(f"select[name='{name}']")).select_by_visible_text(label)

    def tick(self, label: str) -> None:
        """Tick the checkbox or radio button whose label reads ``label``."""
        self.click(self.find_text("label", label))

    def login(self, username: str) -> None:
        self.driver.delete_all_cookies()
        self.visit("/accounts/login/")
        self.type_into("username", username)
        self.type_into("password", PASSWORD)
        self.follow(self.find_text("button", "เข้าสู่ระบบ"))
        self.assertNotEqual(self.heading(), "เข้าสู่ระบบ", f"{username} could not log in")

    def heading(self) -> str:
        return self.find("h1").text

    def page_text(self) -> str:
        return self.find("body").text

    def messages(self) -> list[str]:
        return [m.text for m in self.find_all(".messages .message")]

    @contextlib.contextmanager
    def phone(self):
        """A 390×844 phone screen with touch-style (mobile) layout, for the block."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {**PHONE, "deviceScaleFactor": 2, "mobile": True}
        )
        try:
            yield
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def fetch(self, path: str) -> tuple[int, str, bytes]:
        """GET ``path`` with the browser's session cookie: status, content type, body."""
        cookie = self.driver.get_cookie(settings.SESSION_COOKIE_NAME)
        self.assertIsNotNone(cookie, "the browser holds no session cookie")
        request = urllib.request.Request(
            self.live_server_url + path, headers={"Cookie": f"{cookie['name']}={cookie['value']}"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
        try:
            with opener.open(request, timeout=120) as response:
                return response.status, response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get_content_type(), error.read()

    # -- evidence ------------------------------------------------------------

    def screenshot(self, name: str) -> Path:
        """The whole page (not only the window) as a PNG under tests/e2e/screenshots/."""
        cls = type(self)
        cls.shot_number += 1
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1}
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path = self.shots / f"{cls.shot_number:02d}-{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def assertNothingRefusedByPolicy(self) -> None:
        """No page of the test had a script, style or form the Content-Security-Policy
        refused (Chromium reports each refusal on the console)."""
        refused = [e["message"] for e in self.driver.get_log("browser") if "Content Security Policy" in e["message"]]
        self.assertEqual(refused, [], "the Content-Security-Policy refused something")

    def assertAccessible(self, page: str) -> None:
        """axe-core finds no serious or critical problem on the current page.

        Every rule axe runs by default is on; the full result (minor and moderate
        findings too) is written next to the screenshots for a person to read.
        """
        if not AXE_JS.exists():
            self.fail(f"{AXE_JS} is missing: run `make install` (npm ci --prefix tests/e2e)")
        self.driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ["violations"]})
              .then((r) => done(r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ")),
              }))))
              .catch((e) => done({error: String(e)}));
            """
        )
        if isinstance(result, dict):
            self.fail(f"axe-core failed on {page}: {result['error']}")
        (self.shots / f"axe-{page}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        self.assertEqual(
            serious,
            [],
            f"axe-core on {page} ({self.path()}):\n"
            + "\n".join(f"  [{v['impact']}] {v['id']}: {v['help']} — {v['nodes'][:5]}" for v in serious),
        )
