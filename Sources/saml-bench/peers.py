#!/usr/bin/env python3
"""Peer measurements for saml-bench, in the same run: python3-saml's validate_sign and signxml's verify on the same
signed response, ops/s on one core. Usage: peers.py RESPONSE.xml CERT.pem SECONDS. Prints one JSON object."""
import json
import sys
import time


def rate(fn, seconds):
    """Best of 5 rounds of seconds/5, as saml-bench measures itself."""
    fn()  # warm up, and fail loudly if it does not verify
    best = 0.0
    for _ in range(5):
        count, start = 0, time.perf_counter()
        while True:
            for _ in range(10):
                fn()
            count += 10
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / 5:
                break
        best = max(best, count / elapsed)
    return best


def hostile(cert_path, paths):
    """--hostile CERT FILE...: milliseconds for python3-saml's validate_sign on each file, in its own process, capped
    at 5 s (a pre-scan-less libxml2 can take minutes on an attribute bomb). Prints {"0": ms, "1": ms, ...}."""
    import subprocess
    code = ("import sys,time\nfrom onelogin.saml2.utils import OneLogin_Saml2_Utils as U\n"
            "x=open(sys.argv[1],'rb').read();c=open(sys.argv[2]).read()\n"
            "s=time.perf_counter()\ntry:\n U.validate_sign(x,cert=c)\nexcept Exception:\n pass\n"
            "print((time.perf_counter()-s)*1000)")
    out = {}
    for index, path in enumerate(paths):
        try:
            done = subprocess.run([sys.executable, "-c", code, path, cert_path], capture_output=True, text=True, timeout=5)
            out[str(index)] = float(done.stdout.strip() or 0)
        except subprocess.TimeoutExpired:
            out[str(index)] = 5000.0
    print(json.dumps(out))


def main():
    if sys.argv[1] == "--hostile":
        return hostile(sys.argv[2], sys.argv[3:])
    path, cert_path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    xml = open(path, "rb").read()
    cert = open(cert_path).read()
    out = {}

    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    def python3_saml():
        if not OneLogin_Saml2_Utils.validate_sign(xml, cert=cert):
            raise SystemExit("python3-saml did not verify the benchmark response")

    out["python3_saml_validate_sign_per_s"] = rate(python3_saml, seconds)

    from lxml import etree
    from signxml import XMLVerifier

    def signxml_verify():
        root = etree.fromstring(xml)
        assertion = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")
        XMLVerifier().verify(etree.fromstring(etree.tostring(assertion)), x509_cert=cert)

    out["signxml_verify_per_s"] = rate(signxml_verify, seconds)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
