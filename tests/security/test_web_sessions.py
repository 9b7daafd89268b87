"""Signing in to the web app of `coach serve`: the cookie, other origins, signing out, ended
accounts, guessed passwords and a person's request rate (docs/security.md, "Sign-in").

Each test attacks the real server over HTTP (uvicorn in a thread of the test process)."""

from __future__ import annotations

import threading

import httpx
import pytest

from assistant.accounts import Accounts
from tests.security.served import PASSWORDS, WebClient

pytestmark = pytest.mark.integration

EVIL = "https://evil.example.org"
DEPLOYED = "coach.example.org"


def cookie_of(reply: httpx.Response) -> str:
    return reply.headers["set-cookie"]


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(served):
    plain = WebClient(served.url).sign_in("ann", PASSWORDS["ann"])
    assert plain.status_code == 303
    flags = cookie_of(plain).lower()
    assert "httponly" in flags and "samesite=lax" in flags and "secure" not in flags
    # Behind the README's TLS proxy, which says the request came over HTTPS.
    proxied = WebClient(served.url, {"X-Forwarded-Proto": "https"}).sign_in("ann", "ann-password")
    flags = cookie_of(proxied).lower()
    assert "httponly" in flags and "samesite=lax" in flags and "secure" in flags


@pytest.mark.parametrize("path", ["/ui/config", "/ui/gradio_api/info", "/v1/models"])
def test_no_other_origin_gets_credentialed_access(served, path):
    web = served.web("ann")
    headers = {"Origin": EVIL, "Host": DEPLOYED}
    read = web.http.get(path, headers=headers)
    assert "access-control-allow-origin" not in read.headers
    assert "access-control-allow-credentials" not in read.headers
    preflight = web.http.options(path, headers={**headers, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-credentials" not in preflight.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Sec-Fetch-Site": "same-site", "Origin": f"https://other.{DEPLOYED}"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_write_from_another_site_is_refused(served, headers):
    web = served.web("ann")
    refused = web.join("on_load", [], **headers)
    assert refused.status_code == 403, refused.text
    allowed = web.join("on_load", [], **{"Sec-Fetch-Site": "same-origin"})
    assert allowed.status_code == 200, allowed.text
    forged = httpx.post(
        f"{served.url}/ui/login",
        data={"username": "ann", "password": PASSWORDS["ann"]},
        headers={"Origin": EVIL},
    )
    assert forged.status_code == 403 and "set-cookie" not in forged.headers


def test_signing_out_takes_a_post_and_ends_the_session(served):
    web = served.web("ann")
    assert web.http.get("/ui/logout").status_code == 200  # a page with the button, no more
    assert web.http.get("/ui/config").status_code == 200
    stolen = dict(web.http.cookies)
    assert web.http.post("/ui/logout").status_code == 303
    assert httpx.get(f"{served.url}/ui/config", cookies=stolen).status_code == 401
    assert web.http.get("/ui/", follow_redirects=False).headers["location"] == "/ui/login"


@pytest.mark.parametrize("ending", ["reset-password", "remove"])
def test_an_account_change_ends_its_web_sessions(served, ending):
    name = f"temp-{ending}"
    served.coach.accounts.add(name, "mentee", "temp-password")
    web = WebClient(served.url)
    assert web.sign_in(name, "temp-password").status_code == 303
    web.config()  # what the page has loaded before the change
    if ending == "remove":
        served.coach.accounts.remove(name)
    else:
        served.coach.accounts.reset_password(name, "another-password")
    reply = web.join("on_load", [])
    assert reply.status_code == 401
    assert "select" not in reply.text.lower()  # no SQL statement, whatever happens
    assert web.http.get("/ui/config").status_code == 401


def test_wrong_passwords_are_limited_before_any_hashing(served_with, monkeypatch):
    served = served_with(signin_limit="3/minute")
    checks: list[str] = []
    real = Accounts.authenticate

    def counted(self, name, password):
        checks.append(threading.current_thread().name)
        return real(self, name, password)

    monkeypatch.setattr(Accounts, "authenticate", counted)
    web = WebClient(served.url)
    for _ in range(3):
        assert web.sign_in("ann", "not-her-password").status_code == 401
    refused = web.sign_in("ann", "not-her-password")
    assert refused.status_code == 429 and "Retry" in refused.text
    assert web.sign_in("ann", PASSWORDS["ann"]).status_code == 429  # this address: wait
    assert len(checks) == 3  # the refused tries cost no Argon2 hash
    # Every check ran beside the event loop, in the one sign-in thread.
    assert {name.rsplit("_", 1)[0] for name in checks} == {"sign-in"}


def test_each_persons_requests_are_rate_limited_in_the_web_app(served_with):
    served = served_with(rate_limit="6/minute")
    ann = served.web("ann")
    statuses = [ann.join("on_load", []).status_code for _ in range(8)]
    assert statuses[:6] == [200] * 6 and statuses[6:] == [429, 429], statuses
    amy = served.web("amy")  # another person is not slowed by ann
    assert amy.join("on_load", []).status_code == 200


@pytest.mark.parametrize("path", ["/ui/login", "/ui/", "/v1/models", "/health"])
def test_no_page_can_be_framed_by_another_site(served, path):
    reply = served.web("ann").http.get(path)
    assert reply.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
