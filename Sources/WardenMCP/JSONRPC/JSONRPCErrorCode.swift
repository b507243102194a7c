/// A JSON-RPC error code: the standard ones named, any other integer kept as is.
public struct JSONRPCErrorCode: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    public var rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// The bytes are not JSON.
    public static let parseError = JSONRPCErrorCode(rawValue: -32700)
    /// The JSON is not a valid JSON-RPC 2.0 message (or is a batch, which MCP forbids).
    public static let invalidRequest = JSONRPCErrorCode(rawValue: -32600)
    /// The method does not exist or is not offered.
    public static let methodNotFound = JSONRPCErrorCode(rawValue: -32601)
    /// The params do not fit the method.
    public static let invalidParams = JSONRPCErrorCode(rawValue: -32602)
    /// The receiver failed while handling a valid message.
    public static let internalError = JSONRPCErrorCode(rawValue: -32603)

    public var description: String { String(rawValue) }
}
