import Foundation
import WardenCore

/// Verifies bearer access tokens as an OAuth 2.1 resource server (MCP authorization, RFC 6750, RFC 9068).
///
/// The order matters and is fixed: request syntax, size, structure, the header's algorithm against the
/// allowlist (before any key is looked up), the RFC 9068 `typ`, `kid`, the key's own algorithm, the signature,
/// and only then the claims (`iss`, `aud`, `exp`, `nbf`, `iat`, tenant, subject) and the required scopes.
public struct AccessTokenVerifier: Sendable {
    public let configuration: ResourceServerConfiguration
    /// The issuer's keys; `await keys.refresh()` at start warms the cache and surfaces a bad issuer early.
    public let keys: JWKSCache
    private let now: @Sendable () -> Date
    /// Tokens whose signature was already checked, so an agent's every request does not pay for the signature
    /// again; the claims are still checked on every request.
    let signatures = VerifiedSignatures()

    /// - Parameters:
    ///   - configuration: validated here; an invalid one is refused.
    ///   - keys: the issuer's keys (``JWKSCache`` over ``HTTPJWKSFetcher``, or over ``DevelopmentIssuer``).
    ///   - now: the clock (tests pass a fixed one).
    public init(
        configuration: ResourceServerConfiguration,
        keys: JWKSCache,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(ResourceServerConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.keys = keys
        self.now = now
    }

    /// Verifies the request's credentials.
    ///
    /// - Parameters:
    ///   - authorizationValues: every `Authorization` header value of the request (more than one is refused).
    ///   - queryContainsAccessToken: whether the URI query has `access_token` (see ``AccessTokenQueryCheck``);
    ///     such a request is refused even when a header token is also present.
    public func verify(
        authorizationValues: [String],
        queryContainsAccessToken: Bool = false
    ) async -> Result<VerifiedAccessToken, AccessTokenError> {
        if queryContainsAccessToken { return .failure(.invalidRequest(.tokenInQuery)) }
        switch BearerCredentials.extract(
            authorizationValues: authorizationValues, maximumTokenBytes: configuration.maximumTokenBytes)
        {
        case .refused(let error): return .failure(error)
        case .token(let token): return await verify(token: token)
        }
    }

    /// Verifies a single `Authorization` header value (`nil` when the request has none).
    public func verify(authorizationHeader: String?) async -> Result<VerifiedAccessToken, AccessTokenError> {
        await verify(authorizationValues: authorizationHeader.map { [$0] } ?? [])
    }

    /// Verifies a bare token (already taken out of a `Bearer` header).
    public func verify(token: Substring) async -> Result<VerifiedAccessToken, AccessTokenError> {
        guard token.utf8.count <= configuration.maximumTokenBytes else { return .failure(.invalidToken(.tooLarge)) }
        let digest = VerifiedSignatures.digest(of: token)
        if let known = signatures.lookup(digest) {
            // The same bytes passed the header rules and the signature under this very key before; the key must
            // still be in the issuer's set, unchanged (rotation and removal are honoured), and the claims are
            // judged again now (expiry, not-before).
            if case .key(let key) = await keys.lookup(keyID: known.keyID, algorithm: known.algorithm),
                key.fingerprint == known.keyFingerprint
            {
                return judgeClaims(known.payload, keyID: known.keyID, algorithm: known.algorithm)
            }
            signatures.forget(digest)
        }
        let jws: CompactJWS
        switch CompactJWS.parse(token) {
        case .failure(let reason): return .failure(.invalidToken(reason))
        case .success(let parsed): jws = parsed
        }

        let algorithm: JWSAlgorithm
        switch checkHeader(jws.header) {
        case .failure(let reason): return .failure(.invalidToken(reason))
        case .success(let allowed): algorithm = allowed
        }
        guard let kidValue = jws.header["kid"] else { return .failure(.invalidToken(.missingKeyID)) }
        guard let keyID = kidValue.stringValue, !keyID.isEmpty else { return .failure(.invalidToken(.malformed)) }

        let key: VerificationKey
        switch await keys.lookup(keyID: keyID, algorithm: algorithm) {
        case .key(let found): key = found
        case .unknownKeyID: return .failure(.invalidToken(.unknownKeyID))
        case .algorithmMismatch: return .failure(.invalidToken(.keyAlgorithmMismatch))
        case .unavailable: return .failure(.signingKeysUnavailable)
        }
        let signatureValid = (try? key.verifier.verify(jws.signature, signs: jws.signingInput)) ?? false
        guard signatureValid else { return .failure(.invalidToken(.signatureInvalid)) }

        guard case .object(let payload)? = JSONValue.parse(jws.payloadBytes) else {
            return .failure(.invalidToken(.malformed))
        }
        let judged = judgeClaims(payload, keyID: keyID, algorithm: algorithm)
        if case .success(let token) = judged {
            signatures.remember(
                digest,
                VerifiedSignatures.Entry(
                    keyID: keyID, algorithm: algorithm, keyFingerprint: key.fingerprint, payload: payload,
                    expiresAt: token.expiresAt),
                now: now())
        }
        return judged
    }

    /// The claims (`iss`, `aud`, `exp`, `nbf`, `iat`, tenant, subject) and the required scopes of a payload whose
    /// signature is valid.
    private func judgeClaims(_ payload: [String: JSONValue], keyID: String, algorithm: JWSAlgorithm) -> Result<
        VerifiedAccessToken, AccessTokenError
    > {
        let verified: VerifiedAccessToken
        switch AccessTokenClaims(configuration: configuration).validate(
            payload, now: now(), keyID: keyID, algorithm: algorithm)
        {
        case .failure(let reason): return .failure(.invalidToken(reason))
        case .success(let token): verified = token
        }

        let missing = configuration.requiredScopes.subtracting(verified.scopes)
        guard missing.isEmpty else {
            return .failure(.insufficientScope(required: configuration.requiredScopes.sorted()))
        }
        return .success(verified)
    }

    /// Header rules: a signed, asymmetric, allowlisted algorithm; no critical extensions; `at+jwt` when required.
    private func checkHeader(_ header: [String: JSONValue]) -> Result<JWSAlgorithm, InvalidTokenReason> {
        guard let name = header["alg"]?.stringValue else { return .failure(.malformed) }
        if name.lowercased() == "none" { return .failure(.algorithmNone) }
        if name.uppercased().hasPrefix("HS") { return .failure(.symmetricAlgorithm) }
        guard let algorithm = JWSAlgorithm(rawValue: name), configuration.allowedAlgorithms.contains(algorithm) else {
            return .failure(.algorithmNotAllowed)
        }
        if header["crit"] != nil { return .failure(.criticalHeader) }
        if configuration.requireAccessTokenType {
            let type = header["typ"]?.stringValue?.lowercased()
            guard type == "at+jwt" || type == "application/at+jwt" else { return .failure(.wrongTokenType) }
        }
        return .success(algorithm)
    }
}
