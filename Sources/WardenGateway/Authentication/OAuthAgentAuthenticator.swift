import Foundation
import WardenCore
import WardenOAuth

/// Authenticates agents with OAuth 2.1 bearer JWTs and maps a verified token to a principal of this cell.
public struct OAuthAgentAuthenticator: AgentAuthenticator {
    let verifier: AccessTokenVerifier
    let tenant: String
    let resourceMetadataURL: String
    let scopes: [String]

    public init(verifier: AccessTokenVerifier, tenant: String, resourceMetadataURL: String, scopes: [String]) {
        self.verifier = verifier
        self.tenant = tenant
        self.resourceMetadataURL = resourceMetadataURL
        self.scopes = scopes
    }

    public func authenticate(authorization: [String], tokenInQuery: Bool) async -> Result<
        Principal, AuthenticationFailure
    > {
        switch await verifier.verify(authorizationValues: authorization, queryContainsAccessToken: tokenInQuery) {
        case .success(let token):
            // Subjects of Warden's own agents are reserved: a token claiming one could otherwise act as that agent
            // (its runs, its budgets, approvals meant for it).
            guard !token.subject.hasPrefix(AgentDefinition.subjectPrefix) else {
                return .failure(
                    AuthenticationFailure(
                        status: 403, challenge: "", rule: "auth.reserved-subject",
                        message: "the token's subject is reserved for Warden's own agents"))
            }
            return .success(
                Principal(
                    tenant: tenant,
                    subject: token.subject,
                    issuer: token.issuer,
                    roles: token.roles,
                    scopes: token.scopes,
                    claims: token.claims
                )
            )
        case .failure(let error):
            let challenge =
                error.carriesChallenge
                ? BearerChallenge.headerValue(resourceMetadataURL: resourceMetadataURL, scopes: scopes, error: error)
                : ""
            return .failure(
                AuthenticationFailure(
                    status: error.httpStatus,
                    challenge: challenge,
                    rule: "auth." + (error.errorCode ?? "missing_token").replacingOccurrences(of: "_", with: "-"),
                    message: error.errorDescription ?? "authentication required"
                )
            )
        }
    }
}
