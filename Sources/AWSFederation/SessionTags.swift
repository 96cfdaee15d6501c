import SAML

/// IAM's rules for session tags passed in a SAML assertion (`PrincipalTag:KEY` attributes and `TransitiveTagKeys`),
/// with AWS's codes and texts. Sources:
/// - characters and lengths: STS model (botocore `sts/2011-06-15/service-2.json`) shapes `tagKeyType`
///   (1-128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`) and `tagValueType` (0-256, same class); `tagListType` and
///   `tagKeyListType` at most 50; IAM User Guide "Rules for tagging in IAM and AWS STS": no key or value may begin
///   with `aws:` (any case, as AWS's other tag rules spell it out);
/// - one value per tag: IAM User Guide "Passing session tags in AWS STS" ("Multivalued session tags are not supported");
/// - texts: a tag AWS cannot accept in a SAML sign-in shows `ValidationError` "Unable to validate tags" (observed on the
///   console sign-in page for a 300-character value); keys equal but for case and transitive keys that name no tag
///   are `InvalidParameterValue` with the texts STS returns for the same faults in AssumeRole (recorded against AWS in
///   LocalStack's validated snapshots). Which text AWS gives for a SAML tag with `aws:` or over 50 tags is not
///   published: those use "Unable to validate tags" too, and the cause says which rule failed.
/// Lengths are counted in UTF-16 code units, as AWS's Java services count them.
public enum SessionTags {
    public static let maxTags = 50
    public static let maxKeyLength = 128
    public static let maxValueLength = 256

    /// Checks `tags` (in attribute order) and `transitive`; returns them unchanged when AWS would accept them.
    /// - Parameters:
    ///   - tags: The `PrincipalTag:KEY` attributes, each key with its values.
    ///   - transitive: The `TransitiveTagKeys` values.
    /// - Returns: Each tag's key with its single value, in the order given.
    /// - Throws: ``AWSError`` `ValidationError` (cause `aws.sessionTags`) for more than 50 tags or transitive keys, a
    ///   key or value of the wrong length or characters, a tag without exactly one value, or an `aws:` prefix;
    ///   `InvalidParameterValue` for keys equal but for case or a transitive key that names no tag.
    public static func validate(_ tags: [(key: String, values: [String])], transitive: [String]) throws(AWSError)
        -> [(key: String, value: String)] {
        func unable(_ summary: String, expected: String, found: String) -> AWSError {
            AWSError.validationError("Unable to validate tags", cause: SAMLError(.awsSessionTags, summary, expected: expected, found: found))
        }
        guard tags.count <= maxTags else {
            throw unable("too many session tags", expected: "at most \(maxTags) PrincipalTag attributes", found: "\(tags.count)")
        }
        var result: [(key: String, value: String)] = []
        var seen: [String: String] = [:]  // lowercased key -> key as sent
        for tag in tags {
            guard (1...maxKeyLength).contains(tag.key.utf16.count), isTagText(tag.key) else {
                throw unable("a session tag key is not valid", expected: "1-\(maxKeyLength) letters, numbers, spaces or _ . : / = + - @",
                             found: "\"\(tag.key.prefix(160))\" (\(tag.key.utf16.count) characters)")
            }
            guard tag.values.count == 1, let value = tag.values.first else {
                throw unable("a session tag must have exactly one value", expected: "one AttributeValue for PrincipalTag:\(tag.key)",
                             found: "\(tag.values.count)")
            }
            guard value.utf16.count <= maxValueLength, value.isEmpty || isTagText(value) else {
                throw unable("a session tag value is not valid", expected: "0-\(maxValueLength) letters, numbers, spaces or _ . : / = + - @",
                             found: "\"\(value.prefix(160))\" (\(value.utf16.count) characters) for \(tag.key)")
            }
            for (what, text) in [("key", tag.key), ("value", value)] where text.lowercased().hasPrefix("aws:") {
                throw unable("the aws: prefix is reserved for AWS", expected: "a tag \(what) that does not begin with aws:",
                             found: "\"\(text.prefix(160))\"")
            }
            let folded = tag.key.lowercased()
            if let earlier = seen[folded] {
                throw AWSError(code: "InvalidParameterValue",
                               message: "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                               cause: SAMLError(.awsSessionTags, "two session tags have the same key but for case",
                                                expected: "distinct keys, ignoring case", found: "\"\(earlier)\" and \"\(tag.key)\""))
            }
            seen[folded] = tag.key
            result.append((tag.key, value))
        }
        guard transitive.count <= maxTags else {
            throw unable("too many transitive tag keys", expected: "at most \(maxTags) TransitiveTagKeys values", found: "\(transitive.count)")
        }
        for key in transitive where seen[key.lowercased()] == nil {
            throw AWSError(code: "InvalidParameterValue", message: "The specified transitive tag key must be included in the requested tags.",
                           cause: SAMLError(.awsSessionTags, "a transitive tag key names no session tag",
                                            expected: "one of the PrincipalTag keys (ignoring case)", found: "\"\(key.prefix(160))\""))
        }
        return result
    }

    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: Unicode letters, separators and numbers, and seven symbols.
    package static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .spaceSeparator, .lineSeparator, .paragraphSeparator, .decimalNumber, .letterNumber, .otherNumber:
                return true
            default:
                return "_.:/=+-@".unicodeScalars.contains(scalar)
            }
        }
    }
}
