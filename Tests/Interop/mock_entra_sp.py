#!/usr/bin/env python3
"""python3-saml (OneLogin) as the AWS-side service provider, configured only from mock-entra's federation metadata.

  mock_entra_sp.py METADATA_FILE RESPONSE_FILE [REQUEST_ID]

RESPONSE_FILE holds the base64 SAMLResponse exactly as posted. Prints one JSON object:
{"authenticated": bool, "errors": [...], "reason": str, "nameid": str, "attributes": {...}}
"""
import json
import sys

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

AWS = "https://signin.aws.amazon.com/saml"


def main(metadata_path, response_path, request_id=None):
    with open(metadata_path) as f:
        idp = OneLogin_Saml2_IdPMetadataParser.parse(f.read())
    settings = OneLogin_Saml2_IdPMetadataParser.merge_settings({
        "strict": True,
        "sp": {"entityId": AWS, "assertionConsumerService": {"url": AWS}},
        "security": {"wantAssertionsSigned": False, "wantMessagesSigned": False, "rejectDeprecatedAlgorithm": True},
    }, idp)
    with open(response_path) as f:
        response = f.read().strip()
    request = {"https": "on", "http_host": "signin.aws.amazon.com", "script_name": "/saml", "get_data": {},
               "post_data": {"SAMLResponse": response}}
    auth = OneLogin_Saml2_Auth(request, settings)
    auth.process_response(request_id=request_id)
    print(json.dumps({"authenticated": auth.is_authenticated(), "errors": auth.get_errors(),
                      "reason": auth.get_last_error_reason(), "nameid": auth.get_nameid(),
                      "idp": settings["idp"]["entityId"], "certificates": len(settings["idp"].get("x509certMulti", {}).get("signing", [])) or 1,
                      "attributes": auth.get_attributes()}))


if __name__ == "__main__":
    main(*sys.argv[1:])
