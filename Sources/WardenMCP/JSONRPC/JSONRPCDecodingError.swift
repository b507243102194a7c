/// Why a message was refused by `JSONRPCDecoder`, with the JSON-RPC error code to answer with.
///
/// `id` holds the offending message's id when it could be read, so a server can answer the
/// right request; otherwise the error response carries a null id.
public struct JSONRPCDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The bytes are not JSON text.
        case notJSON
        /// The message is larger than the configured limit.
        case tooLarge(limit: Int)
        /// A JSON array: batches are not part of MCP since 2025-06-18.
        case batchNotSupported
        /// A JSON value that is not an object.
        case notAnObject
        /// `jsonrpc` is missing or not exactly "2.0".
        case badVersion
        /// `method` is present but not a string.
        case methodNotString
        /// `params` is present but neither an object nor an array.
        case paramsNotStructured
        /// `id` is present but not a string or an integer (null is refused in requests).
        case badID
        /// A response without an id, or with a null id on a success.
        case missingID
        /// A response with both `result` and `error`, or with neither.
        case resultXorError
        /// `error` is not an object with an integer `code` and a string `message`.
        case badErrorObject
        /// A request or notification carrying `result` or `error`.
        case mixedRequestAndResponse
        /// A member that JSON-RPC 2.0 does not define (strict mode refuses it rather than ignore it).
        case unknownMember(String)
    }

    public var reason: Reason
    public var id: JSONRPCID?

    public init(_ reason: Reason, id: JSONRPCID? = nil) {
        self.reason = reason
        self.id = id
    }

    /// The JSON-RPC code for this refusal: parse error for non-JSON bytes, invalid request otherwise.
    public var code: JSONRPCErrorCode {
        switch reason {
        case .notJSON: return .parseError
        default: return .invalidRequest
        }
    }

    public var description: String {
        switch reason {
        case .notJSON: return "parse error: the message is not JSON"
        case .tooLarge(let limit): return "invalid request: the message exceeds \(limit) bytes"
        case .batchNotSupported: return "invalid request: JSON-RPC batches are not supported by MCP"
        case .notAnObject: return "invalid request: a message must be a JSON object"
        case .badVersion: return "invalid request: \"jsonrpc\" must be \"2.0\""
        case .methodNotString: return "invalid request: \"method\" must be a string"
        case .paramsNotStructured: return "invalid request: \"params\" must be an object or an array"
        case .badID: return "invalid request: \"id\" must be a string or an integer"
        case .missingID: return "invalid request: a response needs a non-null \"id\""
        case .resultXorError: return "invalid request: a response needs exactly one of \"result\" and \"error\""
        case .badErrorObject:
            return "invalid request: \"error\" must hold an integer \"code\" and a string \"message\""
        case .mixedRequestAndResponse: return "invalid request: a request cannot carry \"result\" or \"error\""
        case .unknownMember(let name): return "invalid request: unknown member \"\(name)\""
        }
    }

    /// The error response a server sends back for this refusal.
    public var response: JSONRPCErrorResponse {
        JSONRPCErrorResponse(id: id, error: JSONRPCErrorObject(code: code, message: description))
    }
}
