import Foundation
import Testing
import WardenCore

@testable import WardenOAuth

@Suite("RFC 9728 metadata and WWW-Authenticate")
struct ProtectedResourceMetadataTests {
    @Test("the well-known URL is inserted between host and path, with a root form beside it")
    func wellKnownLocations() throws {
        let withPath = try ProtectedResourceMetadataLocation(resource: "https://warden.example.com/mcp")
        #expect(withPath.url == "https://warden.example.com/.well-known/oauth-protected-resource/mcp")
        #expect(withPath.root == "https://warden.example.com/.well-known/oauth-protected-resource")
        #expect(withPath.path == "/.well-known/oauth-protected-resource/mcp")
        #expect(withPath.rootPath == "/.well-known/oauth-protected-resource")

        let root = try ProtectedResourceMetadataLocation(resource: "https://warden.example.com:8443/")
        #expect(root.url == "https://warden.example.com:8443/.well-known/oauth-protected-resource")
        #expect(root.url == root.root)

        let withQuery = try ProtectedResourceMetadataLocation(resource: "https://warden.example.com/t/a?cell=1")
        #expect(withQuery.url == "https://warden.example.com/.well-known/oauth-protected-resource/t/a?cell=1")

        #expect(throws: ResourceServerConfigurationError.self) {
            try ProtectedResourceMetadataLocation(resource: "https://warden.example.com/mcp#x")
        }
    }

    @Test("the metadata document names the resource, the issuer and header-only bearer use")
    func metadataDocument() throws {
        let configuration = ResourceServerConfiguration(
            issuer: "https://login.example.com/t/v2.0", resource: "https://warden.example.com/mcp",
            requiredScopes: ["mcp.tools"])
        let document = ProtectedResourceMetadata(configuration: configuration, resourceName: "Warden")
        let parsed = try #require(JSONValue.parse(document.jsonBytes()))
        #expect(
            parsed
                == .object([
                    "resource": "https://warden.example.com/mcp",
                    "authorization_servers": ["https://login.example.com/t/v2.0"],
                    "scopes_supported": ["mcp.tools"],
                    "bearer_methods_supported": ["header"],
                    "resource_name": "Warden",
                ]))
    }

    @Test("a missing token gets a challenge with the metadata URL and no error")
    func challengeForMissingToken() {
        let value = BearerChallenge.headerValue(
            resourceMetadataURL: "https://w.example/.well-known/oauth-protected-resource/mcp", scopes: ["mcp.tools"],
            error: .missingToken)
        #expect(
            value
                == #"Bearer resource_metadata="https://w.example/.well-known/oauth-protected-resource/mcp", scope="mcp.tools""#
        )
    }

    @Test("an invalid token gets error and a description naming the rule")
    func challengeForInvalidToken() {
        let value = BearerChallenge.headerValue(
            resourceMetadataURL: "https://w.example/m", error: .invalidToken(.expired))
        #expect(
            value
                == #"Bearer resource_metadata="https://w.example/m", error="invalid_token", error_description="the token has expired (exp)""#
        )
    }

    @Test("insufficient scope names the required scopes in the challenge")
    func challengeForInsufficientScope() {
        let value = BearerChallenge.headerValue(
            resourceMetadataURL: "https://w.example/m", scopes: ["other"],
            error: .insufficientScope(required: ["mcp.admin", "mcp.tools"]))
        #expect(value.contains(#"scope="mcp.admin mcp.tools""#))
        #expect(value.contains(#"error="insufficient_scope""#))
        #expect(!value.contains("other"))
    }

    @Test("quoted strings escape quotes and backslashes and cannot carry control characters")
    func quoting() {
        #expect(BearerChallenge.quotedString(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(BearerChallenge.quotedString("x\r\nSet-Cookie: y") == "\"x??Set-Cookie: y\"")
        #expect(BearerChallenge.quotedString("café") == "\"caf?\"")
    }

    @Test("every error maps to its RFC 6750 status and code")
    func errorMapping() {
        let cases: [(AccessTokenError, Int, String?)] = [
            (.missingToken, 401, nil),
            (.invalidRequest(.tokenInQuery), 400, "invalid_request"),
            (.invalidRequest(.multipleAuthorizationHeaders), 400, "invalid_request"),
            (.invalidToken(.emptyBearerToken), 401, "invalid_token"),
            (.invalidToken(.malformedCredentials), 401, "invalid_token"),
            (.invalidToken(.malformed), 401, "invalid_token"),
            (.invalidToken(.wrongTokenType), 401, "invalid_token"),
            (.invalidToken(.idTokenClaim("nonce")), 401, "invalid_token"),
            (.invalidToken(.signatureInvalid), 401, "invalid_token"),
            (.insufficientScope(required: ["s"]), 403, "insufficient_scope"),
            (.signingKeysUnavailable, 503, nil),
        ]
        for (error, status, code) in cases {
            #expect(error.httpStatus == status)
            #expect(error.errorCode == code)
        }
    }
}
