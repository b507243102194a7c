import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WardenOAuth

/// The seam through which the inbox talks to the identity provider (discovery, JWKS, the token endpoint), so the
/// sign-in checks are tested against a fake provider without a network.
protocol OIDCTransport: Sendable {
    func get(_ url: String) async throws -> HTTPDocument
    /// POSTs `application/x-www-form-urlencoded`; `basic` is HTTP Basic client authentication when given.
    func postForm(_ url: String, form: [(String, String)], basic: (user: String, password: String)?) async throws
        -> HTTPDocument
}

/// The live transport: https only (loopback http when allowed), no redirects, bounded size and time.
struct LiveOIDCTransport: OIDCTransport {
    let policy: FetchPolicy

    /// One client for the life of the process; redirects are never followed (they could move a token exchange to
    /// another origin or to plain http).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func get(_ url: String) async throws -> HTTPDocument {
        try policy.check(url)
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        return try await execute(request)
    }

    func postForm(_ url: String, form: [(String, String)], basic: (user: String, password: String)?) async throws
        -> HTTPDocument
    {
        try policy.check(url)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let basic {
            // RFC 6749 §2.3.1: both parts form-encoded before Basic.
            let pair = FormEncoding.encode(basic.user) + ":" + FormEncoding.encode(basic.password)
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        }
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        return try await execute(request)
    }

    private func execute(_ request: HTTPClientRequest) async throws -> HTTPDocument {
        let response = try await Self.client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: policy.maximumBytes)
        return HTTPDocument(status: Int(response.status.code), body: Array(body.readableBytesView))
    }
}

/// `application/x-www-form-urlencoded` both ways (query strings, token requests, the inbox's own forms).
enum FormEncoding {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    /// Decodes a form body or query; nil when a part is not valid percent-encoding (refused, not guessed).
    static func decode(_ text: String) -> [String: String]? {
        var result: [String: String] = [:]
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(pieces[0]), let value = unescape(pieces.count > 1 ? pieces[1] : "") else {
                return nil
            }
            // A repeated field is ambiguous (which one was checked?): refuse the form.
            guard result[name] == nil else { return nil }
            result[name] = value
        }
        return result
    }

    private static func unescape(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
