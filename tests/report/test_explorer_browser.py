"""The explorer in a real browser: JupyterLab headless, Chromium driven through the DevTools protocol.

Starts JupyterLab on a free loopback port with the project kernel over a copy of the explorer
notebook (so nothing is saved into notebooks/), opens it in headless Chromium, runs all cells,
picks another actor and types a KWIC query, and checks what the page renders. Skips when
Chromium is absent. ``MEDIA_ANALYSIS_SCREENSHOT=path.png`` also keeps a screenshot there.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from analysis.paths import NOTEBOOKS

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1000"]
TOKEN = "explorer-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, *, timeout: float, what: str, every: float = 0.25) -> Any:
    """Poll ``check()`` until it returns something truthy; fail naming ``what`` after ``timeout`` s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = check()
        except (OSError, ValueError):
            value = None
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def http_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return json.load(reply)


class DevTools:
    """A minimal Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params: Any) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def js(self, expression: str) -> Any:
        """Evaluate ``expression`` in the page (awaiting a promise) and return its value."""
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


#: Imported by the kernel while Chromium loads JupyterLab (the notebook's cells import them again, at no cost).
WARM_UP = "import ipywidgets, matplotlib.pyplot, analysis.annotate.workspace, analysis.report.explorer_view"


def start_kernel(port: int) -> None:
    """Start the notebook's session (project kernel) before the browser opens it, and have the kernel
    import the explorer's modules meanwhile: JupyterLab joins this session when it opens the notebook,
    and "run all cells" still runs every cell there."""
    import websocket

    body = json.dumps({"path": "explore.ipynb", "name": "explore.ipynb", "type": "notebook",
                       "kernel": {"name": "media-analysis"}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/sessions?token={TOKEN}", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as reply:
        kernel = json.load(reply)["kernel"]["id"]
    channel = websocket.create_connection(f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels?token={TOKEN}",
                                          timeout=30, suppress_origin=True)
    header = {"msg_id": f"warm-up-{kernel}", "username": "test", "session": f"warm-up-{kernel}",
              "msg_type": "execute_request", "version": "5.3", "date": ""}
    channel.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                             "content": {"code": WARM_UP, "silent": True, "store_history": False,
                                         "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}}))
    channel.close()


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on a free loopback port over a copy of notebooks/explore.ipynb, its kernel started; yields its URL."""
    shutil.copy(NOTEBOOKS / "explore.ipynb", tmp_path / "explore.ipynb")
    port = free_port()
    command = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={tmp_path}",
               "--LabApp.expose_app_in_browser=True", "--MultiKernelManager.default_kernel_name=media-analysis",
               "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
               "jupyterlab.NeverCheckForUpdate", "--KernelManager.shutdown_wait_time=1"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ, MEDIA_ANALYSIS_OUTPUT_ROOT=str(tmp_path / "out"), JUPYTER_NO_CONFIG="1")
    log = open(tmp_path / "lab.log", "wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        wait_for(lambda: http_json(f"http://127.0.0.1:{port}/api/status?token={TOKEN}"), timeout=40,
                 what=f"JupyterLab on port {port} (log: {tmp_path / 'lab.log'})")
        start_kernel(port)
        yield f"http://127.0.0.1:{port}/lab/tree/explore.ipynb?token={TOKEN}&reset"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def page(lab, tmp_path):
    """Headless Chromium on the explorer page, as a :class:`DevTools` client."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (set $CHROMIUM to its path to run the browser test)")
    port = free_port()
    profile = tempfile.mkdtemp(prefix="explorer-chromium-")
    browser = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
                                lab], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = None
    try:
        targets = wait_for(lambda: [t for t in http_json(f"http://127.0.0.1:{port}/json/list") if t["type"] == "page"],
                           timeout=20, what="Chromium's DevTools endpoint")
        client = DevTools(targets[0]["webSocketDebuggerUrl"])
        yield client
    finally:
        if client is not None:
            client.close()
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


def text_of(page: DevTools, selector: str) -> str:
    return page.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")


def test_explorer_runs_and_answers_the_widgets(page, tmp_path):
    wait_for(lambda: page.js("!!(window.jupyterapp && jupyterapp.shell.currentWidget"
                             " && jupyterapp.shell.currentWidget.sessionContext"
                             " && jupyterapp.shell.currentWidget.sessionContext.session"
                             " && jupyterapp.shell.currentWidget.sessionContext.session.kernel)"),
             timeout=40, what="the notebook and its kernel")
    page.js("jupyterapp.commands.execute('notebook:run-all-cells')")
    before = wait_for(lambda: text_of(page, ".explorer-panes table"), timeout=60, what="the explorer's panes")
    assert "united_states" in before and "putin" not in before
    assert "Type a word or phrase" in text_of(page, ".explorer-kwic")

    # the actor picker: Vladimir Putin alone
    page.js("""(() => { const select = document.querySelector('.explorer-actors select');
        for (const option of select.options) option.selected = option.value.startsWith('Vladimir Putin');  // text has no-break spaces
        select.dispatchEvent(new Event('change', {bubbles: true})); })()""")
    after = wait_for(lambda: (t := text_of(page, ".explorer-panes table")) != before and t, timeout=30,
                     what="the panes to follow the actor picker")
    assert "putin" in after and "united_states" not in after

    # a KWIC query: the first line holds it, with outlet and date
    page.js("""(() => { const input = document.querySelector('.explorer-query input');
        input.value = 'troops'; input.dispatchEvent(new Event('input', {bubbles: true}));
        input.dispatchEvent(new Event('change', {bubbles: true})); })()""")
    first = wait_for(lambda: text_of(page, ".explorer-kwic .kwic-line summary"), timeout=30,
                     what="KWIC lines for 'troops'")
    assert "troops" in first.lower() and "ABC News" in first and "2022-02-02" in first
    page.js("document.querySelector('.explorer-kwic .kwic-line').open = true")
    assert "Sentence tone" in text_of(page, ".explorer-kwic .kwic-line")

    page.js("""(async () => { await jupyterapp.commands.execute('notebook:hide-all-cell-code');
        if (!jupyterapp.shell.leftCollapsed) await jupyterapp.commands.execute('application:toggle-left-area');
        document.querySelector('.explorer-actors').scrollIntoView({block: 'start'}); })()""")
    time.sleep(1)
    shot = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
    assert shot.startswith(b"\x89PNG")
    target = os.environ.get("MEDIA_ANALYSIS_SCREENSHOT")
    (Path(target) if target else tmp_path / "explorer.png").write_bytes(shot)
