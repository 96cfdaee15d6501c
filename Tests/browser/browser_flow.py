#!/usr/bin/env python3
"""A real browser through the whole flow: headless Chromium, driven by Selenium, walks
My Apps → sign-in → the AWS tile → MFA → AWS's role chooser → the redirect to the console (a RelayState deep link
to the S3 console) → the console page (session, policies, allowed and denied actions, the session cookie's
attributes) → Sign out, and checks each.

    python3 Tests/browser/browser_flow.py [BUILD_DIR] [ARTIFACTS_DIR]     (defaults .build/debug, .build/artifacts/browser)

Starts the offline demo (both servers, serving), gives Test-AWSDeveloper a second role so the chooser appears,
and keeps a screenshot of every step in ARTIFACTS_DIR.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BUILD = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
ARTIFACTS = sys.argv[2] if len(sys.argv) > 2 else ".build/artifacts/browser"
APP = "33333333-aaaa-4bbb-8ccc-000000000001"
USER, PASSWORD, SECRET = "test-awsdeveloper@contoso.com", "Dev3loper-Passw0rd!", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
DEEP_LINK = "https://console.aws.amazon.com/s3/home?region=eu-west-1"


def totp(secret, at=None):
    """RFC 6238, as the authenticator app on the user's phone computes it."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    for old in os.listdir(ARTIFACTS):
        os.remove(os.path.join(ARTIFACTS, old))
    demo = subprocess.Popen([f"{BUILD}/offline-sso-demo"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    entra = aws = token_file = None
    for line in demo.stdout:
        if line.startswith("mock-entra (tenant contoso): "):
            entra = line.split(": ", 1)[1].strip()
        if line.startswith("mock-aws (account 123456789012): "):
            aws = line.split(": ", 1)[1].strip()
        if line.startswith("mock-entra admin API token file: "):
            token_file = line.split(": ", 1)[1].strip()
        if line.startswith("Ctrl-C"):
            break
    assert entra and aws and token_file, "the demo did not start"
    with open(token_file) as file:
        # The admin API wants its bearer token and JSON (README "Security rules").
        admin = {"Authorization": "Bearer " + file.read().strip(), "Content-Type": "application/json"}
    # Two roles for the developer (the portal's Users and groups blade), so that AWS shows its role chooser.
    request = urllib.request.Request(f"{entra}/admin/applications/{APP}/assignments", method="PUT", headers=admin,
                                     data=json.dumps({"AWS-Account1-Developers": ["Developer,EntraID", "Administrator,EntraID"]}).encode())
    urllib.request.urlopen(request).read()
    # A RelayState deep link to the S3 console in Ireland (the app's "Relay State" in Entra's Basic SAML settings).
    request = urllib.request.Request(f"{entra}/admin/applications/{APP}", method="PATCH", headers=admin,
                                     data=json.dumps({"relayState": DEEP_LINK}).encode())
    urllib.request.urlopen(request).read()

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 15)
    step = 0

    def shot(name):
        nonlocal step
        step += 1
        driver.save_screenshot(os.path.join(ARTIFACTS, f"{step:02d}-{name}.png"))

    try:
        driver.get(f"{entra}/myapps")
        # Entra's converged sign-in page: the username step, then the password step (loginfmt moves off screen).
        wait.until(EC.presence_of_element_located((By.ID, "i0116"))).send_keys(USER)
        shot("sign-in-username")
        driver.find_element(By.ID, "idSIButton9").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'input[name="loginfmt"].moveOffScreen')))
        wait.until(EC.presence_of_element_located((By.ID, "i0118"))).send_keys(PASSWORD)
        shot("sign-in-password")
        driver.find_element(By.ID, "idSIButton9").click()
        # "Stay signed in?" (KmsiInterrupt): Yes.
        wait.until(EC.presence_of_element_located((By.ID, "KmsiDescription")))
        shot("stay-signed-in")
        driver.find_element(By.ID, "idSIButton9").click()
        tile = wait.until(EC.element_to_be_clickable((By.ID, f"app-{APP}")))
        assert driver.find_element(By.ID, "signedInUser").text == USER
        shot("my-apps")
        tile.click()
        code = wait.until(EC.presence_of_element_located((By.ID, "idTxtBx_SAOTCC_OTC")))
        # The demo already used this 30-second window's code for this user, and a code works once (RFC 6238 §5.2):
        # type the next window's, which the verifier's drift window accepts, as a phone a little ahead would show.
        code.send_keys(totp(SECRET, time.time() + 30))
        shot("mfa")
        driver.find_element(By.ID, "idSubmit_SAOTCC_Continue").click()
        # "Stay signed in?" again after the code: No.
        wait.until(EC.presence_of_element_located((By.ID, "KmsiDescription")))
        shot("stay-signed-in-after-mfa")
        driver.find_element(By.ID, "idBtn_Back").click()
        # The auto-post form carries the SAMLResponse to mock-aws, which asks which role.
        developer = wait.until(EC.element_to_be_clickable((By.ID, "arn:aws:iam::123456789012:role/Developer")))
        roles = [e.get_attribute("value") for e in driver.find_elements(By.NAME, "roleIndex")]
        assert sorted(roles) == ["arn:aws:iam::123456789012:role/Administrator", "arn:aws:iam::123456789012:role/Developer"], roles
        shot("role-chooser")
        assert driver.find_element(By.NAME, "RelayState").get_attribute("value") == DEEP_LINK
        developer.click()
        driver.find_element(By.ID, "signin_button").click()
        # AWS's 302 to the deep link, served by mock-aws under /console on its own origin.
        session = wait.until(EC.presence_of_element_located((By.ID, "nav-usernameMenu"))).text
        assert driver.current_url == f"{aws}/console/s3/home?region=eu-west-1", driver.current_url
        shot("console")
        assert session == "Developer/test-awsdeveloper@contoso.com @ 123456789012", session
        text = lambda id: driver.find_element(By.ID, id).text
        assert (text("account"), text("role"), text("session-name")) == ("123456789012", "Developer", USER)
        assert text("assumed-role-arn") == f"arn:aws:sts::123456789012:assumed-role/Developer/{USER}"
        assert text("expiration").endswith("Z") and text("page-title") == "Amazon S3" and text("region") == "eu-west-1"
        assert [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#policies td.policy-name")] == ["AmazonS3FullAccess"]
        decisions = {e.get_attribute("data-action"): e.get_attribute("data-decision")
                     for e in driver.find_elements(By.CSS_SELECTOR, "#actions tr[data-action]")}
        assert decisions["s3:ListAllMyBuckets"] == "allowed" and decisions["iam:CreateUser"] == "implicitDeny", decisions
        cookie = next(c for c in driver.get_cookies() if c["name"] == "aws-creds")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/console", cookie
        assert driver.execute_script("return document.cookie").find("aws-creds") < 0, "the session cookie is HttpOnly"
        # The account menu, then Sign out.
        driver.find_element(By.CSS_SELECTOR, ".account-menu summary").click()
        wait.until(EC.visibility_of_element_located((By.ID, "aws-console-logout")))
        shot("console-account-menu")
        driver.find_element(By.ID, "aws-console-logout").click()
        wait.until(EC.presence_of_element_located((By.ID, "signed-out")))
        shot("signed-out")
        assert not any(c["name"] == "aws-creds" for c in driver.get_cookies())
        driver.get(f"{aws}/console/home")
        wait.until(EC.presence_of_element_located((By.ID, "not-signed-in")))
        shot("console-after-sign-out")
        # AWS's sign-in error page: a response that is not one (a form posted from mock-aws's own page).
        driver.execute_script("""const f = document.createElement('form'); f.method = 'post'; f.action = '/saml';
            const i = document.createElement('input'); i.type = 'hidden'; i.name = 'SAMLResponse'; i.value = 'bm90IGEgcmVzcG9uc2U=';
            f.appendChild(i); document.body.appendChild(f); f.submit();""")
        message = wait.until(EC.presence_of_element_located((By.ID, "error_message"))).text
        assert message == "Your request included an invalid SAML response. To logout, click here.", message
        assert text("error_code") == "InvalidIdentityToken"
        shot("sign-in-error")
        print(f"Chromium reached the AWS console as {session} at {DEEP_LINK}'s page, saw its permissions and signed out; "
              f"screenshots in {ARTIFACTS}")
        with urllib.request.urlopen(urllib.request.Request(f"{entra}/admin/signins", headers=admin)) as answer:
            browser = [e for e in json.load(answer) if e["userPrincipalName"] == USER and e["ipAddress"] in ("127.0.0.1", "::1")]
        assert any(e["result"] == "success" and e["mfaDone"] for e in browser), browser
    except BaseException:
        shot("failure")
        raise
    finally:
        driver.quit()
        demo.terminate()
        demo.wait()


if __name__ == "__main__":
    main()
