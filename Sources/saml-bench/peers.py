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


def main():
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
