/*
 * What Swift cannot import from libxmlsec1 directly: its macro-defined transform ids, its macro-mapped crypto
 * initialisation (xmlSecCryptoAppInit is a #define for the OpenSSL backend), a once-only thread-safe start-up,
 * and thread-local capture of the library's error messages (which otherwise go to stderr).
 */
#ifndef CXMLSEC_SHIM_H
#define CXMLSEC_SHIM_H

#include "../../CXMLSec/CXMLSec.h"

/* Transforms and algorithms the Swift layer allowlists, named by their XML-DSig role. */
typedef enum {
    CXS_TRANSFORM_ENVELOPED = 1,
    CXS_TRANSFORM_EXC_C14N,
    CXS_TRANSFORM_EXC_C14N_WITH_COMMENTS,
    CXS_TRANSFORM_INCL_C14N,
    CXS_TRANSFORM_INCL_C14N_WITH_COMMENTS,
    CXS_TRANSFORM_SHA1,
    CXS_TRANSFORM_SHA256,
    CXS_TRANSFORM_SHA384,
    CXS_TRANSFORM_SHA512,
    CXS_TRANSFORM_RSA_SHA1,
    CXS_TRANSFORM_RSA_SHA256,
    CXS_TRANSFORM_RSA_SHA384,
    CXS_TRANSFORM_RSA_SHA512
} cxs_transform;

/* Initialises libxml2, xmlsec and its OpenSSL backend exactly once (pthread_once). Returns 0 on success. */
int cxs_init(void);

/* Routes libxml2 and xmlsec diagnostics of the calling thread into a thread-local buffer (never stderr) and clears it. */
void cxs_thread_begin(void);
/* The first error message recorded on this thread since cxs_thread_begin, or "" when none. */
const char *cxs_last_error(void);

/* The xmlsec transform id for an allowlisted transform. */
xmlSecTransformId cxs_transform_id(cxs_transform t);

/* xmlFree, which libxml2 may define as a macro. */
void cxs_xml_free(void *p);

/* The macros CXMLSec.h defines before including xmlsec, as one string. */
const char *cxs_defines(void);

/* RFC 2253 text of a certificate's subject or issuer into buf; returns the length or -1. */
int cxs_x509_subject(const X509 *cert, char *buf, int size);
int cxs_x509_issuer(const X509 *cert, char *buf, int size);

/* Whether `needle` occurs in the first `length` bytes of `haystack` (glibc memmem, a GNU extension). */
int cxs_contains(const void *haystack, size_t length, const char *needle);
/* The offset of the first `needle` in the first `length` bytes of `haystack`, or -1 (memmem). */
long cxs_index(const void *haystack, size_t length, const char *needle);

/* A new RSA key pair of `bits` bits (EVP_RSA_gen is a macro over a variadic function). */
EVP_PKEY *cxs_rsa_generate(unsigned int bits);

/* Runtime versions of the linked libraries. */
const char *cxs_libxml2_version(void);
const char *cxs_xmlsec_version(void);
const char *cxs_openssl_version(void);

#endif
