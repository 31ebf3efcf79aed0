"""`cs report` in a real browser: headless Chromium renders report.html, takes a screenshot,
and through the DevTools protocol (over --remote-debugging-pipe, no extra package) checks that
every chart's SVG has a non-empty bounding box, that no console error was logged and that the
page made no network request (its Content-Security-Policy forbids fetches)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

CHARTS = [
    "band-mix",
    "band-history",
    "nps-quarter",
    "nps-segment",
    "renewals",
    "survival",
    "cohorts",
    "compliance",
    "ctas",
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    """The Chromium binary; scripts/test.sh installs Debian's package when it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (scripts/test.sh installs it)")
        pytest.skip("chromium is not installed (scripts/test.sh installs it)")
    return found


class DevTools:
    """A minimal DevTools protocol client over Chromium's --remote-debugging-pipe (fd 3 in,
    fd 4 out, NUL-terminated JSON messages)."""

    def __init__(self, browser: str, profile: str) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:
            # Through fresh copies, so that a pipe already on fd 3 or 4 is neither clobbered
            # nor left close-on-exec.
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.proc = subprocess.Popen(
            [browser, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # The pipes go to fds 3 and 4 in the child, after which nothing may close them.
            close_fds=False,
            preexec_fn=wire,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Sends a command and returns its result; events read meanwhile are kept."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 30
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        """The first event named `method` (already read or still to come)."""
        for e in self.events:
            if e.get("method") == method:
                return e
        deadline = time.monotonic() + timeout
        while True:
            e = self._read(deadline)
            self.events.append(e)
            if e.get("method") == method:
                return e

    def close(self) -> None:
        """Closes the browser."""
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture(scope="module")
def report_html(cs_binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of the Omnico sample, written by `cs report` from a scratch directory."""
    out = tmp_path_factory.mktemp("report")
    done = subprocess.run(
        [str(cs_binary), "report", "-o", "report.html"], cwd=out, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote report.html" in done.stdout
    return out / "report.html"


def test_the_report_renders_in_chromium_without_errors_or_requests(report_html: Path) -> None:
    """Screenshot, chart boxes, console and network of the page in headless Chromium."""
    browser = chromium()
    with tempfile.TemporaryDirectory() as profile:
        shot = report_html.with_name("report.png")
        subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}/shot",
                "--window-size=1200,3000",
                f"--screenshot={shot}",
                report_html.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
        assert shot.stat().st_size > 10_000, "the screenshot is empty"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        tools = DevTools(browser, f"{profile}/cdp")
        try:
            targets = tools.call("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            session = tools.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)[
                "sessionId"
            ]
            for domain in ("Page", "Runtime", "Log", "Network"):
                tools.call(f"{domain}.enable", session)
            tools.events.clear()
            tools.call("Page.navigate", session, url=report_html.as_uri())
            tools.wait_for("Page.loadEventFired")
            boxes = tools.call(
                "Runtime.evaluate",
                session,
                returnByValue=True,
                expression="""JSON.stringify([...document.querySelectorAll('figure.chart')].map(f => {
                    const svg = f.querySelector('svg');
                    const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                    const shapes = svg ? svg.querySelectorAll('rect,path,polyline,polygon,circle,line') : [];
                    return {chart: f.dataset.chart, width: r.width, height: r.height, shapes: shapes.length};
                }))""",
            )["result"]["value"]
            png = tools.call("Page.captureScreenshot", session, format="png", captureBeyondViewport=True)
            events = list(tools.events)
        finally:
            tools.close()

    charts = json.loads(boxes)
    assert [c["chart"] for c in charts] == CHARTS
    for c in charts:
        assert c["width"] > 100 and c["height"] > 50, c
        assert c["shapes"] > 3, c
    assert len(png["data"]) > 10_000

    errors = [
        e
        for e in events
        if (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
        or e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == []
    requests = [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
        and e["params"]["request"]["url"] != report_html.as_uri()
    ]
    assert requests == [], "the page fetched something"
