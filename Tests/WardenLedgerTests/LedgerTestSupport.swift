import Foundation
import Testing

@testable import WardenLedger

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "warden-ledger-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A copy of this directory's contents in a new temporary directory.
    func copy() throws -> TemporaryDirectory {
        let target = try TemporaryDirectory()
        try FileManager.default.removeItem(atPath: target.path)
        try FileManager.default.copyItem(atPath: path, toPath: target.path)
        return target
    }
}

enum LedgerFixture {
    static let origin = "warden.example/tenant-a"

    static func signer() throws -> Ed25519NoteSigner {
        try Ed25519NoteSigner.generate(name: origin)
    }

    static func entry(_ index: Int) -> Data {
        Data(#"{"event":"decision","index":\#(index),"tool":"mail.send","allow":false}"#.utf8)
    }

    /// Writes `count` entries through a writer and closes it.
    static func write(
        _ count: Int, to directory: String, signer: Ed25519NoteSigner, startingAt start: Int = 0
    ) async throws -> SignedCheckpoint {
        let writer = try await LedgerWriter.open(directory: directory, origin: origin, signer: signer)
        var next = start
        while next < start + count {
            let batch = (next..<min(start + count, next + 100)).map(entry)
            _ = try await writer.appendBatch(batch)
            next += batch.count
        }
        try await writer.close()
        return try #require(await writer.latestCheckpoint())
    }

    static func walPath(_ directory: String) -> String { directory + "/ledger.wal" }

    static func fileSize(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    static func truncate(_ path: String, to size: Int) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }
}
