/// Builds the `WWW-Authenticate` header value of a refusal (RFC 6750 §3, RFC 9728 §5.1, MCP authorization).
public enum BearerChallenge {
    /// `Bearer resource_metadata="…", scope="…", error="…", error_description="…"`.
    ///
    /// - Parameters:
    ///   - resourceMetadataURL: where the RFC 9728 protected resource metadata is served.
    ///   - scopes: the scopes a client should request; for `insufficient_scope` the required scopes are used
    ///     instead. Omitted when empty.
    ///   - error: the refusal; `nil` or ``AccessTokenError/missingToken`` gives a challenge with no error code.
    public static func headerValue(
        resourceMetadataURL: String,
        scopes: [String] = [],
        error: AccessTokenError? = nil
    ) -> String {
        var parameters: [(String, String)] = [("resource_metadata", resourceMetadataURL)]
        var scopeList = scopes
        if case .insufficientScope(let required) = error { scopeList = required }
        if !scopeList.isEmpty { parameters.append(("scope", scopeList.joined(separator: " "))) }
        if let code = error?.errorCode { parameters.append(("error", code)) }
        if error?.errorCode != nil, let text = error?.errorDescription {
            parameters.append(("error_description", text))
        }
        let rendered = parameters.map { "\($0.0)=\(quotedString($0.1))" }
        return "Bearer " + rendered.joined(separator: ", ")
    }

    /// An RFC 9110 quoted-string: `"` and `\` are escaped; control and non-ASCII characters, which a header
    /// cannot carry safely, become `?` (so no header injection is possible whatever the input).
    public static func quotedString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"", "\\":
                result.append("\\")
                result.unicodeScalars.append(scalar)
            case " "..."~":
                result.unicodeScalars.append(scalar)
            default:
                result.append("?")
            }
        }
        result.append("\"")
        return result
    }
}
