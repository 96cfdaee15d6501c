#!/usr/bin/env python3
"""aws-azure-login's browser flow against mock-entra, with only the base URL changed.

Reproduces, from entra-signin-protocol.md §4 (what aws-azure-login/aws-azure-login src/login.ts does, restated; no
code of it), its logic: the AuthnRequest it builds (raw DEFLATE, base64, URL-encoded) sent to /{tenant}/saml2, a
headless Chromium, the loop over its page states in its order with its selectors (username, password, the code,
"Stay signed in?", the service exception), and the interception of the browser's POST to
https://signin.aws.amazon.com/saml, the app's default Reply URL: Chromium resolves that host to a local HTTPS
listener here, which keeps the body and answers 200 with an empty text/plain body, as aws-azure-login answers it.
Then the SAMLResponse is read as aws-azure-login reads it and checked by `saml verify --aws` against mock-entra's
metadata. Signs Test-AWSAdmin in (MFA required by the tenant's Conditional Access policy for the AWS app).

    python3 Tests/browser/aws_azure_login_flow.py [BUILD_DIR] [ARTIFACTS_DIR]   (defaults .build/debug, .build/artifacts/aws-azure-login)
"""
import base64
import datetime
import hashlib
import hmac
import http.server
import json
import os
import re
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BUILD = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
ARTIFACTS = sys.argv[2] if len(sys.argv) > 2 else ".build/artifacts/aws-azure-login"
TENANT = "aaaabbbb-0000-cccc-1111-dddd2222eeee"
APP_ID_URI = "https://signin.aws.amazon.com/saml"
ACS = "https://signin.aws.amazon.com/saml"
USER, PASSWORD, SECRET = "test-awsadmin@contoso.com", "Adm1n-Passw0rd!", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REMEMBER_ME = False


def totp(secret):
    """RFC 6238, as the authenticator app on the user's phone computes it."""
    counter = int(time.time() // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def login_url(base):
    """The AuthnRequest as aws-azure-login builds it (§4.1): default namespace the metadata one, ID "id" + a UUID,
    IssueInstant with milliseconds, IsPassive false, the ACS, the Issuer in the assertion namespace, an emailAddress
    NameIDPolicy; whitespace around it kept; raw DEFLATE, base64, encodeURIComponent."""
    instant = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (time.time_ns() // 1_000_000 % 1000)
    xml = f"""
        <samlp:AuthnRequest xmlns="urn:oasis:names:tc:SAML:2.0:metadata" ID="id{uuid.uuid4()}" Version="2.0" IssueInstant="{instant}" IsPassive="false" AssertionConsumerServiceURL="{ACS}" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">
            <Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">{APP_ID_URI}</Issuer>
            <samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"></samlp:NameIDPolicy>
        </samlp:AuthnRequest>
        """
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflater.compress(xml.encode()) + deflater.flush()
    return f"{base}/{TENANT}/saml2?SAMLRequest=" + urllib.parse.quote(base64.b64encode(raw).decode(), safe="-_.!~*'()")


class Capture:
    """The intercepted POST to the ACS: its body, once."""

    def __init__(self):
        self.body = None
        self.event = threading.Event()


def acs_listener(capture, directory):
    """A local HTTPS listener standing in for https://signin.aws.amazon.com/saml (a throwaway self-signed certificate;
    Chromium is told to accept it and to resolve the host here)."""
    key, cert = os.path.join(directory, "acs.key"), os.path.join(directory, "acs.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=signin.aws.amazon.com"], check=True, capture_output=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(length, 1 << 20)).decode()
            if self.path == "/saml" and capture.body is None:
                capture.body = body
                capture.event.set()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="aws-azure-login-")
    entra = subprocess.Popen([f"{BUILD}/mock-entra", "--keys-dir", os.path.join(work, "keys")], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    base = None
    for line in entra.stdout:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            base = found.group(1)
            break
    assert base, "mock-entra did not start"
    capture = Capture()
    acs = acs_listener(capture, work)

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=410,515",
                     f"--host-resolver-rules=MAP signin.aws.amazon.com 127.0.0.1:{acs.server_address[1]}", "--ignore-certificate-errors",
                     "--lang=en"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    step = 0

    def shot(name):
        nonlocal step
        step += 1
        driver.save_screenshot(os.path.join(ARTIFACTS, f"{step:02d}-{name}.png"))

    def first(selector):
        """page.$(selector): the first match, visible or not."""
        found = driver.find_elements(By.CSS_SELECTOR, selector)
        return found[0] if found else None

    def wait_visible(selector, timeout=60):
        WebDriverWait(driver, timeout).until(lambda d: (e := first(selector)) is not None and e.is_displayed())
        return first(selector)

    def wait_gone_or_marked(name, timeout=60):
        """After a submit: the field marked has-error or moveOffScreen, or (after a second) hidden or gone."""
        started = time.time()

        def done(_):
            if first(f"input[name={name}].has-error") or first(f"input[name={name}].moveOffScreen"):
                return True
            if time.time() - started < 1:
                return False
            element = first(f"input[name={name}]")
            return element is None or not element.is_displayed()
        WebDriverWait(driver, timeout).until(done)

    def alert():
        element = first(".alert-error")
        return element.text if element else None

    def username():
        if alert():
            print("username page error:", alert())
        field = wait_visible('input[name="loginfmt"]')
        field.click()
        field.send_keys(Keys.BACKSPACE * 100)
        field.send_keys(USER)
        time.sleep(0.5)
        shot("username")
        wait_visible("input[type=submit]").click()
        time.sleep(0.5)
        wait_gone_or_marked("loginfmt")

    def password():
        if alert():
            raise SystemExit(f"password page error: {alert()}")
        field = first('input[name="Password"],input[name="passwd"]')
        field.click()
        field.send_keys(PASSWORD)
        shot("password")
        first("span[class=submit],input[type=submit]").click()
        time.sleep(0.5)

    def tfa_failed():
        raise SystemExit("TFA failed: " + first("#idDiv_SAASDS_Description,#idDiv_SAASTO_Description").text)

    def code():
        description = alert() or first("#idDiv_SAOTCC_Description").text
        print("code page:", description)
        assert description == "Enter the code displayed in the authenticator app on your mobile device", description
        field = first('input[name="otc"]')
        field.click()
        field.send_keys(Keys.BACKSPACE * 100)
        field.send_keys(totp(SECRET))
        shot("code")
        first("input[type=submit]").click()
        wait_gone_or_marked("otc")

    def remember_me():
        shot("stay-signed-in")
        first("#idSIButton9" if REMEMBER_ME else "#idBtn_Back").click()
        time.sleep(0.5)

    def unexpected(state):
        def handler():
            shot(state.replace(" ", "-"))
            raise SystemExit(f"mock-entra showed a page aws-azure-login reads as '{state}', which it never shows")
        return handler

    def service_exception():
        raise SystemExit("service exception: " + first("#service_exception_message").text)

    # aws-azure-login's states, in its order (§4.3); the ones mock-entra never shows (account choice, passwordless,
    # push notification) are tried too: a page that matched one by mistake fails the test.
    states = [
        ("username input", 'input[name="loginfmt"]:not(.moveOffScreen)', username),
        ("account selection", "#aadTile > div > div.table-cell.tile-img > img", unexpected("account selection")),
        ("passwordless", "input[value='Send notification']", unexpected("passwordless")),
        ("password input", 'input[name="Password"]:not(.moveOffScreen),input[name="passwd"]:not(.moveOffScreen)', password),
        ("TFA instructions", "#idDiv_SAOTCAS_Description", unexpected("TFA instructions")),
        ("TFA failed", "#idDiv_SAASDS_Description,#idDiv_SAASTO_Description", tfa_failed),
        ("TFA code input", "input[name=otc]:not(.moveOffScreen)", code),
        ("Remember me", "#KmsiDescription", remember_me),
        ("Service exception", "#service_exception_message", service_exception),
    ]
    seen = []
    try:
        try:
            driver.get(login_url(base))
        except Exception:
            pass  # as aws-azure-login: errors on the first load are ignored
        unrecognized_since = time.time()
        while not capture.event.is_set():
            for name, selector, handler in states:
                if capture.event.is_set():
                    break
                if first(selector):
                    seen.append(name)
                    handler()
                    unrecognized_since = time.time()
                    break
            else:
                if capture.event.wait(1):
                    break
                if time.time() - unrecognized_since > 30:
                    shot("unrecognized-state")
                    raise SystemExit("Unable to recognize page state!")
        assert seen == ["username input", "password input", "TFA code input", "Remember me"], seen

        # The SAMLResponse as aws-azure-login takes it: querystring-parsed, exactly one.
        fields = urllib.parse.parse_qs(capture.body)
        assert len(fields.get("SAMLResponse", [])) == 1, f"SAMLResponse missing or repeated in {capture.body[:200]}"
        assertion = base64.b64decode(fields["SAMLResponse"][0]).decode("ascii")
        roles = re.findall(r'<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>([^<]*)</AttributeValue>', assertion)
        assert roles == ["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"], roles
        metadata = f"{base}/{TENANT}/federationmetadata/2007-06/federationmetadata.xml?appid=33333333-aaaa-4bbb-8ccc-000000000001"
        verified = subprocess.run([f"{BUILD}/saml", "verify", "--aws", "--metadata", metadata, "-"], input=fields["SAMLResponse"][0],
                                  capture_output=True, text=True)
        assert verified.returncode == 0 and "Administrator/test-awsadmin@contoso.com @ 123456789012" in verified.stdout, verified.stdout
        token = open(os.path.join(work, "keys", "admin-token")).read().strip()
        with urllib.request.urlopen(urllib.request.Request(f"{base}/admin/signins", headers={"Authorization": f"Bearer {token}"})) as answer:
            log = json.load(answer)
        assert [e.get("aadstsCode") for e in log] == ["AADSTS50076", "AADSTS50140", None], log
        print(f"aws-azure-login's flow got Test-AWSAdmin's SAMLResponse through {', '.join(seen)}; screenshots in {ARTIFACTS}")
    except BaseException:
        shot("failure")
        raise
    finally:
        driver.quit()
        acs.shutdown()
        entra.terminate()


if __name__ == "__main__":
    main()
