import Foundation
import Testing
import WardenLedger
import WardenWitness

@Suite("tlog-witness submitter: background loop, several witnesses, witnessed checkpoints guard the ledger")
struct WitnessSubmitterLoopTests {
    @Test("the background loop submits each new checkpoint and reports it to the observer")
    func loopSubmitsGrowth() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            try await Fixture.append(0..<5, to: writer)
            let (outcomes, continuation) = AsyncStream<WitnessOutcome>.makeStream()
            let submitter = try scene.submitter(for: writer, onOutcome: { continuation.yield($0) })
            let loop = Task { await submitter.run(interval: .milliseconds(20)) }
            var iterator = outcomes.makeAsyncIterator()
            let name = scene.cosigner.name
            #expect(await iterator.next() == WitnessOutcome(witness: name, checkpointSize: 5, kind: .cosigned))
            try await Fixture.append(5..<12, to: writer)
            #expect(await iterator.next() == WitnessOutcome(witness: name, checkpointSize: 12, kind: .cosigned))
            loop.cancel()
            await loop.value
            continuation.finish()
            // Nothing was submitted twice: the loop only submits a checkpoint it has not submitted yet.
            #expect(await iterator.next() == nil)
        }
    }

    @Test("with two witnesses the ledger checkpoint carries both cosignatures")
    func twoWitnesses() async throws {
        let ledger = try TemporaryDirectory()
        let states = [try TemporaryDirectory(), try TemporaryDirectory()]
        let cell = try TemporaryDirectory()
        defer { TemporaryDirectory.remove([ledger, cell] + states) }
        let signer = try Ed25519NoteSigner.generate(name: Fixture.origin)
        let cosigners = [
            try Ed25519Cosigner.generate(name: "witness.example/w1"),
            try Ed25519Cosigner.generate(name: "witness.example/w2"),
        ]
        var witnesses: [RunningWitness] = []
        for (state, cosigner) in zip(states, cosigners) {
            witnesses.append(
                try await RunningWitness.start(stateDirectory: state.path, cosigner: cosigner, logs: [signer.verifier]))
        }
        let writer = try await Fixture.openLedger(ledger.path, signer: signer)
        // The test's own deadline, not the product's 10 s: two in-process witnesses must answer on a loaded host.
        let submitter = try WitnessSubmitter(
            source: writer, witnesses: try witnesses.map { try $0.endpoint() }, stateDirectory: cell.path,
            timeout: RunningWitness.answerWithin)
        // Every client, ledger and witness is closed whatever the checks find (an HTTP client left open aborts the
        // whole test process).
        do {
            try await Fixture.append(0..<9, to: writer)
            let outcomes = await submitter.submitLatest()
            #expect(outcomes.map(\.witness) == ["witness.example/w1", "witness.example/w2"])
            #expect(outcomes.map(\.kind) == [.cosigned, .cosigned])
            let onDisk = try writer.log.checkpoint(verifiers: [signer.verifier], origin: Fixture.origin)
            #expect(try onDisk.note.verifiedSignatures(by: cosigners.map(\.verifier)).count == 2)
        } catch {
            Issue.record(error)
        }
        try await submitter.shutdown()
        try await writer.close()
        for witness in witnesses { await witness.stop() }
    }

    @Test("a retry after one witness failed does not ask the witness that already cosigned, so no key signs twice")
    func retryDoesNotDuplicateCosignatures() async throws {
        try await WitnessedLedger.run { scene in
            let down = try WitnessEndpoint(
                url: URL(string: "http://127.0.0.1:1")!,
                verifier: try Ed25519Cosigner.generate(name: "witness.example/down").verifier)
            let writer = try await scene.openLedger()
            try await Fixture.append(0..<6, to: writer)
            let submitter = try scene.submitter(
                // Generous: the live witness must answer on a loaded CI host (8 s once ran out there); the dead one is
                // given up at the deadline, twice, so it is not the shared 60 s.
                for: writer, witnesses: [try scene.witness.endpoint(), down], timeout: .seconds(30))
            let first = await submitter.submitLatest()
            #expect(first.map(\.witness) == ["witness.example/w1", "witness.example/down"])
            #expect(first.first?.kind == .cosigned)
            let second = await submitter.submitLatest()
            #expect(second.map(\.witness) == ["witness.example/down"])
            let onDisk = try writer.log.checkpoint(verifiers: [scene.signer.verifier], origin: Fixture.origin)
            #expect(try onDisk.note.verifiedSignatures(by: [scene.cosigner.verifier]).count == 1)
            #expect(onDisk.note.signatures.count == 2)
        }
    }

    @Test("a witnessed checkpoint given to the ledger as known makes a rolled-back ledger directory refuse to open")
    func witnessedCheckpointGuardsReopen() async throws {
        try await WitnessedLedger.run { scene in
            let snapshot = try await scene.cosignKeepingRolledBackCopy(olderSize: 8, size: 20)
            let endpoint = try scene.witness.endpoint()

            let known = try #require(
                try WitnessSubmitter.witnessedCheckpoints(stateDirectory: scene.cell.path, witnesses: [endpoint]).first)
            #expect(known.checkpoint.size == 20)
            await #expect(throws: LedgerStorageError.checkpointAheadOfLog(checkpointSize: 20, logSize: 8)) {
                _ = try await LedgerWriter.open(
                    directory: snapshot.path, origin: Fixture.origin, signer: scene.signer,
                    options: LedgerWriter.Options(knownCheckpoint: known))
            }
            // The genuine directory opens with the same known checkpoint.
            let reopened = try await LedgerWriter.open(
                directory: scene.ledger.path, origin: Fixture.origin, signer: scene.signer,
                options: LedgerWriter.Options(knownCheckpoint: known))
            try await reopened.close()
        }
    }

    @Test("a corrupt record of a witnessed checkpoint is refused with an error naming the file")
    func corruptSubmitterRecord() async throws {
        let ledger = try TemporaryDirectory()
        let cell = try TemporaryDirectory()
        defer { TemporaryDirectory.remove([ledger, cell]) }
        let signer = try Ed25519NoteSigner.generate(name: Fixture.origin)
        let writer = try await Fixture.openLedger(ledger.path, signer: signer)
        let verifier = try Ed25519Cosigner.generate(name: "witness.example/w1").verifier
        let endpoint = try WitnessEndpoint(url: URL(string: "http://127.0.0.1:1")!, verifier: verifier)
        // A checkpoint signed by the log but not cosigned by this witness is not a witnessed checkpoint.
        let unwitnessed = try #require(await writer.latestCheckpoint())
        let path = cell.path + "/" + String(format: "%08x", verifier.keyID) + ".checkpoint"
        try unwitnessed.serialized.write(to: URL(fileURLWithPath: path))
        #expect(throws: WitnessError.corruptState(path: path, reason: SignedNoteError.noTrustedSignature.description)) {
            _ = try WitnessSubmitter(source: writer, witnesses: [endpoint], stateDirectory: cell.path)
        }
        #expect(throws: WitnessError.self) {
            _ = try WitnessSubmitter.witnessedCheckpoints(stateDirectory: cell.path, witnesses: [endpoint])
        }
        try await writer.close()
    }
}
