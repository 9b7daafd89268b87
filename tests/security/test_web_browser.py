"""Another site's page, in the signed-in person's own browser, can neither read the web app nor
act in it (docs/security.md, "Sign-in").

The attacker's page is served from another port of 127.0.0.1: the same site, another origin,
exactly like a sibling subdomain of a deployed host. Chromium sends the person's cookie with
its requests (SameSite=Lax allows it within a site), so only the server's own checks stand
between that page and her conversations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.security.served import PASSWORDS
from tests.servers import free_port
from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS
from ui.common import private_cache

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser)"),
]

MARKER = "PLANTED-BY-ANOTHER-SITE-51c2"
ATTACK = """<!doctype html><title>A sibling site</title><script>
window.results = {};
(async () => {
  try {
    const reply = await fetch("APP/ui/config", {credentials: "include"});
    window.results.read = "read: " + (await reply.text()).slice(0, 200);
  } catch (error) { window.results.read = "blocked: " + error; }
  const form = new FormData();
  form.append("files", new Blob(["# Planted\\n\\nMARKER\\n"]), "planted.md");
  try {
    await fetch("APP/ui/gradio_api/upload",
                {method: "POST", body: form, credentials: "include", mode: "no-cors"});
    window.results.write = "sent";
  } catch (error) { window.results.write = "blocked: " + error; }
})();
</script>"""


@pytest.fixture
def attacker(served) -> Iterator[str]:
    """The attacker's page on its own port; its URL."""
    page = ATTACK.replace("APP", served.url).replace("MARKER", MARKER).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_another_sites_page_can_neither_read_nor_act_as_the_signed_in_person(served, attacker):
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{served.url}/ui/login")
        page.get_by_label("User name").fill("ann")
        page.get_by_label("Password").fill(PASSWORDS["ann"])
        page.get_by_role("button", name="Sign in").click()
        playwright_api.expect(page.get_by_label("Your question")).to_be_visible(timeout=30_000)

        page.goto(attacker)
        page.wait_for_function("window.results && window.results.write", timeout=30_000)
        results = page.evaluate("window.results")
        browser.close()
    assert results["read"].startswith("blocked"), results
    planted = [
        p for p in private_cache().rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()
    ]
    assert planted == [], "the other site's upload reached the server as ann"
