#!/usr/bin/env python3
"""Independent SAML signature implementations for swift-saml's interop tests.

  verify-signxml CERT FILE            verify every ds:Signature of FILE with signxml; prints the signed elements
  sign-signxml KEY CERT IN OUT        sign the Assertion of the unsigned Response IN with signxml
  sign-pyxmlsec KEY CERT IN OUT MODE  sign IN with python-xmlsec (libxmlsec1 1.3): MODE assertion|response
"""
import sys

from lxml import etree

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def verify_signxml(cert, path):
    from signxml import XMLVerifier
    from signxml.verifier import SignatureConfiguration

    root = etree.fromstring(read(path))
    signed = []
    for sig in root.iter("{%s}Signature" % DS):
        element = sig.getparent()
        # signxml verifies the signature of the document it is given; give it the signed element alone.
        copy = etree.fromstring(etree.tostring(element))
        result = XMLVerifier().verify(copy, x509_cert=read(cert).decode(),
                                      expect_config=SignatureConfiguration(expect_references=1))
        signed.append(etree.QName(result.signed_xml).localname)
    print(" ".join(signed))


def sign_signxml(key, cert, src, out):
    from signxml import XMLSigner, methods

    root = etree.fromstring(read(src))
    assertion = root.find("{%s}Assertion" % SAML)
    signer = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256",
                       c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    signed = signer.sign(assertion, key=read(key), cert=read(cert).decode(), reference_uri="#" + assertion.get("ID"))
    # signxml appends the Signature; SAML wants it right after the Issuer.
    sig = signed.find("{%s}Signature" % DS)
    signed.remove(sig)
    signed.insert(1, sig)
    root.replace(assertion, signed)
    with open(out, "wb") as f:
        f.write(etree.tostring(root))


def sign_pyxmlsec(key, cert, src, out, mode):
    import xmlsec

    root = etree.fromstring(read(src))
    targets = [root.find("{%s}Assertion" % SAML)] if mode == "assertion" else [root]
    for element in targets:
        sig = xmlsec.template.create(element, xmlsec.Transform.EXCL_C14N, xmlsec.Transform.RSA_SHA256, ns="ds")
        element.insert(1, sig)
        ref = xmlsec.template.add_reference(sig, xmlsec.Transform.SHA256, uri="#" + element.get("ID"))
        xmlsec.template.add_transform(ref, xmlsec.Transform.ENVELOPED)
        xmlsec.template.add_transform(ref, xmlsec.Transform.EXCL_C14N)
        xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sig))
        xmlsec.tree.add_ids(element, ["ID"])
        ctx = xmlsec.SignatureContext()
        ctx.key = xmlsec.Key.from_file(key, xmlsec.KeyFormat.PEM)
        ctx.key.load_cert_from_file(cert, xmlsec.KeyFormat.PEM)
        ctx.sign(sig)
    with open(out, "wb") as f:
        f.write(etree.tostring(root))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"verify-signxml": verify_signxml, "sign-signxml": sign_signxml, "sign-pyxmlsec": sign_pyxmlsec}[command](*args)
