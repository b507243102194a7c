import Foundation

/// Where traces go: `<base>/v1/traces`, checked so that span data and the auth header travel encrypted.
///
/// `http://` is accepted only for a loopback host (a collector sidecar) unless explicitly allowed; anything
/// else must be `https://`. User info in the URL is refused (it would be a credential in config and logs);
/// so are queries and fragments.
public struct OTLPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The full URL spans are POSTed to.
    public let tracesURL: String
    /// The host, for logging (the URL has no credentials, so it may be logged).
    public let host: String

    public init(_ base: String, allowInsecureHTTP: Bool = false) throws(OTLPConfigurationError) {
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased() else {
            throw .invalidEndpoint("not an absolute URL")
        }
        guard let rawHost = url.host, !rawHost.isEmpty else { throw .invalidEndpoint("no host") }
        guard url.user == nil, url.password == nil else {
            throw .invalidEndpoint("user info in the URL is refused; put credentials in headers from the vault")
        }
        guard url.query == nil, url.fragment == nil else { throw .invalidEndpoint("query or fragment is refused") }
        switch scheme {
        case "https": break
        case "http":
            guard allowInsecureHTTP || Self.isLoopback(rawHost) else {
                throw .insecureEndpoint(host: rawHost)
            }
        default: throw .invalidEndpoint("scheme must be https (or http for loopback)")
        }
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.tracesURL = trimmed.hasSuffix("/v1/traces") ? trimmed : trimmed + "/v1/traces"
        self.host = rawHost
    }

    public var description: String { tracesURL }

    /// `localhost`, `::1` and 127.0.0.0/8: traffic that never leaves the machine.
    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "[::1]" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let octets = parts.compactMap { part -> Int? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = Int(part), value <= 255
            else { return nil }
            return value
        }
        return octets.count == 4 && octets[0] == 127
    }
}

/// A configuration the exporter refuses, naming the rule.
public enum OTLPConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidEndpoint(String)
    case insecureEndpoint(host: String)
    case invalidHeader(name: String, reason: String)
    case invalidLimit(String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let reason): "OTLP endpoint refused: \(reason)"
        case .insecureEndpoint(let host):
            "OTLP endpoint refused: http:// to non-loopback host \(host) (use https, or allow insecure explicitly)"
        case .invalidHeader(let name, let reason): "OTLP header \(name) refused: \(reason)"
        case .invalidLimit(let reason): "OTLP exporter limit refused: \(reason)"
        }
    }
}
