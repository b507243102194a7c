/// The embedded secret store: every secret in one AES-GCM encrypted file (see ``VaultFileFormat``).
///
/// Every operation reads and authenticates the whole file, and every change rewrites it atomically (temporary
/// file, fsync, rename, directory fsync) with mode 0600. A missing file is an empty vault; a file sealed under
/// another key, or changed in any byte, is refused with ``VaultError`` and never yields partial data. The actor
/// serialises operations of one process, and changes take an exclusive `flock` on `<path>.lock` so several
/// processes (a running cell and `warden secret set`) cannot lose each other's writes.
public actor VaultFileStore: SecretStore {
    /// Largest vault file accepted.
    public static let maximumFileSize = 16 * 1024 * 1024

    /// Path of the vault file.
    public let path: String
    private var masterKey: MasterKey

    public init(path: String, masterKey: MasterKey) {
        self.path = path
        self.masterKey = masterKey
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue? {
        try readEntries()[reference.name]
    }

    public func set(_ value: SecretValue, for reference: SecretReference) async throws {
        try locked {
            var entries = try readEntries()
            entries[reference.name] = value
            try write(entries, under: masterKey)
        }
    }

    public func list() async throws -> [SecretReference] {
        try readEntries().keys.compactMap { try? SecretReference(name: $0) }.sorted()
    }

    @discardableResult
    public func delete(_ reference: SecretReference) async throws -> Bool {
        try locked {
            var entries = try readEntries()
            guard entries.removeValue(forKey: reference.name) != nil else { return false }
            try write(entries, under: masterKey)
            return true
        }
    }

    /// Atomic within this actor: no suspension point between the read and the write.
    public func getOrCreate(_ reference: SecretReference, _ make: @Sendable () -> SecretValue) async throws
        -> SecretValue
    {
        try locked {
            var entries = try readEntries()
            if let existing = entries[reference.name] { return existing }
            let value = make()
            entries[reference.name] = value
            try write(entries, under: masterKey)
            return value
        }
    }

    /// Re-encrypts the whole vault under `newKey` in one atomic replace; from then on only `newKey` opens it.
    /// Store the new key (environment or key file) before discarding the old one.
    public func rotate(to newKey: MasterKey) async throws {
        try locked {
            let entries = try readEntries()
            try write(entries, under: newKey)
        }
        masterKey = newKey
    }

    /// Runs a read-modify-write under the cross-process lock.
    private func locked<T>(_ body: () throws -> T) throws -> T {
        let lock = try FileLock.acquire(path: path)
        defer { lock.release() }
        return try body()
    }

    private func readEntries() throws -> [String: SecretValue] {
        guard let file = try FileIO.readProtected(path: path, maximumSize: Self.maximumFileSize) else { return [:] }
        return try VaultFileFormat.open(file, masterKey: masterKey)
    }

    private func write(_ entries: [String: SecretValue], under key: MasterKey) throws {
        try FileIO.replaceAtomically(path: path, bytes: VaultFileFormat.seal(entries, masterKey: key))
    }
}
