import Foundation
import Testing
import WardenLedger
import WardenWitness

@Suite("tlog-witness: a cell's checkpoints cosigned by a witness over HTTP")
struct WitnessSubmissionTests {
    @Test(
        "a checkpoint is cosigned end to end, the cosignature lands in the ledger, and the witness state survives a restart"
    )
    func cosignsEndToEnd() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            let signed = try await Fixture.append(0..<10, to: writer)
            let submitter = try scene.submitter(for: writer)

            let outcomes = await submitter.submitLatest()
            #expect(outcomes == [WitnessOutcome(witness: "witness.example/w1", checkpointSize: 10, kind: .cosigned)])
            // The checkpoint file served with the ledger now carries the witness's cosignature.
            let onDisk = try writer.log.checkpoint(verifiers: [scene.signer.verifier], origin: Fixture.origin)
            #expect(onDisk.checkpoint == signed.checkpoint)
            #expect(try onDisk.note.verifiedSignatures(by: [scene.cosigner.verifier]).count == 1)
            #expect(await submitter.status().first?.lastCosignedSize == 10)

            // Restart the witness on the same state: it still holds the cosigned checkpoint (log signature and
            // its own cosignature) and shows it to an auditor.
            let witness = try await scene.restartWitness()
            let stored = try await witness.storedCheckpoint()
            #expect(stored.status == 200)
            let note = try SignedNote.parse(Data(stored.body.utf8))
            #expect(try note.verifiedSignatures(by: [scene.signer.verifier]).count == 1)
            #expect(try note.verifiedSignatures(by: [scene.cosigner.verifier]).count == 1)
            #expect(try Checkpoint.parse(noteText: note.text).size == 10)
            // And it refuses a request that ignores that state (old size 0 after it cosigned 10).
            let stale = try await witness.send(
                "/add-checkpoint", body: try Fixture.request(old: 0, new: 10, of: writer, signer: scene.signer))
            #expect(stale.status == 409)
            #expect(stale.body == "10\n")
            // Replaying the stored checkpoint is cosigned again without rewriting the state file.
            let stateFile = scene.state.path + "/" + WitnessStateStore.fileName(origin: Fixture.origin)
            let before = try FileManager.default.attributesOfItem(atPath: stateFile)[.systemFileNumber] as? Int
            let replay = try await witness.send(
                "/add-checkpoint", body: try Fixture.request(old: 10, new: 10, of: writer, signer: scene.signer))
            #expect(replay.status == 200)
            let after = try FileManager.default.attributesOfItem(atPath: stateFile)[.systemFileNumber] as? Int
            #expect(before != nil && before == after)
        }
    }

    @Test("a growing ledger is cosigned round after round with consistency proofs from the last cosigned size")
    func growthOverSeveralRounds() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            let log = OutcomeLog()
            let submitter = try scene.submitter(for: writer, onOutcome: { log.record($0) })
            var next = 0
            for count in [1, 6, 250, 700] {
                let signed = try await Fixture.append(next..<(next + count), to: writer)
                next += count
                let outcomes = await submitter.submitLatest()
                #expect(outcomes.map(\.kind) == [.cosigned], "round ending at \(next)")
                let stored = try SignedNote.parse(Data(try await scene.witness.storedCheckpoint().body.utf8))
                #expect(stored.text == signed.note.text)
            }
            #expect(log.outcomes.map(\.checkpointSize) == [1, 7, 257, 957])
            #expect(await submitter.status().first?.lastCosignedSize == 957)
            // The submitter's own record of the witnessed checkpoint survives a new submitter instance.
            try await submitter.shutdown()
            let again = try scene.submitter(for: writer)
            #expect(await again.status().first?.lastCosignedSize == 957)
        }
    }

    @Test("a stale remembered size is corrected by the witness's 409 and the retry from its size is cosigned")
    func recoversFromStaleRememberedSize() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            try await Fixture.append(0..<40, to: writer)
            let early = try scene.submitter(for: writer)
            #expect(await early.submitLatest().map(\.kind) == [.cosigned])
            try await Fixture.append(40..<90, to: writer)
            // A submitter that remembers nothing (old size 0) is told 40 and proves 40 -> 90.
            let fresh = try scene.submitter(for: writer, records: try scene.directory())
            #expect(await fresh.submitLatest().map(\.kind) == [.cosigned])
            #expect(await fresh.status().first?.lastCosignedSize == 90)
            // The early submitter still remembers 40; the witness is at 90 now, so 40 is stale too.
            try await Fixture.append(90..<100, to: writer)
            #expect(await early.submitLatest().map(\.kind) == [.cosigned])
            let stored = try SignedNote.parse(Data(try await scene.witness.storedCheckpoint().body.utf8))
            #expect(stored.text.contains("\n100\n"))
        }
    }

    @Test("a witness that lost its state (reports a size below what it cosigned for us) raises the alarm")
    func witnessAmnesiaIsAnAlarm() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            try await Fixture.append(0..<40, to: writer)
            let first = try scene.submitter(for: writer)
            #expect(await first.submitLatest().map(\.kind) == [.cosigned])
            try await first.shutdown()
            // The witness comes back with an empty state directory.
            await scene.witness.stop()
            for name in try FileManager.default.contentsOfDirectory(atPath: scene.state.path) {
                try FileManager.default.removeItem(atPath: scene.state.path + "/" + name)
            }
            let forgetful = try await RunningWitness.start(
                stateDirectory: scene.state.path, cosigner: scene.cosigner, logs: [scene.signer.verifier])
            defer { Task { await forgetful.stop() } }
            try await Fixture.append(40..<50, to: writer)
            let again = try scene.submitter(for: writer, witnesses: [try forgetful.endpoint()])
            let outcomes = await again.submitLatest()
            #expect(outcomes.count == 1)
            #expect(outcomes.allSatisfy { $0.isAlarm })
            guard case .refused(409, let reason)? = outcomes.first?.kind else {
                Issue.record("expected a 409 alarm, got \(outcomes)")
                return
            }
            #expect(reason.contains("below the size 40"))
        }
    }

    @Test("a ledger rolled back to an older copy is reported as a conflict naming both sizes")
    func rollbackIsAConflict() async throws {
        try await WitnessedLedger.run { scene in
            let snapshot = try await scene.cosignKeepingRolledBackCopy(olderSize: 30, size: 50)

            // The old copy opens fine on its own (it is a valid ledger of 30 entries)...
            let rolledBack = try await scene.openLedger(in: snapshot)
            // ...but the witness has cosigned 50: a submitter that remembers nothing learns it from the 409.
            let log = OutcomeLog()
            let unaware = try scene.submitter(
                for: rolledBack, records: try scene.directory(), onOutcome: { log.record($0) })
            let outcomes = await unaware.submitLatest()
            #expect(outcomes.map(\.kind) == [.conflict(witnessSize: 50, logSize: 30)])
            #expect(outcomes.allSatisfy { $0.isAlarm })
            #expect(log.outcomes == outcomes)
            let status = try #require(await unaware.status().first)
            #expect(status.conflict)
            #expect(status.lastError?.contains("50") == true)
            // A submitter with the cell's own record of the witnessed checkpoint reports it without asking.
            let aware = try scene.submitter(for: rolledBack)
            #expect(await aware.submitLatest().map(\.kind) == [.conflict(witnessSize: 50, logSize: 30)])
            // Nothing was cosigned for the rolled-back ledger.
            let onDisk = try rolledBack.log.checkpoint(verifiers: [scene.signer.verifier], origin: Fixture.origin)
            #expect(throws: SignedNoteError.noTrustedSignature) {
                try onDisk.note.verifiedSignatures(by: [scene.cosigner.verifier])
            }
        }
    }

    @Test("a fork (same key and origin, other entries) is refused by the witness and reported as an alarm")
    func forkIsRefused() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            try await Fixture.append(0..<20, to: writer)
            let submitter = try scene.submitter(for: writer)
            #expect(await submitter.submitLatest().map(\.kind) == [.cosigned])

            // A longer fork: the witness says 20, the proof 20 -> 25 over the fork's tree fails: 422.
            let fork = try await scene.openLedger(in: try scene.directory())
            try await Fixture.append(1000..<1025, to: fork)
            let forkSubmitter = try scene.submitter(for: fork, records: try scene.directory())
            let outcome = try #require(await forkSubmitter.submitLatest().first)
            guard case .refused(422, _) = outcome.kind else {
                Issue.record("fork not refused with 422: \(outcome)")
                return
            }
            #expect(outcome.isAlarm)
            // A fork of the same size: the witness has another root at 20: 409 without a size.
            let twin = try await scene.openLedger(in: try scene.directory())
            try await Fixture.append(2000..<2020, to: twin)
            let twinSubmitter = try scene.submitter(for: twin, records: try scene.directory())
            let twinOutcome = try #require(await twinSubmitter.submitLatest().first)
            guard case .refused(409, _) = twinOutcome.kind else {
                Issue.record("same-size fork not refused with 409: \(twinOutcome)")
                return
            }
            // The witness still holds the honest checkpoint.
            let stored = try SignedNote.parse(Data(try await scene.witness.storedCheckpoint().body.utf8))
            let honestText = await writer.latestCheckpoint()?.note.text
            #expect(stored.text == honestText)
        }
    }

    @Test("a cosignature by any key other than the configured witness key is refused and not attached")
    func forgedCosignatureRefused() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            try await Fixture.append(0..<5, to: writer)
            // Same witness name, another key (a key id mismatch is ignored, so nothing trusted verifies) and a
            // different name: both must be refused.
            let impostors = [
                try Ed25519Cosigner.generate(name: "witness.example/w1").verifier,
                try Ed25519Cosigner.generate(name: "witness.example/w2").verifier,
            ]
            for impostor in impostors {
                let submitter = try scene.submitter(
                    for: writer, witnesses: [try scene.witness.endpoint(verifier: impostor)])
                let outcome = try #require(await submitter.submitLatest().first)
                guard case .invalidResponse = outcome.kind else {
                    Issue.record("unverifiable cosignature accepted: \(outcome)")
                    return
                }
                #expect(await submitter.status().first?.lastCosignedSize == 0)
                try await submitter.shutdown()
            }
            let onDisk = try writer.log.checkpoint(verifiers: [scene.signer.verifier], origin: Fixture.origin)
            #expect(onDisk.note.signatures.count == 1)
        }
    }

    @Test("an unreachable witness is reported with a reason and the error shows in the status")
    func unreachableWitness() async throws {
        let ledger = try TemporaryDirectory()
        let cell = try TemporaryDirectory()
        defer { TemporaryDirectory.remove([ledger, cell]) }
        let signer = try Ed25519NoteSigner.generate(name: Fixture.origin)
        let cosigner = try Ed25519Cosigner.generate(name: "witness.example/w1")
        // Nothing listens on port 1 of the loopback address.
        let nowhere = try WitnessEndpoint(url: URL(string: "http://127.0.0.1:1")!, verifier: cosigner.verifier)
        let writer = try await Fixture.openLedger(ledger.path, signer: signer)
        try await Fixture.append(0..<3, to: writer)
        let submitter = try WitnessSubmitter(
            source: writer, witnesses: [nowhere], stateDirectory: cell.path, timeout: .seconds(1))
        // The client is shut down whatever the checks find (one left open aborts the whole test process).
        do {
            let outcome = try #require(await submitter.submitLatest().first)
            if case .unreachable = outcome.kind {
                let status = try #require(await submitter.status().first)
                #expect(status.lastError != nil)
                #expect(!status.conflict)
            } else {
                Issue.record("expected unreachable: \(outcome)")
            }
        } catch {
            Issue.record(error)
        }
        try await submitter.shutdown()
        try await writer.close()
    }

    @Test("witness URLs must be https, or http to loopback only")
    func endpointSchemes() throws {
        let verifier = try Ed25519Cosigner.generate(name: "witness.example/w1").verifier
        for accepted in ["https://witness.example/tlog", "http://127.0.0.1:8080", "http://[::1]:1", "http://localhost"]
        {
            #expect(throws: Never.self) { _ = try WitnessEndpoint(url: URL(string: accepted)!, verifier: verifier) }
        }
        for refused in ["http://witness.example", "http://10.0.0.1", "ftp://127.0.0.1", "https://u:p@w.example"] {
            #expect(throws: WitnessError.self) {
                _ = try WitnessEndpoint(url: URL(string: refused)!, verifier: verifier)
            }
        }
        #expect(throws: Never.self) {
            _ = try WitnessEndpoint(
                url: URL(string: "http://witness.lan")!, verifier: verifier, allowInsecureHTTP: true)
        }
        let endpoint = try WitnessEndpoint(url: URL(string: "https://witness.example/tlog/")!, verifier: verifier)
        #expect(endpoint.addCheckpointURL == "https://witness.example/tlog/add-checkpoint")
    }
}
