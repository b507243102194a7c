import WardenCore

/// Turns a request's credentials into a principal, or into the exact HTTP refusal (status + challenge).
public protocol AgentAuthenticator: Sendable {
    /// - Parameters:
    ///   - authorization: every `Authorization` header value of the request (more than one is refused).
    ///   - tokenInQuery: whether the URL carried an `access_token` parameter (always refused: RFC 9700).
    func authenticate(authorization: [String], tokenInQuery: Bool) async -> Result<Principal, AuthenticationFailure>
}

/// An authentication refusal as HTTP must carry it.
public struct AuthenticationFailure: Error, Sendable, Equatable {
    /// 400, 401 or 403.
    public var status: Int
    /// The `WWW-Authenticate` header value (RFC 6750 / RFC 9728).
    public var challenge: String
    /// Stable rule id for logs and the ledger, e.g. `auth.token-expired`.
    public var rule: String
    /// Safe to show: never contains token contents.
    public var message: String

    public init(status: Int, challenge: String, rule: String, message: String) {
        self.status = status
        self.challenge = challenge
        self.rule = rule
        self.message = message
    }
}
