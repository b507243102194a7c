import WardenCore

/// A JSON-RPC request: a method call that expects exactly one response with the same id.
public struct JSONRPCRequest: Sendable, Hashable {
    public var id: JSONRPCID
    public var method: String
    /// An object or an array; nil when absent.
    public var params: JSONValue?

    public init(id: JSONRPCID, method: String, params: JSONValue? = nil) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// A JSON-RPC notification: a method call without an id, which is never answered.
public struct JSONRPCNotification: Sendable, Hashable {
    public var method: String
    /// An object or an array; nil when absent.
    public var params: JSONValue?

    public init(method: String, params: JSONValue? = nil) {
        self.method = method
        self.params = params
    }
}

/// The `error` member of an error response.
public struct JSONRPCErrorObject: Sendable, Hashable, Error, CustomStringConvertible {
    public var code: JSONRPCErrorCode
    public var message: String
    public var data: JSONValue?

    public init(code: JSONRPCErrorCode, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "JSON-RPC error \(code): \(message)" }
}

/// A successful response: `result` for the request with the same id.
public struct JSONRPCSuccessResponse: Sendable, Hashable {
    public var id: JSONRPCID
    public var result: JSONValue

    public init(id: JSONRPCID, result: JSONValue) {
        self.id = id
        self.result = result
    }
}

/// An error response. The id is nil (JSON null) only when the failed message's id could not be read.
public struct JSONRPCErrorResponse: Sendable, Hashable {
    public var id: JSONRPCID?
    public var error: JSONRPCErrorObject

    public init(id: JSONRPCID?, error: JSONRPCErrorObject) {
        self.id = id
        self.error = error
    }
}

/// A response of either kind.
public enum JSONRPCResponse: Sendable, Hashable {
    case success(JSONRPCSuccessResponse)
    case error(JSONRPCErrorResponse)

    /// The id this response answers; nil for an error response with a null id.
    public var id: JSONRPCID? {
        switch self {
        case .success(let s): return s.id
        case .error(let e): return e.id
        }
    }

    /// The result, or the error object thrown.
    public func get() throws(JSONRPCErrorObject) -> JSONValue {
        switch self {
        case .success(let s): return s.result
        case .error(let e): throw e.error
        }
    }
}

/// One JSON-RPC 2.0 message. MCP (2025-06-18 and later) forbids batches, so there is no batch case.
public enum JSONRPCMessage: Sendable, Hashable {
    case request(JSONRPCRequest)
    case notification(JSONRPCNotification)
    case response(JSONRPCResponse)

    /// The method name for requests and notifications.
    public var method: String? {
        switch self {
        case .request(let r): return r.method
        case .notification(let n): return n.method
        case .response: return nil
        }
    }
}
