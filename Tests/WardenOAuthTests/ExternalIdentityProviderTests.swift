import AsyncHTTPClient
import Foundation
import Testing
import WardenCore

@testable import WardenOAuth

/// Against a real authorization server process (e2e/idp/authlib_server.py), through the live AsyncHTTPClient
/// fetcher and discovery. Runs only when `WARDEN_TEST_IDP_URL` names the issuer; `WARDEN_TEST_IDP_CLIENT` is
/// the `id:secret:role1,role2` the server was started with.
@Suite(
    "External identity provider (WARDEN_TEST_IDP_URL)",
    .enabled(if: ProcessInfo.processInfo.environment["WARDEN_TEST_IDP_URL"] != nil)
)
struct ExternalIdentityProviderTests {
    static let resource = "https://warden.example.com/mcp"

    let issuer = ProcessInfo.processInfo.environment["WARDEN_TEST_IDP_URL"] ?? ""
    let client = (ProcessInfo.processInfo.environment["WARDEN_TEST_IDP_CLIENT"] ?? "agent-1:s3cret:analyst,reader")
        .split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)

    private func requestToken(resource: String, algorithm: String) async throws -> String {
        var request = HTTPClientRequest(url: issuer + "/token")
        request.method = .POST
        let credentials = Data("\(client[0]):\(client[1])".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let resourceParameter = resource.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        request.body = .bytes(
            Array("grant_type=client_credentials&resource=\(resourceParameter)&token_alg=\(algorithm)".utf8))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let document = try #require(JSONValue.parse(Array(body.readableBytesView)))
        return try #require(document["access_token"]?.stringValue)
    }

    private func makeVerifier() throws -> AccessTokenVerifier {
        let fetcher = HTTPJWKSFetcher(
            source: .issuerDiscovery(issuer: issuer), policy: FetchPolicy(allowsLoopbackHTTP: true))
        let configuration = ResourceServerConfiguration(
            issuer: issuer, resource: Self.resource, requireAccessTokenType: true)
        return try AccessTokenVerifier(configuration: configuration, keys: JWKSCache(fetcher: fetcher))
    }

    @Test(
        "tokens from the authorization server verify through discovery and the live JWKS fetch",
        arguments: ["RS256", "ES256"])
    func acceptsProviderTokens(algorithm: String) async throws {
        let verifier = try makeVerifier()
        let token = try await requestToken(resource: Self.resource, algorithm: algorithm)
        let verified = try await verifier.verify(authorizationHeader: "Bearer " + token).get()
        #expect(verified.algorithm.rawValue == algorithm)
        #expect(verified.subject == client[0])
        #expect(verified.clientID == client[0])
        #expect(verified.roles == Set(client[2].split(separator: ",").map(String.init)))
    }

    @Test("a token the provider issued for another resource is refused")
    func refusesOtherResource() async throws {
        let verifier = try makeVerifier()
        let token = try await requestToken(resource: "https://other.example.com/mcp", algorithm: "RS256")
        #expect(
            await verifier.verify(authorizationHeader: "Bearer " + token) == .failure(.invalidToken(.audienceMismatch)))
    }
}
