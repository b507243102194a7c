import Foundation
import Testing

@testable import WardenLedger

@Suite("Ledger writer: durable appends, checkpoints, proofs")
struct LedgerWriterTests {
    @Test("appends get consecutive indices and the entries are readable from their bundles")
    func sequentialAppends() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signer = try LedgerFixture.signer()
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        for index in 0..<300 {
            #expect(try await writer.append(LedgerFixture.entry(index)) == UInt64(index))
        }
        let checkpoint = try await writer.checkpoint()
        #expect(checkpoint.checkpoint.size == 300)
        for index in [0, 255, 256, 299] {
            #expect(try writer.log.entry(index: UInt64(index), treeSize: 300) == LedgerFixture.entry(index))
        }
        try await writer.close()
    }

    @Test("concurrent appends each get a distinct index holding their own entry")
    func concurrentAppends() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: try LedgerFixture.signer())
        let indices = try await withThrowingTaskGroup(of: (Int, UInt64).self) { group in
            for task in 0..<600 {
                group.addTask { (task, try await writer.append(LedgerFixture.entry(task))) }
            }
            var indices: [Int: UInt64] = [:]
            for try await (task, index) in group {
                indices[task] = index
            }
            return indices
        }
        #expect(Set(indices.values) == Set(0..<600))
        let size = try await writer.checkpoint().checkpoint.size
        #expect(size == 600)
        for (task, index) in indices {
            #expect(try writer.log.entry(index: index, treeSize: size) == LedgerFixture.entry(task))
        }
        try await writer.close()
    }

    @Test("inclusion proofs for every entry and consistency proofs between checkpoints verify")
    func proofsVerify() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signer = try LedgerFixture.signer()
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        _ = try await writer.appendBatch((0..<100).map(LedgerFixture.entry))
        let first = try await writer.checkpoint()
        _ = try await writer.appendBatch((100..<700).map(LedgerFixture.entry))
        let second = try await writer.checkpoint()
        for index in 0..<700 {
            let proof = try await writer.proveInclusion(index: UInt64(index))
            try proof.verify(entry: LedgerFixture.entry(index), against: second.checkpoint)
            if index == 5 {
                #expect(throws: MerkleProofError.self) {
                    try proof.verify(entry: LedgerFixture.entry(6), against: second.checkpoint)
                }
            }
        }
        let consistency = try await writer.proveConsistency(from: 100)
        try consistency.verify(old: first.checkpoint, new: second.checkpoint)
        try await writer.close()
    }

    @Test("the persisted checkpoint verifies with the tenant's verifier key and survives reopening")
    func checkpointPersists() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signer = try LedgerFixture.signer()
        let signed = try await LedgerFixture.write(42, to: directory.path, signer: signer)
        let verifier = try Ed25519NoteVerifier(verifierKey: signer.verifier.verifierKey)
        let onDisk = try TiledLog(directory: directory.path).checkpoint(
            verifiers: [verifier], origin: LedgerFixture.origin)
        #expect(onDisk == signed)
        #expect(onDisk.checkpoint.size == 42)
        let reopened = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        #expect(await reopened.size == 42)
        #expect(try await reopened.append(LedgerFixture.entry(42)) == 42)
        try await reopened.close()
    }

    @Test("checkpoints are signed by the timer while entries arrive")
    func timerSignsCheckpoints() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: try LedgerFixture.signer(),
            options: .init(checkpointInterval: .milliseconds(20)))
        _ = try await writer.appendBatch((0..<10).map(LedgerFixture.entry))
        var size: UInt64 = 0
        for _ in 0..<1000 where size < 10 {
            try await Task.sleep(for: .milliseconds(20))
            size = await writer.latestCheckpoint()?.checkpoint.size ?? 0
        }
        #expect(size == 10)
        try await writer.close()
    }

    @Test("witness cosignatures are kept with the latest checkpoint and ignored for a superseded one")
    func cosignaturesAttached() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signer = try LedgerFixture.signer()
        let witness = try Ed25519Cosigner.generate(name: "witness.example/w1")
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        _ = try await writer.appendBatch((0..<10).map(LedgerFixture.entry))
        let first = try await writer.checkpoint()
        let cosignature = try witness.sign(text: first.note.text)
        #expect(try await writer.attachCosignatures([cosignature], to: first))
        let served = try #require(try writer.log.read(.checkpoint))
        let note = try SignedNote.parse(served)
        #expect(try note.verifiedSignatures(by: [witness.verifier]).count == 1)
        #expect(try note.verifiedSignatures(by: [signer.verifier]).count == 1)
        _ = try await writer.append(LedgerFixture.entry(10))
        let second = try await writer.checkpoint()
        #expect(try await writer.attachCosignatures([cosignature], to: first) == false)
        #expect(try await writer.attachCosignatures([try witness.sign(text: second.note.text)], to: second))
        try await writer.close()
        // The writer reopens over a checkpoint that carries cosignatures and keeps them.
        let reopened = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        let kept = try #require(await reopened.latestCheckpoint())
        #expect(kept.checkpoint.size == 11)
        #expect(try kept.note.verifiedSignatures(by: [witness.verifier]).count == 1)
        try await reopened.close()
    }

    @Test("a second writer cannot open a directory that is in use")
    func singleWriter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signer = try LedgerFixture.signer()
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        await #expect(throws: LedgerStorageError.self) {
            _ = try await LedgerWriter.open(directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        }
        try await writer.close()
    }

    @Test("entries too large for an entry bundle are refused; closed writers refuse appends")
    func appendRefusals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: try LedgerFixture.signer())
        await #expect(throws: LedgerStorageError.entryTooLarge(size: 65536, limit: 65535)) {
            _ = try await writer.append(Data(count: 65536))
        }
        try await writer.close()
        await #expect(throws: LedgerStorageError.writerClosed) {
            _ = try await writer.append(Data("late".utf8))
        }
    }

    @Test("opening with another key than the one that signed the checkpoint fails closed")
    func wrongKeyRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await LedgerFixture.write(5, to: directory.path, signer: try LedgerFixture.signer())
        await #expect(throws: LedgerStorageError.self) {
            _ = try await LedgerWriter.open(
                directory: directory.path, origin: LedgerFixture.origin, signer: try LedgerFixture.signer())
        }
    }

    @Test("a log rewritten under the same key is refused: the writer never signs over a different history")
    func rewrittenHistoryRefused() async throws {
        let signer = try LedgerFixture.signer()
        let original = try TemporaryDirectory()
        let rewritten = try TemporaryDirectory()
        defer {
            original.remove()
            rewritten.remove()
        }
        _ = try await LedgerFixture.write(10, to: original.path, signer: signer)
        _ = try await LedgerFixture.write(20, to: rewritten.path, signer: signer, startingAt: 1)
        try FileManager.default.removeItem(atPath: rewritten.path + "/checkpoint")
        try FileManager.default.copyItem(atPath: original.path + "/checkpoint", toPath: rewritten.path + "/checkpoint")
        await #expect(throws: LedgerStorageError.checkpointRootMismatch(size: 10)) {
            _ = try await LedgerWriter.open(directory: rewritten.path, origin: LedgerFixture.origin, signer: signer)
        }
    }

    @Test("a checkpoint kept elsewhere stops the writer from signing a rewritten log whose checkpoint was deleted")
    func knownCheckpointEnforced() async throws {
        let signer = try LedgerFixture.signer()
        let original = try TemporaryDirectory()
        let rewritten = try TemporaryDirectory()
        defer {
            original.remove()
            rewritten.remove()
        }
        let kept = try await LedgerFixture.write(10, to: original.path, signer: signer)
        _ = try await LedgerFixture.write(20, to: rewritten.path, signer: signer, startingAt: 1)
        try FileManager.default.removeItem(atPath: rewritten.path + "/checkpoint")
        await #expect(throws: LedgerStorageError.checkpointRootMismatch(size: 10)) {
            _ = try await LedgerWriter.open(
                directory: rewritten.path, origin: LedgerFixture.origin, signer: signer,
                options: .init(knownCheckpoint: kept))
        }
        // The honest log, with its checkpoint file gone, opens and restores the known checkpoint.
        try FileManager.default.removeItem(atPath: original.path + "/checkpoint")
        let writer = try await LedgerWriter.open(
            directory: original.path, origin: LedgerFixture.origin, signer: signer,
            options: .init(knownCheckpoint: kept))
        #expect(await writer.latestCheckpoint() == kept)
        try await writer.close()
        #expect(try TiledLog(directory: original.path).checkpoint(verifiers: [signer.verifier]) == kept)
    }

    @Test("missing or damaged tiles are re-derived from the log on open")
    func tilesRepairedOnOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signer = try LedgerFixture.signer()
        _ = try await LedgerFixture.write(600, to: directory.path, signer: signer)
        let log = TiledLog(directory: directory.path)
        try FileManager.default.removeItem(atPath: log.filePath(.tile(level: 0, index: 1, width: 256)))
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: log.filePath(.entryBundle(index: 0, width: 256))))
        let verifier = LedgerVerifier(directory: directory.path, verifiers: [signer.verifier])
        #expect(throws: LedgerVerificationError.self) { try verifier.verify() }
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        try await writer.close()
        #expect(try verifier.verify().entries == 600)
    }
}
