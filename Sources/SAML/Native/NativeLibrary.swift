// Native/ is the one wrapper layer over libxml2, libxmlsec1 and OpenSSL: no file outside this folder touches a C
// pointer. Everything here is internal.
internal import CXMLSec
internal import CXMLSecShim

enum NativeLibrary {
    /// Initialises the C libraries once per process (pthread_once in the shim) and prepares this thread's error
    /// capture. Cheap enough to call at the start of every operation.
    static func begin() throws(SAMLError) {
        guard cxs_init() == 0 else {
            throw SAMLError(.libraryUnavailable, "libxmlsec1 with its OpenSSL backend failed to initialise",
                            expected: "xmlsec \(String(cString: cxs_xmlsec_version())) (compiled against)",
                            found: lastError.isEmpty ? "an initialisation error" : lastError)
        }
        cxs_thread_begin()
    }

    /// The first libxml2/xmlsec diagnostic recorded on this thread since ``begin()``.
    static var lastError: String { String(cString: cxs_last_error()) }

    /// The macros the shim header defines before including xmlsec (compared with pkg-config in the tests).
    static var compiledDefines: String { String(cString: cxs_defines()) }

    static var versions: (libxml2: String, xmlsec: String, openssl: String) {
        (String(cString: cxs_libxml2_version()), String(cString: cxs_xmlsec_version()),
         String(cString: cxs_openssl_version()))
    }
}

/// Versions of the C libraries linked into this process.
public enum NativeVersions {
    public static var libxml2: String { NativeLibrary.versions.libxml2 }
    public static var xmlsec: String { NativeLibrary.versions.xmlsec }
    public static var openssl: String { NativeLibrary.versions.openssl }
    /// The xmlsec configuration macros this build was compiled with.
    public static var compiledDefines: String { NativeLibrary.compiledDefines }
}
