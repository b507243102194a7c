import Foundation
import WardenCore

/// Bytes to `JSONValue` and back: the one place JSON text is parsed and written for MCP messages.
enum JSONRPCWire {
    /// Parses JSON text strictly (no duplicate keys, bounded depth, valid UTF-8; see `StrictJSONParser`).
    static func parse(_ bytes: some Collection<UInt8>, maxBytes: Int) throws(JSONRPCDecodingError) -> JSONValue {
        do {
            return try StrictJSONParser(limits: .init(maxBytes: maxBytes, maxStringBytes: maxBytes)).parse(bytes)
        } catch {
            throw JSONRPCDecodingError(.notJSON)
        }
    }

    /// Writes canonical JSON (RFC 8785): one line, since control characters in strings are escaped.
    static func serialize(_ value: JSONValue) -> Data {
        Data(CanonicalJSON.encode(value))
    }
}
