/// The versions of every purpose key and their status: the only mutable part of a keyring. It holds no key
/// material, so it can be shown to an operator (`warden tenant keys`).
public struct KeyringState: Sendable, Equatable {
    public struct Version: Sendable, Equatable {
        public let version: UInt32
        public let status: KeyStatus
    }

    private var table: [KeyPurpose: [Version]]

    /// Version 1 of every purpose, active.
    public static let initial = KeyringState(
        table: Dictionary(
            uniqueKeysWithValues: KeyPurpose.allCases.map { ($0, [Version(version: 1, status: .active)]) }))

    init(table: [KeyPurpose: [Version]]) { self.table = table }

    /// Versions of `purpose`, oldest first.
    public func versions(_ purpose: KeyPurpose) -> [Version] { table[purpose] ?? [] }

    func activeVersion(_ purpose: KeyPurpose) -> UInt32 {
        versions(purpose).last { $0.status == .active }?.version ?? 1
    }

    func rotating(_ purpose: KeyPurpose) -> KeyringState {
        var copy = self
        let current = versions(purpose)
        let next = (current.map(\.version).max() ?? 0) + 1
        copy.table[purpose] =
            current.map { Version(version: $0.version, status: $0.status == .active ? .verifyOnly : $0.status) }
            + [Version(version: next, status: .active)]
        return copy
    }

    func retiring(_ purpose: KeyPurpose, version: UInt32) throws(KeyringError) -> KeyringState {
        let current = versions(purpose)
        guard let index = current.firstIndex(where: { $0.version == version }) else {
            throw .unknownVersion(purpose, version)
        }
        guard current[index].status != .active else { throw .cannotRetireActiveVersion(purpose, version) }
        var copy = self
        var updated = current
        updated[index] = Version(version: version, status: .retired)
        copy.table[purpose] = updated
        return copy
    }

    /// Text form: a `warden-keyring v1` line, then `purpose version status` per line, sorted.
    public var serialized: String {
        var lines = ["warden-keyring v1"]
        for purpose in KeyPurpose.allCases.sorted() {
            for entry in versions(purpose) {
                lines.append("\(purpose.rawValue) \(entry.version) \(entry.status.rawValue)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses ``serialized``; refuses anything else, and any state without exactly one active version per purpose
    /// it lists. A purpose it does not list at all (one added by a later release) starts at version 1, active.
    public init(serialized text: String) throws(KeyringError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "warden-keyring v1", lines.last == "" else { throw .malformedState(line: 1) }
        var table: [KeyPurpose: [Version]] = [:]
        for (index, line) in lines.dropFirst().dropLast().enumerated() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, let purpose = KeyPurpose(rawValue: String(fields[0])),
                let version = UInt32(fields[1]), version > 0, String(version) == fields[1],
                let status = KeyStatus(rawValue: String(fields[2])),
                (table[purpose]?.last?.version ?? 0) < version
            else { throw .malformedState(line: index + 2) }
            table[purpose, default: []].append(Version(version: version, status: status))
        }
        for purpose in KeyPurpose.allCases {
            guard let versions = table[purpose] else {
                table[purpose] = [Version(version: 1, status: .active)]
                continue
            }
            guard versions.filter({ $0.status == .active }).count == 1 else { throw .malformedState(line: lines.count) }
        }
        self.table = table
    }
}
