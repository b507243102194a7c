import Foundation

/// Extraction of the bearer token from a request (RFC 6750 §2.1), before any token parsing.
enum BearerCredentials {
    /// The outcome of reading the `Authorization` header values.
    enum Extraction: Equatable {
        case token(Substring)
        case refused(AccessTokenError)
    }

    /// Reads exactly one bearer token from the `Authorization` header values of a request.
    ///
    /// The scheme is matched case-insensitively (RFC 9110 §11.1); another scheme counts as no credentials
    /// (RFC 6750 §3.1). The token must be one `b64token`: no second token, no commas, no parameters. Broken
    /// bearer credentials are refused as an invalid token (401 `invalid_token` with a challenge), not as a bad
    /// request: a client that gets 400 tends to give up, while 401 sends it back to its authorization server.
    static func extract(authorizationValues: [String], maximumTokenBytes: Int) -> Extraction {
        guard let value = authorizationValues.first else { return .refused(.missingToken) }
        guard authorizationValues.count == 1 else { return .refused(.invalidRequest(.multipleAuthorizationHeaders)) }
        let trimmed = value.trimmingHTTPWhitespace()
        guard !trimmed.isEmpty else { return .refused(.missingToken) }
        let schemeEnd = trimmed.firstIndex(of: " ") ?? trimmed.endIndex
        let scheme = trimmed[trimmed.startIndex..<schemeEnd]
        guard scheme.lowercased() == "bearer" else {
            // `Bearer` glued to what follows (`Bearer\t…`, `Bearer,…`) or a scheme position that is no token at
            // all is broken credentials; a well-formed other scheme (`Basic …`) is simply not bearer credentials.
            let isOtherScheme =
                scheme.allSatisfy(\.isHTTPTokenCharacter) && !scheme.lowercased().hasPrefix("bearer")
            return isOtherScheme ? .refused(.missingToken) : .refused(.invalidToken(.malformedCredentials))
        }
        let token = trimmed[schemeEnd...].drop(while: { $0 == " " })
        guard !token.isEmpty else { return .refused(.invalidToken(.emptyBearerToken)) }
        guard token.utf8.count <= maximumTokenBytes else { return .refused(.invalidToken(.tooLarge)) }
        guard isB64Token(token) else { return .refused(.invalidToken(.malformedCredentials)) }
        return .token(token)
    }

    /// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 6750 §2.1).
    static func isB64Token(_ token: Substring) -> Bool {
        var seenPadding = false
        for byte in token.utf8 {
            switch byte {
            case UInt8(ascii: "="):
                seenPadding = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                if seenPadding { return false }
            default:
                return false
            }
        }
        return token.utf8.first != UInt8(ascii: "=")
    }
}

/// Detection of access tokens sent in the URI query (RFC 6750 §2.3), which the MCP authorization spec forbids.
public enum AccessTokenQueryCheck {
    /// Whether a raw query string (without `?`) has an `access_token` parameter, in any percent-encoding or case.
    ///
    /// Only parameter names are compared: `?q=access_token` is an ordinary search, not a token.
    public static func containsAccessToken(query: String?) -> Bool {
        guard let query, !query.isEmpty else { return false }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let rawName = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let name = String(rawName).replacingOccurrences(of: "+", with: " ")
            let decoded = name.removingPercentEncoding ?? name
            if decoded.lowercased() == "access_token" { return true }
        }
        return false
    }
}

extension Character {
    /// RFC 9110 `tchar`.
    fileprivate var isHTTPTokenCharacter: Bool {
        guard let ascii = asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(ascii)
        }
    }
}

extension String {
    /// Drops leading and trailing SP and HTAB (HTTP optional whitespace).
    fileprivate func trimmingHTTPWhitespace() -> Substring {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = firstIndex(where: { !isOWS($0) }) ?? endIndex
        let end = lastIndex(where: { !isOWS($0) }).map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
