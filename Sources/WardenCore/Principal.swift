/// Who is calling: the identity Warden derived from a verified access token, never from request data.
public struct Principal: Sendable, Hashable {
    /// The cell's tenant. A cell knows only its own tenant; this is set by the cell, not by the token.
    public var tenant: String
    /// The agent's stable subject (`sub`, or Entra's `oid`).
    public var subject: String
    public var issuer: String
    public var roles: Set<String>
    public var scopes: Set<String>
    /// Selected string claims (for policy conditions), never the raw token.
    public var claims: [String: String]

    public init(
        tenant: String,
        subject: String,
        issuer: String,
        roles: Set<String>,
        scopes: Set<String> = [],
        claims: [String: String] = [:]
    ) {
        self.tenant = tenant
        self.subject = subject
        self.issuer = issuer
        self.roles = roles
        self.scopes = scopes
        self.claims = claims
    }
}

/// What a tool does to the world. Assigned by the tenant's configuration; MCP annotations are untrusted hints.
public enum EffectClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// Reads data, changes nothing.
    case read
    /// Changes state inside a system the tenant owns.
    case mutate
    /// Sends something outside: email, message, webhook, share. Needs a send grant.
    case send
    /// Moves money or commits spend. Needs a human approval.
    case spend
}

/// A tool as agents see it: `server.tool`.
public struct QualifiedToolName: Sendable, Hashable, CustomStringConvertible {
    public var server: String
    public var tool: String

    public init(server: String, tool: String) {
        self.server = server
        self.tool = tool
    }

    /// Parses `server.tool` strictly: one dot, both parts non-empty, ASCII letters, digits, `_` and `-` only.
    /// Anything else (Unicode look-alikes, case variants of a real name, extra dots) is not a tool name.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ Self.isValidPart($0) }) else { return nil }
        self.server = String(parts[0])
        self.tool = String(parts[1])
    }

    public var description: String { "\(server).\(tool)" }

    public static func isValidPart(_ part: Substring) -> Bool {
        guard !part.isEmpty, part.utf8.count <= 64 else { return false }
        return part.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
    }
}
