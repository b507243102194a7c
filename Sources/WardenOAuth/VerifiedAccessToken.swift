import Foundation

/// An access token that passed every check: what the gateway turns into a principal.
public struct VerifiedAccessToken: Sendable, Hashable {
    /// The principal, from the configured subject claim (`sub`, or e.g. Entra `oid`).
    public var subject: String
    public var issuer: String
    /// Every `aud` value of the token (one of them names this server).
    public var audiences: [String]
    /// Roles from the configured role claims.
    public var roles: Set<String>
    /// Scopes from `scope` and `scp`.
    public var scopes: Set<String>
    /// The tenant claim (Entra `tid`) when present.
    public var tenantID: String?
    /// `client_id` (RFC 9068), or Entra's `azp` / `appid`, when present.
    public var clientID: String?
    public var expiresAt: Date
    public var issuedAt: Date?
    /// `jti`, when present.
    public var tokenID: String?
    /// The key that signed the token, and its algorithm.
    public var keyID: String
    public var algorithm: JWSAlgorithm
    /// The configured selected claims that were present as scalars, as text.
    public var claims: [String: String]

    public init(
        subject: String,
        issuer: String,
        audiences: [String],
        roles: Set<String>,
        scopes: Set<String>,
        tenantID: String?,
        clientID: String?,
        expiresAt: Date,
        issuedAt: Date?,
        tokenID: String?,
        keyID: String,
        algorithm: JWSAlgorithm,
        claims: [String: String]
    ) {
        self.subject = subject
        self.issuer = issuer
        self.audiences = audiences
        self.roles = roles
        self.scopes = scopes
        self.tenantID = tenantID
        self.clientID = clientID
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.tokenID = tokenID
        self.keyID = keyID
        self.algorithm = algorithm
        self.claims = claims
    }
}
