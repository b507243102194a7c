/// A possibly namespaced Cedar name such as `Photo` or `App::Users::Group`.
///
/// Components compare by their exact Unicode scalars, never by Swift's canonical string equivalence, so that two
/// spellings Cedar treats as different names never collapse into one.
public struct Name: Hashable, Sendable, CustomStringConvertible {
    /// Namespace components followed by the base name.
    public let components: [String]
    /// Computed once so that dictionary and set lookups on names (and entity uids) stay cheap.
    private let cachedHash: Int

    public init(_ components: [String]) {
        self.components = components
        var hasher = Hasher()
        for component in components { hashUTF8(component, into: &hasher) }
        cachedHash = hasher.finalize()
    }

    /// Parses `A::B::C` without validating identifier syntax.
    public init(qualified: String) {
        var parts: [String] = []
        var rest = Substring(qualified)
        while let r = rest.firstRange(of: "::") {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        self.init(parts)
    }

    public var basename: String { components.last ?? "" }
    public var namespace: [String] { Array(components.dropLast()) }
    public var description: String { components.joined(separator: "::") }

    /// True when this is `Action` or `<ns>::Action`, the type of action entities.
    public var isActionType: Bool { basename == "Action" }

    public static func == (lhs: Name, rhs: Name) -> Bool {
        lhs.cachedHash == rhs.cachedHash && lhs.components.count == rhs.components.count
            && zip(lhs.components, rhs.components).allSatisfy { utf8Equal($0, $1) }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(cachedHash) }
}

/// The identity of a Cedar entity: its type and its id, e.g. `User::"alice"`.
public struct EntityUID: Hashable, Sendable, CustomStringConvertible {
    public let type: Name
    public let id: String
    /// Computed once: entity uids are hashed on every `in`, scope check and index lookup.
    private let cachedHash: Int

    public init(type: Name, id: String) {
        self.type = type
        self.id = id
        var hasher = Hasher()
        hasher.combine(type)
        hashUTF8(id, into: &hasher)
        cachedHash = hasher.finalize()
    }

    /// Convenience for `EntityUID(type: Name(qualified: type), id: id)`.
    public init(_ type: String, _ id: String) {
        self.init(type: Name(qualified: type), id: id)
    }

    public var description: String { "\(type)::\(quoteCedarString(id))" }

    public static func == (lhs: EntityUID, rhs: EntityUID) -> Bool {
        lhs.cachedHash == rhs.cachedHash && utf8Equal(lhs.id, rhs.id) && lhs.type == rhs.type
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(cachedHash) }
}

/// Renders a string as a Cedar string literal with escapes for quotes, backslashes and control characters.
func quoteCedarString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\0": out += "\\0"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Byte-wise string equality: Cedar compares text by code points, never by canonical equivalence.
@inline(__always)
func utf8Equal(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { pa in
        b.utf8.withContiguousStorageIfAvailable { pb in pa.count == pb.count && pa.elementsEqual(pb) }
    }
    if let fast, let result = fast { return result }
    return a.utf8.elementsEqual(b.utf8)
}

/// Hashes a string's UTF-8 bytes (consistent with `utf8Equal`).
@inline(__always)
func hashUTF8(_ s: String, into hasher: inout Hasher) {
    hasher.combine(s.utf8.count)
    let done: Void? = s.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    if done == nil {
        for byte in s.utf8 { hasher.combine(byte) }
    }
}
