import WardenCore

/// Small typed readers over a JSON object, throwing `MCPDecodingError` with the member's path.
struct JSONFields {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(MCPDecodingError) {
        guard case .object(let members) = value else {
            throw MCPDecodingError(path: path.isEmpty ? "(root)" : path, problem: "must be an object")
        }
        self.members = members
        self.path = path
    }

    private func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func string(_ key: String) throws(MCPDecodingError) -> String {
        guard let value = try optionalString(key) else { throw MCPDecodingError(path: at(key), problem: "is required") }
        return value
    }

    func optionalString(_ key: String) throws(MCPDecodingError) -> String? {
        switch members[key] {
        case nil: return nil
        case .string(let s)?: return s
        default: throw MCPDecodingError(path: at(key), problem: "must be a string")
        }
    }

    func optionalBool(_ key: String) throws(MCPDecodingError) -> Bool? {
        switch members[key] {
        case nil: return nil
        case .bool(let b)?: return b
        default: throw MCPDecodingError(path: at(key), problem: "must be a boolean")
        }
    }

    func object(_ key: String) throws(MCPDecodingError) -> [String: JSONValue] {
        guard let value = try optionalObject(key) else { throw MCPDecodingError(path: at(key), problem: "is required") }
        return value
    }

    func optionalObject(_ key: String) throws(MCPDecodingError) -> [String: JSONValue]? {
        switch members[key] {
        case nil: return nil
        case .object(let o)?: return o
        default: throw MCPDecodingError(path: at(key), problem: "must be an object")
        }
    }

    func array(_ key: String) throws(MCPDecodingError) -> [JSONValue] {
        switch members[key] {
        case .array(let a)?: return a
        case nil: throw MCPDecodingError(path: at(key), problem: "is required")
        default: throw MCPDecodingError(path: at(key), problem: "must be an array")
        }
    }
}
