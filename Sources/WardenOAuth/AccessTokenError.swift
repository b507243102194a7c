/// Why a request's access token was refused, with the HTTP mapping of RFC 6750 §3.1.
///
/// Descriptions name the rule that refused; they never contain any part of the token.
public enum AccessTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No bearer credentials at all (or another authentication scheme): 401 without an error code.
    case missingToken
    /// The request is malformed in a way no token can fix: 400 `invalid_request`. Only for more than one
    /// `Authorization` header and a token in the query; malformed bearer credentials are a malformed token,
    /// which RFC 6750 §3.1 answers with 401 `invalid_token` (so clients re-authenticate rather than give up).
    case invalidRequest(InvalidRequestReason)
    /// The token is not acceptable: 401 `invalid_token`.
    case invalidToken(InvalidTokenReason)
    /// The token is valid but lacks scopes: 403 `insufficient_scope`, naming the scopes required.
    case insufficientScope(required: [String])
    /// No signing keys could be obtained from the issuer, so nothing can be verified (fail closed): 503.
    case signingKeysUnavailable

    /// The HTTP status the gateway answers with.
    public var httpStatus: Int {
        switch self {
        case .missingToken, .invalidToken: return 401
        case .invalidRequest: return 400
        case .insufficientScope: return 403
        case .signingKeysUnavailable: return 503
        }
    }

    /// The RFC 6750 `error` code; `nil` when the request carried no credentials (RFC 6750 §3.1).
    public var errorCode: String? {
        switch self {
        case .missingToken, .signingKeysUnavailable: return nil
        case .invalidRequest: return "invalid_request"
        case .invalidToken: return "invalid_token"
        case .insufficientScope: return "insufficient_scope"
        }
    }

    /// A human-readable `error_description` naming the rule.
    public var errorDescription: String? {
        switch self {
        case .missingToken: return nil
        case .invalidRequest(let reason): return reason.description
        case .invalidToken(let reason): return reason.description
        case .insufficientScope(let required):
            return "the access token lacks a required scope (\(required.joined(separator: " ")))"
        case .signingKeysUnavailable: return "the issuer's signing keys are unavailable"
        }
    }

    /// Whether the response carries a `WWW-Authenticate: Bearer` challenge (every case but 503).
    public var carriesChallenge: Bool { self != .signingKeysUnavailable }

    public var description: String {
        if let code = errorCode, let text = errorDescription { return "\(code): \(text)" }
        return errorDescription ?? "missing bearer token"
    }
}

/// Why a request was malformed (400 `invalid_request`).
public enum InvalidRequestReason: String, Error, Sendable, Hashable, CustomStringConvertible {
    case multipleAuthorizationHeaders
    case tokenInQuery

    public var description: String {
        switch self {
        case .multipleAuthorizationHeaders: return "more than one Authorization header"
        case .tokenInQuery: return "access tokens in the query string are refused; use the Authorization header"
        }
    }
}

/// Why a token was refused (401 `invalid_token`). Each case is one rule.
///
/// Descriptions go into the `error_description` of the challenge, so they stay printable ASCII (RFC 6750 §3).
public enum InvalidTokenReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// `Bearer` with nothing after it.
    case emptyBearerToken
    /// The credentials are not `Bearer` and one `b64token` (a second token, parameters, quotes, a tab...).
    case malformedCredentials
    case tooLarge
    case malformed
    case encryptedToken
    case algorithmNone
    case symmetricAlgorithm
    case algorithmNotAllowed
    case criticalHeader
    case wrongTokenType
    /// With ``ResourceServerConfiguration/requireAccessTokenType`` off: a claim only ID tokens carry.
    case idTokenClaim(String)
    case missingKeyID
    case unknownKeyID
    case keyAlgorithmMismatch
    case signatureInvalid
    case issuerMismatch
    case audienceMismatch
    case expired
    case notYetValid
    case issuedInFuture
    case tenantMismatch
    /// A required claim is absent.
    case missingClaim(String)
    /// A claim has the wrong JSON type or shape.
    case malformedClaim(String)

    public var description: String {
        switch self {
        case .emptyBearerToken: return "the Bearer scheme is not followed by a token (RFC 6750)"
        case .malformedCredentials:
            return "the Authorization header must be 'Bearer' followed by exactly one b64token (RFC 6750)"
        case .tooLarge: return "the access token exceeds the maximum size"
        case .malformed: return "the access token is not a well-formed JWS compact serialization"
        case .encryptedToken: return "encrypted (JWE) access tokens are not accepted"
        case .algorithmNone: return "unsigned tokens (alg none) are never accepted"
        case .symmetricAlgorithm: return "HMAC-signed tokens are never accepted"
        case .algorithmNotAllowed: return "the token's signing algorithm is not in the allowlist"
        case .criticalHeader: return "the token has critical header parameters this server does not understand"
        case .wrongTokenType: return "the token is not an access token (typ must be at+jwt, RFC 9068)"
        case .idTokenClaim(let name): return "the token is not an access token (it carries the ID token claim \(name))"
        case .missingKeyID: return "the token header has no key id (kid)"
        case .unknownKeyID: return "the token's key id is not in the issuer's key set"
        case .keyAlgorithmMismatch: return "the token's algorithm does not match its key"
        case .signatureInvalid: return "the token signature is invalid"
        case .issuerMismatch: return "the token issuer (iss) is not the configured issuer"
        case .audienceMismatch: return "the token audience (aud) does not include this resource"
        case .expired: return "the token has expired (exp)"
        case .notYetValid: return "the token is not yet valid (nbf)"
        case .issuedInFuture: return "the token was issued in the future (iat)"
        case .tenantMismatch: return "the token's tenant is not this server's tenant"
        case .missingClaim(let name): return "the token lacks the required claim \(name)"
        case .malformedClaim(let name): return "the token claim \(name) has an invalid value"
        }
    }
}
