#!/usr/bin/env python3
"""Peer measurements for saml-bench, in the same run: python3-saml's validate_sign and signxml's verify on the same
signed response, ops/s on one core.

  peers.py --serve RESPONSE.xml CERT.pem   answers one window per line on stdin ("python3_saml 0.2" or "signxml 0.2":
                                           the peer and the window's seconds) with its ops/s and CPU share, so that
                                           saml-bench can pair each peer window with an adjacent window of its own
  peers.py --hostile CERT.pem FILE...      python3-saml's time on each hostile input (see hostile)"""
import json
import sys
import time


def peers(xml, cert):
    """The two peers' verifications of the benchmark response, by the names saml-bench asks for."""
    from onelogin.saml2.utils import OneLogin_Saml2_Utils
    from lxml import etree
    from signxml import XMLVerifier

    def python3_saml():
        if not OneLogin_Saml2_Utils.validate_sign(xml, cert=cert):
            raise SystemExit("python3-saml did not verify the benchmark response")

    def signxml_verify():
        root = etree.fromstring(xml)
        assertion = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")
        XMLVerifier().verify(etree.fromstring(etree.tostring(assertion)), x509_cert=cert)

    return {"python3_saml": python3_saml, "signxml": signxml_verify}


def window(fn, seconds):
    """Calls per second of fn over one window of at least seconds, in batches of ten (as saml-bench's own loop), and
    the share of the window's wall time this process had the CPU (below 1 when something else ran on the core)."""
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        for _ in range(10):
            fn()
        count += 10
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed, (time.process_time() - cpu) / elapsed


def serve(path, cert_path):
    xml = open(path, "rb").read()
    cert = open(cert_path).read()
    table = peers(xml, cert)
    for fn in table.values():
        fn()  # warm up, and fail loudly if a peer does not verify
    print("ready", flush=True)
    for line in sys.stdin:
        name, seconds = line.split()
        rate, share = window(table[name], float(seconds))
        print(rate, share, flush=True)


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
    if len(sys.argv) >= 3 and sys.argv[1] == "--hostile":
        return hostile(sys.argv[2], sys.argv[3:])
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        return serve(sys.argv[2], sys.argv[3])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
