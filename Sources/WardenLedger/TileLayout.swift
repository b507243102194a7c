/// One resource of a tlog-tiles log, addressed by its path relative to the log prefix.
///
/// `parse(path:)` accepts only the canonical spelling of each path, so a request path that parses can be joined
/// to the log directory without any way to escape it (no `..`, no absolute paths, no aliases).
public enum LedgerResource: Sendable, Hashable, CustomStringConvertible {
    /// `checkpoint`
    case checkpoint
    /// `tile/<L>/<N>[.p/<W>]`; width 256 means a full tile.
    case tile(level: Int, index: UInt64, width: Int)
    /// `tile/entries/<N>[.p/<W>]`; width 256 means a full bundle.
    case entryBundle(index: UInt64, width: Int)

    /// Hashes (or entries) in a full tile.
    public static let fullWidth = 256
    /// Bytes of one hash in a tile.
    public static let hashSize = 32

    /// The path relative to the log prefix.
    public var path: String {
        switch self {
        case .checkpoint:
            "checkpoint"
        case .tile(let level, let index, let width):
            "tile/\(level)/" + Self.indexPath(index) + Self.widthSuffix(width)
        case .entryBundle(let index, let width):
            "tile/entries/" + Self.indexPath(index) + Self.widthSuffix(width)
        }
    }

    public var description: String { path }

    /// Parses a canonical resource path; nil for anything else.
    public static func parse(path: String) -> LedgerResource? {
        if path == "checkpoint" { return .checkpoint }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "tile" else { return nil }
        var indexParts = Array(parts.dropFirst(2))
        var width = fullWidth
        if indexParts.count >= 2, let last = indexParts.last, indexParts[indexParts.count - 2].hasSuffix(".p") {
            guard let parsed = Int(last), (1..<fullWidth).contains(parsed), String(parsed) == last else { return nil }
            width = parsed
            indexParts.removeLast()
            indexParts[indexParts.count - 1] = indexParts[indexParts.count - 1].dropLast(2)
        }
        var digits = ""
        for (position, part) in indexParts.enumerated() {
            let isLast = position == indexParts.count - 1
            let group = isLast ? part : part.dropFirst()
            guard isLast || part.hasPrefix("x"), group.count == 3, group.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { return nil }
            digits += group
        }
        guard let index = UInt64(digits) else { return nil }
        let resource: LedgerResource
        if parts[1] == "entries" {
            resource = .entryBundle(index: index, width: width)
        } else {
            guard let level = Int(parts[1]), (0...63).contains(level), String(level) == parts[1] else { return nil }
            resource = .tile(level: level, index: index, width: width)
        }
        return resource.path == path ? resource : nil
    }

    /// `<N>` as zero-padded 3-digit groups, all but the last prefixed with `x` (1234067 -> x001/x234/067).
    static func indexPath(_ index: UInt64) -> String {
        var groups: [String] = []
        var rest = index
        repeat {
            let group = String(rest % 1000)
            groups.append(String(repeating: "0", count: 3 - group.count) + group)
            rest /= 1000
        } while rest > 0
        return groups.reversed().enumerated().map { position, group in
            position == groups.count - 1 ? group : "x" + group
        }.joined(separator: "/")
    }

    private static func widthSuffix(_ width: Int) -> String {
        width == fullWidth ? "" : ".p/\(width)"
    }
}
