#define _GNU_SOURCE 1
#include "CXMLSecShim.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t cxs_once = PTHREAD_ONCE_INIT;
static int cxs_init_result = -1;

static __thread char cxs_error[512];
static __thread int cxs_error_set;

static void cxs_record(const char *text) {
    if (cxs_error_set || text == NULL) return;
    snprintf(cxs_error, sizeof cxs_error, "%s", text);
    /* libxml2 messages end in a newline; keep one line. */
    size_t n = strlen(cxs_error);
    while (n > 0 && (cxs_error[n - 1] == '\n' || cxs_error[n - 1] == ' ')) cxs_error[--n] = '\0';
    cxs_error_set = 1;
}

static void cxs_xmlsec_errors(const char *file, int line, const char *func, const char *errorObject,
                              const char *errorSubject, int reason, const char *msg) {
    (void)file; (void)line; (void)func; (void)errorObject;
    char text[512];
    const char *reasonText = NULL;
    for (xmlSecSize i = 0; i < XMLSEC_ERRORS_MAX_NUMBER && xmlSecErrorsGetMsg(i) != NULL; ++i) {
        if (xmlSecErrorsGetCode(i) == reason) { reasonText = xmlSecErrorsGetMsg(i); break; }
    }
    snprintf(text, sizeof text, "%s%s%s%s%s", errorSubject ? errorSubject : "", errorSubject ? ": " : "",
             reasonText ? reasonText : "error", msg ? ": " : "", msg ? msg : "");
    cxs_record(text);
}

static void cxs_generic_error(void *ctx, const char *fmt, ...) {
    (void)ctx;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cxs_record(text);
}

static void cxs_structured_error(void *ctx, xmlErrorPtr error) {
    (void)ctx;
    if (error != NULL && error->level >= XML_ERR_ERROR) cxs_record(error->message);
}

static void cxs_do_init(void) {
    xmlInitParser();
    /* Never let xmlsec's XSLT transform read files or the network, even though our allowlist never enables it. */
    if (xmlSecInit() < 0) return;
    if (xmlSecCheckVersion() != 1) return;
    if (xmlSecOpenSSLAppInit(NULL) < 0) return;
    if (xmlSecOpenSSLInit() < 0) return;
    xmlSecErrorsSetCallback(cxs_xmlsec_errors);
    /* Entra writes base64 on one line; 0 columns = no line breaks in DigestValue/SignatureValue. */
    xmlSecBase64SetDefaultLineSize(0);
    cxs_init_result = 0;
}

int cxs_init(void) {
    pthread_once(&cxs_once, cxs_do_init);
    return cxs_init_result;
}

void cxs_thread_begin(void) {
    cxs_error[0] = '\0';
    cxs_error_set = 0;
    /* libxml2 keeps these handlers per thread. */
    xmlSetGenericErrorFunc(NULL, cxs_generic_error);
    xmlSetStructuredErrorFunc(NULL, cxs_structured_error);
}

const char *cxs_last_error(void) { return cxs_error; }

xmlSecTransformId cxs_transform_id(cxs_transform t) {
    switch (t) {
    case CXS_TRANSFORM_ENVELOPED: return xmlSecTransformEnvelopedId;
    case CXS_TRANSFORM_EXC_C14N: return xmlSecTransformExclC14NId;
    case CXS_TRANSFORM_EXC_C14N_WITH_COMMENTS: return xmlSecTransformExclC14NWithCommentsId;
    case CXS_TRANSFORM_INCL_C14N: return xmlSecTransformInclC14NId;
    case CXS_TRANSFORM_INCL_C14N_WITH_COMMENTS: return xmlSecTransformInclC14NWithCommentsId;
    case CXS_TRANSFORM_SHA1: return xmlSecTransformSha1Id;
    case CXS_TRANSFORM_SHA256: return xmlSecTransformSha256Id;
    case CXS_TRANSFORM_SHA384: return xmlSecTransformSha384Id;
    case CXS_TRANSFORM_SHA512: return xmlSecTransformSha512Id;
    case CXS_TRANSFORM_RSA_SHA1: return xmlSecTransformRsaSha1Id;
    case CXS_TRANSFORM_RSA_SHA256: return xmlSecTransformRsaSha256Id;
    case CXS_TRANSFORM_RSA_SHA384: return xmlSecTransformRsaSha384Id;
    case CXS_TRANSFORM_RSA_SHA512: return xmlSecTransformRsaSha512Id;
    }
    return xmlSecTransformIdUnknown;
}

void cxs_xml_free(void *p) { if (p != NULL) xmlFree(p); }

const char *cxs_defines(void) { return CXMLSEC_DEFINES; }

const char *cxs_libxml2_version(void) { return xmlParserVersion; }

const char *cxs_xmlsec_version(void) { return XMLSEC_VERSION; }

const char *cxs_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

static int cxs_name(const X509_NAME *name, char *buf, int size) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return -1;
    int ok = X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    int n = -1;
    if (ok >= 0) {
        n = BIO_read(bio, buf, size - 1);
        if (n < 0) n = 0;
        buf[n] = '\0';
    }
    BIO_free(bio);
    return n;
}

int cxs_x509_subject(const X509 *cert, char *buf, int size) { return cxs_name(X509_get_subject_name(cert), buf, size); }

int cxs_x509_issuer(const X509 *cert, char *buf, int size) { return cxs_name(X509_get_issuer_name(cert), buf, size); }

int cxs_contains(const void *haystack, size_t length, const char *needle) {
    return haystack != NULL && memmem(haystack, length, needle, strlen(needle)) != NULL;
}

long cxs_index(const void *haystack, size_t length, const char *needle) {
    const char *found = haystack == NULL ? NULL : memmem(haystack, length, needle, strlen(needle));
    return found == NULL ? -1 : (long)(found - (const char *)haystack);
}

EVP_PKEY *cxs_rsa_generate(unsigned int bits) { return EVP_RSA_gen(bits); }
