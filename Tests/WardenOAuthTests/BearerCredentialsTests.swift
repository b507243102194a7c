import Foundation
import Testing
import WardenCore

@testable import WardenOAuth

/// Broken bearer credentials are an invalid token (RFC 6750 §3.1: 401 `invalid_token` with a challenge); only
/// more than one `Authorization` header and a token in the query are a bad request (400 `invalid_request`).
@Suite("Bearer credentials")
struct BearerCredentialsTests {
    static let metadataURL = "https://warden.example.com/.well-known/oauth-protected-resource/mcp"

    /// Asserts the refusal is 401 `invalid_token` with a challenge naming the error and its rule.
    private func expectInvalidToken(
        _ result: Result<VerifiedAccessToken, AccessTokenError>,
        _ reason: InvalidTokenReason,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result == .failure(.invalidToken(reason)), sourceLocation: sourceLocation)
        guard case .failure(let error) = result else { return }
        #expect(error.httpStatus == 401, sourceLocation: sourceLocation)
        #expect(error.errorCode == "invalid_token", sourceLocation: sourceLocation)
        #expect(error.carriesChallenge, sourceLocation: sourceLocation)
        let challenge = BearerChallenge.headerValue(resourceMetadataURL: Self.metadataURL, error: error)
        #expect(challenge.hasPrefix("Bearer resource_metadata="), sourceLocation: sourceLocation)
        #expect(challenge.contains(#"error="invalid_token""#), sourceLocation: sourceLocation)
        #expect(challenge.contains("error_description=\"\(reason.description)\""), sourceLocation: sourceLocation)
    }

    @Test(
        "a bare Bearer with no token is 401 invalid_token", arguments: ["Bearer", "Bearer ", "bearer   ", " BEARER\t"])
    func emptyBearerToken(value: String) async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        expectInvalidToken(await harness.verifier.verify(authorizationHeader: value), .emptyBearerToken)
        #expect(
            InvalidTokenReason.emptyBearerToken.description == "the Bearer scheme is not followed by a token (RFC 6750)"
        )
    }

    @Test("a token with characters outside b64token, or not alone, is 401 invalid_token")
    func charactersOutsideB64Token() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = harness.token()
        let values = [
            "Bearer \(token)$", "Bearer \(token.dropLast())!", "Bearer \"\(token)\"", "Bearer \(token) \(token)",
            "Bearer \(token),Bearer \(token)", "Bearer \(token) extra=1", "Bearer \(token)\t\(token)",
            "Bearer =\(token)", "Bearer \(token)=x", "Bearer t\u{00F6}ken", "Bearer \(token)%2E",
            // `Bearer` not followed by a space: glued to the token, a tab, or a comma.
            "Bearer\t\(token)", "Bearer,\(token)", "Bearer\(token)", "BEARER:\(token)",
            // Not a scheme at all.
            "@@@", "\"Bearer\" \(token)",
        ]
        for value in values {
            expectInvalidToken(await harness.verifier.verify(authorizationHeader: value), .malformedCredentials)
        }
        #expect(
            InvalidTokenReason.malformedCredentials.description
                == "the Authorization header must be 'Bearer' followed by exactly one b64token (RFC 6750)")
    }

    @Test("a token that is not three base64url segments, or has bad base64url, is 401 invalid_token")
    func notACompactJWS() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let parts = harness.token().split(separator: ".").map(String.init)
        let values = [
            "abc", "a.b", "a.b.c", "...", "a..c", parts[0] + "." + parts[1],
            parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2],
            // b64token allows `+`, `/`, `~` and `=` padding; base64url does not.
            parts[0] + "+." + parts[1] + "." + parts[2], parts[0] + "." + parts[1] + "/." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2] + "~", parts[0] + "." + parts[1] + "." + parts[2] + "==",
        ]
        for value in values {
            expectInvalidToken(await harness.verifier.verify(authorizationHeader: "Bearer " + value), .malformed)
        }
    }

    @Test("other schemes are no credentials at all: 401 without an error code")
    func otherSchemes() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        for value in [
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Basic", "Digest username=\"a\", realm=\"b\"", "DPoP abc.def.ghi",
        ] {
            #expect(await harness.verifier.verify(authorizationHeader: value) == .failure(.missingToken))
        }
    }

    @Test("only several Authorization headers and a token in the query are 400 invalid_request")
    func badRequests() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = harness.token()
        for values in [["Bearer " + token, "Bearer " + token], ["Bearer " + token, "Basic YQ=="], ["Bearer", ""]] {
            let result = await harness.verifier.verify(authorizationValues: values)
            #expect(result == .failure(.invalidRequest(.multipleAuthorizationHeaders)))
        }
        let inQuery = await harness.verifier.verify(
            authorizationValues: ["Bearer " + token], queryContainsAccessToken: true)
        #expect(inQuery == .failure(.invalidRequest(.tokenInQuery)))
        for error in [AccessTokenError.invalidRequest(.multipleAuthorizationHeaders), .invalidRequest(.tokenInQuery)] {
            #expect(error.httpStatus == 400)
            #expect(error.errorCode == "invalid_request")
        }
    }

    @Test(
        "access_token in the query is found in any case and percent-encoding",
        arguments: [
            "access_token=x", "ACCESS_TOKEN=x", "Access_Token=x", "access%5Ftoken=x", "access%5ftoken=x",
            "%61ccess_token=x", "a=1&ACCESS%5FTOKEN=x", "access_token", "access_token=", "x=1&&access_token=y",
        ])
    func queryTokenFound(query: String) {
        #expect(AccessTokenQueryCheck.containsAccessToken(query: query))
    }

    @Test(
        "access_token as a value, a different name, or a name that only decodes to something else is not matched",
        arguments: [
            "x=access_token", "q=access_token&access=token", "x=a%26access_token%3Dy", "access+token=x",
            "access%2Btoken=x", "access%20token=x", "access-token=x", "accesstoken=x", "access_token2=x",
            "access%255Ftoken=x", "token=x&access=y",
        ])
    func queryTokenNotFound(query: String) {
        #expect(!AccessTokenQueryCheck.containsAccessToken(query: query))
    }

    @Test("an absent or empty query has no token")
    func emptyQuery() {
        #expect(!AccessTokenQueryCheck.containsAccessToken(query: nil))
        #expect(!AccessTokenQueryCheck.containsAccessToken(query: ""))
        #expect(!AccessTokenQueryCheck.containsAccessToken(query: "&&"))
    }
}
