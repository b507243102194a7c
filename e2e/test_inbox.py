"""The approvers' web inbox in a real browser: headless Chromium (Selenium) signs in through a real OpenID provider
process (oidc-provider-mock), approves a held payment that then runs exactly once, denies another whose reason
reaches the agent, and is refused for a cross-site form, a stale CSRF token, a missing approver role and an agent's
bearer token. Screenshots of the pages are kept as artifacts (pytest's tmp dir and e2e/artifacts/)."""

import http.server
import json
import os
import re
import shutil
import threading

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PY, ROOT, SECRET_ENV, Process, client_credentials_token, eventually, free_port, start_cell
from test_security_review import Agent

ARTIFACTS = ROOT / "e2e" / "artifacts"
USERS = [
    {"sub": "alice", "email": "alice@acme.example", "name": "Alice Approver", "roles": ["approver"]},
    {"sub": "bob", "email": "bob@acme.example", "name": "Bob Viewer", "roles": ["viewer"]},
]
INBOX = """
inbox:
  bind: 127.0.0.1:{port}
  allow: [127.0.0.1/32]
  public_url: http://127.0.0.1:{port}
  oidc:
    issuer: {issuer}
    client_id: warden-inbox
    client_secret: secret://inbox-client-secret
    allow_loopback_http: true
"""


@pytest.fixture(scope="module")
def oidc():
    """A real OpenID provider: its authorize page lets the tester pick a user, whose claims (roles) it signs."""
    port = free_port()
    argv = [PY, "-m", "oidc_provider_mock", "--port", str(port)]
    for user in USERS:
        argv += ["--user-claims", json.dumps(user)]
    proc = Process("oidc", argv, ready="Uvicorn running")
    proc.issuer = f"http://127.0.0.1:{port}"
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def inbox_cell(idp, http_upstream, oidc, tmp_path_factory):
    """A cell whose policy lets every agent ask to spend (a spend is still held for a person), with an inbox."""
    SECRET_ENV.update({"WARDEN_SECRET_INBOX_CLIENT_SECRET": "inbox-client-secret-for-tests"})  # pragma: allowlist secret
    port = free_port()
    cell = start_cell(
        tmp_path_factory.mktemp("inbox"), idp, http_upstream, policy="permit (principal, action, resource);",
        extra=INBOX.format(port=port, issuer=oidc.issuer))
    assert eventually(lambda: "inbox listener" in cell.process.output()), cell.process.output()[-3000:]
    cell.inbox = f"http://127.0.0.1:{port}"
    yield cell
    cell.process.stop()


@pytest.fixture(scope="module")
def agent(idp, inbox_cell):
    return Agent(inbox_cell, client_credentials_token(idp, "clerk-agent", "clerk-pass", inbox_cell.mcp_url))


@pytest.fixture
def browser():
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def screenshot(driver, tmp_path, name):
    """Saves the page under pytest's tmp dir and copies it to e2e/artifacts/ (kept out of git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    shutil.copy(path, ARTIFACTS / path.name)
    return path


def wait_for_text(driver, text, seconds=15):
    WebDriverWait(driver, seconds).until(lambda d: text in d.page_source)


def sign_in(driver, cell, subject):
    """The whole sign-in: the inbox's button, the provider's authorize page (pick the user), back to the inbox."""
    driver.get(cell.inbox + "/")
    driver.find_element(By.LINK_TEXT, "Sign in with your organisation").click()
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'button[name="sub"][value="{subject}"]'))
    driver.find_element(By.CSS_SELECTOR, f'button[name="sub"][value="{subject}"]').click()
    WebDriverWait(driver, 15).until(
        lambda d: d.current_url.startswith(cell.inbox) and ("Sign out" in d.page_source or "rule" in d.page_source))


def hold(agent, amount, invoice="INV-1002"):
    payment = {"invoice_id": invoice, "amount": amount, "iban": "DE89370400440532013000"}
    held = agent.call("billing.pay_invoice", payment)["result"]
    refusal = held["_meta"]["warden/refusal"]
    # Held for a person: by the spend rule, or by containment once an earlier payment's (untrusted) result echoed
    # these values into the agent's runs; either way an approval request the inbox shows.
    assert held["isError"] and held["_meta"].get("warden/held"), held
    assert refusal["rule"] in ("approval.required", "containment.untrusted-argument"), held
    return payment, re.search(r"apr-[0-9a-f]+", refusal["message"]).group(0)


def ledger(cell):
    return [json.loads(line) for line in cell.cli("ledger", "entries", "--count", "1000000").stdout.splitlines()]


def state_of(cell, approval):
    shown = cell.cli("approvals", "show", approval).stdout
    return shown.split()[1]


def decide_in_browser(driver, cell, approval, button, reason):
    driver.get(f"{cell.inbox}/requests/{approval}")
    driver.find_element(By.ID, "reason").send_keys(reason)
    driver.find_element(By.CSS_SELECTOR, f"button.{button}").click()


def test_an_approver_approves_a_held_payment_which_then_runs_exactly_once(inbox_cell, agent, browser, tmp_path):
    payment, approval = hold(agent, "12400.00")
    sign_in(browser, inbox_cell, "alice")
    wait_for_text(browser, approval)
    page = browser.page_source
    assert "pay 12,400.00 to DE89 3704 0044 0532 0130 00 for invoice INV-1002" in page, page
    assert "Alice Approver" in page and "clerk-agent" in page
    screenshot(browser, tmp_path, "inbox-pending")

    browser.find_element(By.LINK_TEXT, f"Review {approval}").click()
    wait_for_text(browser, "Every argument")
    assert "&quot;DE89370400440532013000&quot;" in browser.page_source or '"DE89370400440532013000"' in browser.page_source
    browser.find_element(By.ID, "reason").send_keys("Invoice INV-1002 checked against the purchase order")
    screenshot(browser, tmp_path, "inbox-detail")
    browser.find_element(By.CSS_SELECTOR, "button.approve").click()
    wait_for_text(browser, "approved by")
    assert state_of(inbox_cell, approval) == "approved"

    paid = agent.call("billing.pay_invoice", payment)["result"]
    assert not paid.get("isError"), paid
    again = agent.call("billing.pay_invoice", payment)["result"]
    assert again["isError"] and again["_meta"].get("warden/held"), again
    assert approval not in again["_meta"]["warden/refusal"]["message"]

    def executed():
        entries = ledger(inbox_cell)
        runs = [e for e in entries if e["kind"] == "tool.executed" and f"approval.used:{approval}" in e.get("reasons", [])]
        decided = [e for e in entries if e["kind"] == "approval.decided" and e.get("approval") == approval]
        return (runs, decided) if runs and decided else None

    runs, decided = eventually(executed)
    assert len(runs) == 1, runs
    assert decided[0]["approver"] == "alice" and decided[0]["decision"] == "approved"

    # The run's page shows its state and its own ledger entries (verified): the executed payment among them.
    def run_page():
        browser.get(inbox_cell.inbox + "/runs")
        links = browser.find_elements(By.LINK_TEXT, agent.session)
        if not links:
            return None
        links[0].click()
        return f"approval.used:{approval}" in browser.page_source and browser.page_source

    page = eventually(run_page, seconds=15)
    assert page and "Ledger entries" in page and "tool.executed" in page, page
    screenshot(browser, tmp_path, "inbox-run")


def test_a_denial_reaches_the_agent_with_the_approvers_reason(inbox_cell, agent, browser):
    payment, approval = hold(agent, "980.00", invoice="INV-1003")
    sign_in(browser, inbox_cell, "alice")
    decide_in_browser(browser, inbox_cell, approval, "deny", "Not a supplier we know")
    wait_for_text(browser, "denied by")
    denied = agent.call("billing.pay_invoice", payment)["result"]
    refusal = denied["_meta"]["warden/refusal"]
    assert denied["isError"] and refusal["rule"] == "approval.denied", denied
    assert "Not a supplier we know" in json.dumps(denied)


class _Attacker(http.server.BaseHTTPRequestHandler):
    """A page on another origin with a form aimed at the inbox (what a phishing page would hold)."""

    target = ""

    def do_GET(self):
        body = (
            f'<html><body><form method="post" action="{self.target}">'
            '<input type="hidden" name="decision" value="approve"><input type="hidden" name="csrf" value="guess">'
            '<button type="submit" id="go">Claim your prize</button></form></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_cross_site_form_post_is_refused(inbox_cell, agent, browser, tmp_path):
    _, approval = hold(agent, "77.00", invoice="INV-1004")
    sign_in(browser, inbox_cell, "alice")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Attacker)
    _Attacker.target = f"{inbox_cell.inbox}/requests/{approval}/decide"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser.get(f"http://localhost:{server.server_port}/")
        browser.find_element(By.ID, "go").click()
        wait_for_text(browser, "inbox.origin-mismatch")
        screenshot(browser, tmp_path, "inbox-refused-cross-site")
    finally:
        server.shutdown()
    # The same without a browser: a foreign Origin is refused before anything else is looked at.
    direct = httpx.post(f"{inbox_cell.inbox}/requests/{approval}/decide", data={"decision": "approve"},
                        headers={"Origin": "https://evil.example"}, timeout=10)
    assert direct.status_code == 403 and "inbox.origin-mismatch" in direct.text
    assert state_of(inbox_cell, approval) == "pending"


def test_a_stale_csrf_token_from_another_tab_is_refused(inbox_cell, agent, browser):
    _, approval = hold(agent, "55.00", invoice="INV-1005")
    sign_in(browser, inbox_cell, "alice")
    browser.get(f"{inbox_cell.inbox}/requests/{approval}")
    first_tab = browser.current_window_handle
    # A second tab signs out and in again: a new session, a new CSRF token.
    browser.switch_to.new_window("tab")
    browser.get(inbox_cell.inbox + "/")
    browser.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for_text(browser, "Sign in with your organisation")
    sign_in(browser, inbox_cell, "alice")
    browser.switch_to.window(first_tab)
    browser.find_element(By.CSS_SELECTOR, "button.approve").click()
    wait_for_text(browser, "inbox.csrf-invalid")
    assert state_of(inbox_cell, approval) == "pending"


def test_a_person_without_the_approver_role_is_refused(inbox_cell, browser, tmp_path):
    sign_in(browser, inbox_cell, "bob")
    wait_for_text(browser, "inbox.role-required")
    assert "Sign out" not in browser.page_source
    screenshot(browser, tmp_path, "inbox-refused-role")
    browser.get(inbox_cell.inbox + "/")
    assert "Sign in with your organisation" in browser.page_source


def test_an_agents_bearer_token_cannot_open_the_inbox(inbox_cell, agent):
    _, approval = hold(agent, "33.00", invoice="INV-1006")
    bearer = {"Authorization": f"Bearer {agent.token}"}
    for path in ("/", f"/requests/{approval}", "/runs"):
        r = httpx.get(inbox_cell.inbox + path, headers=bearer, timeout=10)
        assert r.status_code == 401 and "inbox.bearer-refused" in r.text, (path, r.status_code)
        assert "default-src 'none'" in r.headers["content-security-policy"]
    posted = httpx.post(f"{inbox_cell.inbox}/requests/{approval}/decide", data={"decision": "approve"},
                        headers={**bearer, "Origin": inbox_cell.inbox}, timeout=10)
    assert posted.status_code == 401
    assert state_of(inbox_cell, approval) == "pending"


def test_the_admin_api_lists_and_decides_through_the_same_service(inbox_cell, agent, idp):
    _, approval = hold(agent, "12.00", invoice="INV-1007")
    admin = f"http://127.0.0.1:{inbox_cell.admin_port}"
    clerk = {"Authorization": f"Bearer {agent.token}"}
    assert httpx.get(f"{admin}/approvals", headers=clerk, timeout=10).status_code == 403
    auditor = client_credentials_token(idp, "auditor-agent", "auditor-pass", inbox_cell.mcp_url)
    assert httpx.get(f"{admin}/approvals", headers={"Authorization": f"Bearer {auditor}"}, timeout=10).status_code == 403
    # The CLI decides; the inbox shows the same state (one store, one service).
    inbox_cell.cli("approvals", "deny", approval, "--approver", "carol", "--reason", "duplicate")
    assert state_of(inbox_cell, approval) == "denied"
