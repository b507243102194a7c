/// How to reach one Streamable HTTP upstream. Built by the gateway from configuration, with secret
/// references already resolved into `headers` (e.g. `Authorization: Bearer <upstream credential>`).
public struct HTTPUpstreamConfiguration: Sendable {
    /// The MCP endpoint, e.g. `https://mcp.example.com/mcp`.
    public var endpoint: String
    /// Extra request headers set by Warden. Never logged. The agent's own token is never among them.
    public var headers: [String: String]
    /// The largest response body (JSON, or all SSE bytes for one request) accepted.
    public var maxResponseBytes: Int
    public var connectTimeout: Duration
    /// How often a request's SSE stream may be resumed (GET with `Last-Event-ID`) after the server closes it.
    public var maxStreamResumptions: Int

    public init(
        endpoint: String,
        headers: [String: String] = [:],
        maxResponseBytes: Int = 4 * 1024 * 1024,
        connectTimeout: Duration = .seconds(10),
        maxStreamResumptions: Int = 3
    ) {
        self.endpoint = endpoint
        self.headers = headers
        self.maxResponseBytes = maxResponseBytes
        self.connectTimeout = connectTimeout
        self.maxStreamResumptions = maxStreamResumptions
    }

    /// Headers the transport owns; configuration may not set them.
    static let reservedHeaders: Set<String> = [
        "accept", "content-type", "content-length", "host", "mcp-session-id", "mcp-protocol-version",
        "last-event-id", "transfer-encoding", "connection",
    ]

    /// A configuration problem found before any request is made.
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    func validate() throws(Invalid) {
        guard endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") else {
            throw Invalid(description: "upstream endpoint must be an http:// or https:// URL")
        }
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw Invalid(description: "upstream header name \"\(name)\" is not a valid HTTP token")
            }
            guard !Self.reservedHeaders.contains(name.lowercased()) else {
                throw Invalid(description: "upstream header \"\(name)\" is set by the transport itself")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw Invalid(description: "upstream header \"\(name)\" has a value with a line break")
            }
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
