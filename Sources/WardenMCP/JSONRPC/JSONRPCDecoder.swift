import Foundation
import WardenCore

/// Strict decoding of one JSON-RPC 2.0 message as MCP uses it.
///
/// Choices, each made to fail closed:
/// - `jsonrpc` must be exactly `"2.0"`; ids are strings or integers, never null in requests.
/// - `params`, when present, is an object or an array (`null` is refused).
/// - A response carries exactly one of `result` and `error`; `error` has exactly `code`, `message`, `data?`.
/// - Members JSON-RPC 2.0 does not define are refused, not ignored: a message that means something
///   unexpected to one peer must not silently mean something else to another.
/// - A JSON array is a batch, which MCP 2025-06-18 and later forbid: refused with `batchNotSupported`.
public struct JSONRPCDecoder: Sendable {
    /// The largest message `decode(bytes:)` accepts.
    public var maxMessageBytes: Int

    public init(maxMessageBytes: Int = 4 * 1024 * 1024) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Parses JSON text and decodes it as one message.
    public func decode(bytes: some Collection<UInt8>) throws(JSONRPCDecodingError) -> JSONRPCMessage {
        guard bytes.count <= maxMessageBytes else { throw JSONRPCDecodingError(.tooLarge(limit: maxMessageBytes)) }
        let value = try JSONRPCWire.parse(bytes, maxBytes: maxMessageBytes)
        return try decode(value)
    }

    /// Decodes an already parsed JSON value as one message.
    public func decode(_ value: JSONValue) throws(JSONRPCDecodingError) -> JSONRPCMessage {
        let members: [String: JSONValue]
        switch value {
        case .object(let o): members = o
        case .array: throw JSONRPCDecodingError(.batchNotSupported)
        default: throw JSONRPCDecodingError(.notAnObject)
        }
        // Read the id first so every later refusal can name the request it answers.
        var id: JSONRPCID?
        if let rawID = members["id"], rawID != .null {
            guard let parsed = JSONRPCID(json: rawID) else { throw JSONRPCDecodingError(.badID) }
            id = parsed
        }
        guard members["jsonrpc"] == .string("2.0") else { throw JSONRPCDecodingError(.badVersion, id: id) }

        if let method = members["method"] {
            return try decodeCall(members, method: method, id: id)
        }
        return .response(try decodeResponse(members, id: id))
    }

    private static let callMembers: Set<String> = ["jsonrpc", "id", "method", "params"]
    private static let responseMembers: Set<String> = ["jsonrpc", "id", "result", "error"]
    private static let errorMembers: Set<String> = ["code", "message", "data"]

    private func decodeCall(
        _ members: [String: JSONValue],
        method: JSONValue,
        id: JSONRPCID?
    ) throws(JSONRPCDecodingError) -> JSONRPCMessage {
        guard case .string(let name) = method else { throw JSONRPCDecodingError(.methodNotString, id: id) }
        if members["result"] != nil || members["error"] != nil {
            throw JSONRPCDecodingError(.mixedRequestAndResponse, id: id)
        }
        if let unknown = members.keys.sorted().first(where: { !Self.callMembers.contains($0) }) {
            throw JSONRPCDecodingError(.unknownMember(unknown), id: id)
        }
        var params: JSONValue?
        if let p = members["params"] {
            switch p {
            case .object, .array: params = p
            default: throw JSONRPCDecodingError(.paramsNotStructured, id: id)
            }
        }
        if let rawID = members["id"] {
            // `"id": null` on a request is refused: MCP ids are never null.
            guard let id, rawID != .null else { throw JSONRPCDecodingError(.badID) }
            return .request(JSONRPCRequest(id: id, method: name, params: params))
        }
        return .notification(JSONRPCNotification(method: name, params: params))
    }

    private func decodeResponse(
        _ members: [String: JSONValue],
        id: JSONRPCID?
    ) throws(JSONRPCDecodingError) -> JSONRPCResponse {
        if let unknown = members.keys.sorted().first(where: { !Self.responseMembers.contains($0) }) {
            throw JSONRPCDecodingError(.unknownMember(unknown), id: id)
        }
        guard members["id"] != nil else { throw JSONRPCDecodingError(.missingID) }
        switch (members["result"], members["error"]) {
        case (let result?, nil):
            guard let id else { throw JSONRPCDecodingError(.missingID) }
            return .success(JSONRPCSuccessResponse(id: id, result: result))
        case (nil, let error?):
            return .error(JSONRPCErrorResponse(id: id, error: try decodeErrorObject(error, id: id)))
        default:
            throw JSONRPCDecodingError(.resultXorError, id: id)
        }
    }

    private func decodeErrorObject(
        _ value: JSONValue,
        id: JSONRPCID?
    ) throws(JSONRPCDecodingError) -> JSONRPCErrorObject {
        guard case .object(let members) = value,
            case .integer(let code)? = members["code"],
            case .string(let message)? = members["message"]
        else { throw JSONRPCDecodingError(.badErrorObject, id: id) }
        if let unknown = members.keys.sorted().first(where: { !Self.errorMembers.contains($0) }) {
            throw JSONRPCDecodingError(.unknownMember("error.\(unknown)"), id: id)
        }
        return JSONRPCErrorObject(code: JSONRPCErrorCode(rawValue: code), message: message, data: members["data"])
    }
}
