/// Builds a subprocess environment from scratch.
///
/// The upstream never inherits the gateway's environment (which may hold its own secrets): only the
/// variables named in `inherit` are copied from the parent, then `inject` (resolved upstream
/// credentials) is laid over them.
public enum UpstreamEnvironment {
    /// The variables a stdio upstream inherits unless configured otherwise.
    public static let defaultInherited = ["PATH", "HOME", "LANG"]

    /// A variable name that cannot be placed in an environment.
    public struct InvalidName: Error, Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var description: String { "invalid environment variable name \"\(name)\"" }
    }

    public static func build(
        inherit: [String],
        from parent: [String: String],
        inject: [String: String]
    ) throws(InvalidName) -> [String: String] {
        var environment: [String: String] = [:]
        for name in inherit {
            try validate(name)
            if let value = parent[name] { environment[name] = value }
        }
        for (name, value) in inject {
            try validate(name)
            guard !value.utf8.contains(0) else { throw InvalidName(name: name) }
            environment[name] = value
        }
        return environment
    }

    private static func validate(_ name: String) throws(InvalidName) {
        guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "=")), !name.utf8.contains(0) else {
            throw InvalidName(name: name)
        }
    }
}
