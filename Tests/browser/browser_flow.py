#!/usr/bin/env python3
"""A real browser through the whole flow: headless Chromium, driven by Selenium, walks
My Apps → sign-in → the AWS tile → MFA → AWS's role chooser → the console page, and checks the session text.

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
    entra = token_file = None
    for line in demo.stdout:
        if line.startswith("mock-entra (tenant contoso): "):
            entra = line.split(": ", 1)[1].strip()
        if line.startswith("mock-entra admin API token file: "):
            token_file = line.split(": ", 1)[1].strip()
        if line.startswith("Ctrl-C"):
            break
    assert entra and token_file, "the demo did not start"
    with open(token_file) as file:
        # The admin API wants its bearer token and JSON (README "Security rules").
        admin = {"Authorization": "Bearer " + file.read().strip(), "Content-Type": "application/json"}
    # Two roles for the developer (the portal's Users and groups blade), so that AWS shows its role chooser.
    request = urllib.request.Request(f"{entra}/admin/applications/{APP}/assignments", method="PUT", headers=admin,
                                     data=json.dumps({"AWS-Account1-Developers": ["Developer,EntraID", "Administrator,EntraID"]}).encode())
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
        developer.click()
        driver.find_element(By.ID, "signin_button").click()
        session = wait.until(EC.presence_of_element_located((By.ID, "nav-usernameMenu"))).text
        shot("console")
        assert session == "Developer/test-awsdeveloper@contoso.com @ 123456789012", session
        print(f"Chromium reached the AWS console as {session}; screenshots in {ARTIFACTS}")
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
