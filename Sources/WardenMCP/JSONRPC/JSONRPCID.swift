import WardenCore

/// A JSON-RPC request id.
///
/// MCP narrows JSON-RPC 2.0: an id is a string or an integer and never null in a request
/// (a null id appears only in an error response to a message whose id could not be read).
/// Fractional numbers are refused because their equality across implementations is unreliable.
public enum JSONRPCID: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Int64)

    /// Reads an id from a JSON value; nil when the value is not a string or an integer.
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = .string(s)
        case .integer(let i): self = .number(i)
        default: return nil
        }
    }

    /// The id as a JSON value.
    public var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .number(let i): return .integer(i)
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .number(let i): return String(i)
        }
    }
}
