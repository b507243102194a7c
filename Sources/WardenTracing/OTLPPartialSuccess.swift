import Foundation

/// The `partialSuccess` part of an `ExportTraceServiceResponse`: the collector took the request but
/// rejected some spans. Pure parsing of a (bounded) response body.
public struct OTLPPartialSuccess: Hashable, Sendable {
    /// Spans the collector rejected.
    public let rejectedSpans: UInt64

    /// Nil when the body reports no rejected spans or is not a readable response (an empty `{}` is full
    /// success). `rejectedSpans` may be a decimal string (int64 in proto3 JSON) or a number.
    public init?(responseBody body: [UInt8]) {
        guard !body.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let partial = object["partialSuccess"] as? [String: Any]
        else { return nil }
        let count: UInt64
        switch partial["rejectedSpans"] {
        case let text as String: count = UInt64(text) ?? 0
        case let number as NSNumber: count = number.int64Value > 0 ? UInt64(number.int64Value) : 0
        default: count = 0
        }
        guard count > 0 else { return nil }
        self.rejectedSpans = count
    }
}
