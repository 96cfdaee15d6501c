/*
 * The one header through which Swift sees libxml2, libxmlsec1 and OpenSSL.
 *
 * SwiftPM drops the -D flags printed by `pkg-config --cflags xmlsec1-openssl` ("prohibited flags"), so they are
 * repeated here, before any xmlsec header. They are not cosmetic: XMLSEC_NO_SIZE_T makes xmlSecSize an
 * `unsigned int` and so fixes the layout of every xmlsec struct we read (xmlSecDSigCtx, xmlSecPtrList, ...).
 * They must match the installed library; Tests/SAMLTests/CInteropTests.swift compares them with pkg-config.
 * Values below are Debian 12's libxmlsec1-openssl 1.2.37.
 */
#ifndef CXMLSEC_H
#define CXMLSEC_H

#ifndef XMLSEC_CRYPTO_OPENSSL
#define XMLSEC_CRYPTO_OPENSSL 1
#endif
#ifndef XMLSEC_NO_SIZE_T
#define XMLSEC_NO_SIZE_T
#endif
#ifndef XMLSEC_OPENSSL3_ENGINES
#define XMLSEC_OPENSSL3_ENGINES 1
#endif
#ifndef XMLSEC_NO_GOST
#define XMLSEC_NO_GOST 1
#endif
#ifndef XMLSEC_NO_GOST2012
#define XMLSEC_NO_GOST2012 1
#endif
#ifndef XMLSEC_NO_CRYPTO_DYNAMIC_LOADING
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#endif
#ifndef __XMLSEC_FUNCTION__
#define __XMLSEC_FUNCTION__ __func__
#endif

/* The same list as a string, for the test that compares it with pkg-config. */
#define CXMLSEC_DEFINES "XMLSEC_CRYPTO_OPENSSL=1 XMLSEC_NO_SIZE_T XMLSEC_OPENSSL3_ENGINES=1 XMLSEC_NO_GOST=1 XMLSEC_NO_GOST2012=1 XMLSEC_NO_CRYPTO_DYNAMIC_LOADING=1 __XMLSEC_FUNCTION__=__func__"

/*
 * Debian's libxml2 is built with ICU, and <libxml/encoding.h> then includes the system's <unicode/ucnv.h>, whose
 * UErrorCode clashes with the ICU copy inside Swift's Foundation ("different definitions in different modules").
 * The only thing ICU changes is two trailing fields of xmlCharEncodingHandler, a struct we only ever hold by
 * pointer, so hiding ICU from this import changes no layout we read.
 */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xmlsave.h>
#include <libxml/c14n.h>
#include <libxml/xmlerror.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/keys.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/errors.h>
#include <xmlsec/base64.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>

/* Raw DEFLATE for the HTTP-Redirect binding. */
#include <zlib.h>

#endif
