import AsyncHTTPClient
import Foundation

/// A document fetched over HTTP.
public struct HTTPDocument: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Why a metadata or JWKS fetch failed (logged; the request then fails closed).
public struct OAuthFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The seam for GET requests to the issuer (metadata and JWKS), so discovery is testable without a network.
public protocol HTTPDocumentFetching: Sendable {
    func fetch(_ url: String) async throws -> HTTPDocument
}

/// Which URLs the resource server may fetch keys and metadata from.
public struct FetchPolicy: Sendable {
    /// Allow plain `http` to loopback hosts (127.0.0.0/8, ::1, localhost). Development only.
    public var allowsLoopbackHTTP: Bool
    /// Documents larger than this are refused.
    public var maximumBytes: Int
    /// Deadline for one whole request.
    public var timeout: Duration

    public init(allowsLoopbackHTTP: Bool = false, maximumBytes: Int = 256 * 1024, timeout: Duration = .seconds(10)) {
        self.allowsLoopbackHTTP = allowsLoopbackHTTP
        self.maximumBytes = maximumBytes
        self.timeout = timeout
    }

    /// Refuses a URL that is not https (or loopback http when allowed), naming the rule.
    public func check(_ url: String) throws(OAuthFetchError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw OAuthFetchError("not an absolute URL: \(url)")
        }
        guard components.user == nil, components.password == nil else {
            throw OAuthFetchError("URLs with credentials are refused: \(components.host ?? "")")
        }
        switch scheme {
        case "https": return
        case "http" where allowsLoopbackHTTP && Self.isLoopback(host: host): return
        default: throw OAuthFetchError("https is required for \(url)")
        }
    }

    static func isLoopback(host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// GETs metadata and JWKS documents with AsyncHTTPClient: https only (see ``FetchPolicy``), bounded size and
/// time, no redirects (a redirect could move key retrieval to another origin or to plain http).
public struct AsyncHTTPDocumentFetcher: HTTPDocumentFetching {
    private let client: HTTPClient
    private let policy: FetchPolicy

    /// - Parameter client: defaults to a process-wide client that does not follow redirects.
    public init(policy: FetchPolicy = FetchPolicy(), client: HTTPClient? = nil) {
        self.policy = policy
        self.client = client ?? Self.sharedClient
    }

    /// One client for the life of the process (like `HTTPClient.shared`, but without redirect following).
    static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(10))
        )
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public func fetch(_ url: String) async throws -> HTTPDocument {
        try policy.check(url)
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let (seconds, attoseconds) = policy.timeout.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(nanoseconds))
        } catch {
            throw OAuthFetchError("GET \(url) failed: \(error)")
        }
        do {
            let body = try await response.body.collect(upTo: policy.maximumBytes)
            return HTTPDocument(status: Int(response.status.code), body: Array(body.readableBytesView))
        } catch {
            throw OAuthFetchError("GET \(url): response larger than \(policy.maximumBytes) bytes or unreadable")
        }
    }
}
