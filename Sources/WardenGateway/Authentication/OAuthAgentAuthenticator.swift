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
