import Foundation
import WardenCore

extension JSONRPCMessage {
    /// The message as a JSON value with the JSON-RPC 2.0 envelope.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let r):
            members["id"] = r.id.json
            members["method"] = .string(r.method)
            if let params = r.params { members["params"] = params }
        case .notification(let n):
            members["method"] = .string(n.method)
            if let params = n.params { members["params"] = params }
        case .response(.success(let s)):
            members["id"] = s.id.json
            members["result"] = s.result
        case .response(.error(let e)):
            members["id"] = e.id?.json ?? .null
            var error: [String: JSONValue] = [
                "code": .integer(e.error.code.rawValue),
                "message": .string(e.error.message),
            ]
            if let data = e.error.data { error["data"] = data }
            members["error"] = .object(error)
        }
        return .object(members)
    }

    /// The message as canonical UTF-8 JSON text on a single line.
    public func encoded() -> Data {
        JSONRPCWire.serialize(json)
    }
}
