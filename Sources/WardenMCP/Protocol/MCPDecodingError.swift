/// An MCP payload (params or result) that does not have the shape its method requires.
///
/// On the server side this is answered with `invalidParams` (-32602); on the client side it means
/// the upstream sent a malformed result.
public struct MCPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, e.g. `tools[2].inputSchema`.
    public var path: String
    /// What is wrong there.
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var code: JSONRPCErrorCode { .invalidParams }

    public var description: String { "invalid params: \(path): \(problem)" }
}
