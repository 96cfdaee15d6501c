#!/usr/bin/env python3
"""pysaml2 (IdentityPython) on both sides of swift-saml's servers.

  pysaml2_interop.py sp METADATA RESPONSE_B64_FILE
      pysaml2 as the AWS-side SP, configured from mock-entra's metadata; prints {"ok", "name_id", "ava"|"error"}
  pysaml2_interop.py idp KEY CERT METADATA_OUT RESPONSE_OUT
      pysaml2 as an IdP: writes its signed metadata and an IdP-initiated response for AWS (Role, RoleSessionName)
"""
import json
import os
import sys
import tempfile

from saml2 import BINDING_HTTP_POST
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from saml2.client import Saml2Client
from saml2.config import Config, SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

AWS = "https://signin.aws.amazon.com/saml"
ROLE = "arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/PySAML2"


def sp(metadata, response_file):
    config = SPConfig()
    config.load({
        "entityid": AWS,
        "service": {"sp": {"endpoints": {"assertion_consumer_service": [(AWS, BINDING_HTTP_POST)]},
                           "allow_unsolicited": True, "want_assertions_signed": False, "want_response_signed": False}},
        "metadata": {"local": [metadata]},
        "allow_unknown_attributes": True,
        "xmlsec_binary": "/usr/bin/xmlsec1",
    })
    client = Saml2Client(config)
    with open(response_file) as f:
        response = f.read().strip()
    try:
        parsed = client.parse_authn_request_response(response, BINDING_HTTP_POST)
        print(json.dumps({"ok": parsed is not None, "name_id": parsed.name_id.text, "ava": parsed.get_identity()}))
    except Exception as error:  # pysaml2 signals each refusal with its own exception type
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}))


def idp(key, cert, metadata_out, response_out):
    work = tempfile.mkdtemp()
    sp_metadata = os.path.join(work, "aws.xml")
    with open(sp_metadata, "w") as f:
        f.write(f'<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{AWS}">'
                '<SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
                f'<AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{AWS}" index="1"/>'
                '</SPSSODescriptor></EntityDescriptor>')
    config = Config()
    config.load({
        "entityid": "https://pysaml2.idp.example/",
        "service": {"idp": {"endpoints": {"single_sign_on_service": [("https://pysaml2.idp.example/sso", BINDING_HTTP_POST)]},
                            "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None,
                                                   "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"}}}},
        "key_file": key, "cert_file": cert,
        "metadata": {"local": [sp_metadata]},
        "allow_unknown_attributes": True,
        "xmlsec_binary": "/usr/bin/xmlsec1",
    })
    server = Server(config=config)
    # pysaml2 signs with RSA-SHA1 unless told otherwise; SHA-256 is what Entra and strict verifiers use.
    metadata = create_metadata_string(None, config=server.config, sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    with open(metadata_out, "w") as f:
        f.write(metadata.decode() if isinstance(metadata, bytes) else metadata)
    response = server.create_authn_response(
        identity={"https://aws.amazon.com/SAML/Attributes/Role": [ROLE],
                  "https://aws.amazon.com/SAML/Attributes/RoleSessionName": ["alice@pysaml2.example"]},
        in_response_to=None, destination=AWS, sp_entity_id=AWS,
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text="alice@pysaml2.example"),
        sign_assertion=True, sign_response=False, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    with open(response_out, "w") as f:
        f.write(str(response))


if __name__ == "__main__":
    {"sp": sp, "idp": idp}[sys.argv[1]](*sys.argv[2:])
