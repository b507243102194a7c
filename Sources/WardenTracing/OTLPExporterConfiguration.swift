/// Everything the exporter needs, validated at construction so a bad config fails at start, not at export.
public struct OTLPExporterConfiguration: Sendable, CustomStringConvertible {
    public let endpoint: OTLPEndpoint
    /// Extra request headers (e.g. an auth header resolved from the vault). Values are never logged or
    /// printed, including by `description`.
    public let headers: [(name: String, value: String)]
    public let resource: ServiceResource
    /// Spans held while waiting for export; when full, new spans are dropped and counted.
    public let queueCapacity: Int
    /// Spans per export request.
    public let maxBatchSize: Int
    /// A partial batch is sent after at most this long.
    public let flushInterval: Duration
    /// Deadline for one HTTP request (connect, send, response).
    public let requestTimeout: Duration
    public let retry: RetryPolicy
    /// Largest response body read (only the partial-success report is in it).
    public let maxResponseBytes: Int

    public init(
        endpoint: OTLPEndpoint, headers: [(name: String, value: String)] = [], resource: ServiceResource,
        queueCapacity: Int = 2048, maxBatchSize: Int = 512, flushInterval: Duration = .seconds(1),
        requestTimeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy(), maxResponseBytes: Int = 65536
    ) throws(OTLPConfigurationError) {
        guard queueCapacity > 0 else { throw .invalidLimit("queueCapacity must be positive") }
        guard maxBatchSize > 0 else { throw .invalidLimit("maxBatchSize must be positive") }
        guard flushInterval > .zero else { throw .invalidLimit("flushInterval must be positive") }
        guard requestTimeout > .zero else { throw .invalidLimit("requestTimeout must be positive") }
        guard maxResponseBytes > 0 else { throw .invalidLimit("maxResponseBytes must be positive") }
        for header in headers { try Self.validate(header) }
        self.endpoint = endpoint
        self.headers = headers
        self.resource = resource
        self.queueCapacity = queueCapacity
        self.maxBatchSize = maxBatchSize
        self.flushInterval = flushInterval
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.maxResponseBytes = maxResponseBytes
    }

    /// Header names the exporter sets itself or that would change the framing of the request.
    static let reservedHeaderNames: Set<String> = [
        "content-type", "content-length", "transfer-encoding", "host", "connection", "expect",
    ]

    static func validate(_ header: (name: String, value: String)) throws(OTLPConfigurationError) {
        let tokenSymbols = Set("!#$%&'*+-.^_`|~".utf8)
        let name = header.name
        guard !name.isEmpty,
            name.utf8.allSatisfy({ byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || tokenSymbols.contains(byte)
            })
        else { throw .invalidHeader(name: String(name.prefix(64)), reason: "not an HTTP token") }
        guard !reservedHeaderNames.contains(name.lowercased()) else {
            throw .invalidHeader(name: name, reason: "set by the exporter itself")
        }
        // Only visible ASCII, space and tab: no CR/LF (header injection), no NUL, no other controls.
        guard header.value.utf8.allSatisfy({ $0 == 0x09 || (0x20...0x7e).contains($0) }) else {
            throw .invalidHeader(name: name, reason: "value contains control or non-ASCII characters")
        }
    }

    /// Names the endpoint and header names only; header values are secrets.
    public var description: String {
        let names = headers.map(\.name).joined(separator: ",")
        return "OTLP(endpoint: \(endpoint), headers: [\(names)], queue: \(queueCapacity), batch: \(maxBatchSize))"
    }
}
