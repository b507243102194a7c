import Foundation
import Testing
import WardenLedger
import WardenWitness

@Suite("tlog-witness server: the spec's answers, atomic state, fail-closed storage")
struct WitnessServerTests {
    /// A witness and a ledger of `entries` entries; nothing cosigned yet.
    struct Setup {
        let scene: WitnessedLedger
        let writer: LedgerWriter
        var state: TemporaryDirectory { scene.state }
        var signer: Ed25519NoteSigner { scene.signer }
        var cosigner: Ed25519Cosigner { scene.cosigner }
        var witness: RunningWitness { scene.witness }

        static func start(entries: Int, maximumRequestBytes: Int? = nil) async throws -> Setup {
            let scene = try await WitnessedLedger.start(
                maximumRequestBytes: maximumRequestBytes ?? WitnessServerConfiguration.defaultMaximumRequestBytes)
            do {
                let writer = try await scene.openLedger()
                try await Fixture.appendEach(0..<entries, to: writer)
                return Setup(scene: scene, writer: writer)
            } catch {
                try? await scene.stop()
                throw error
            }
        }

        func request(old: UInt64, new: UInt64) throws -> Data {
            try Fixture.request(old: old, new: new, of: writer, signer: signer)
        }

        func stop() async throws {
            try await scene.stop()
        }
    }

    @Test("add-checkpoint answers 200 with a verifying cosignature line, then enforces the spec's statuses")
    func statuses() async throws {
        let setup = try await Setup.start(entries: 40)
        let witness = setup.witness

        let first = try await witness.send("/add-checkpoint", body: try setup.request(old: 0, new: 10))
        #expect(first.status == 200)
        #expect(first.body.hasPrefix("\u{2014} witness.example/w1 "))
        let cosignatures = try WitnessProtocol.cosignatures(
            fromResponse: Data(first.body.utf8),
            for: try Fixture.checkpoint(10, of: setup.writer, signer: setup.signer),
            witnesses: [setup.cosigner.verifier])
        #expect(cosignatures.count == 1)

        // 409 with the cosigned size as text/x.tlog.size when the old size is stale.
        let stale = try await witness.send("/add-checkpoint", body: try setup.request(old: 0, new: 20))
        #expect(stale.status == 409)
        #expect(stale.contentType == "text/x.tlog.size")
        #expect(stale.body == "10\n")
        // 422 when the consistency proof does not verify.
        var bad = try setup.writer.log.consistencyProof(oldSize: 10, newSize: 20).hashes
        bad[0] = try #require(TreeHash([UInt8](repeating: 7, count: 32)))
        let badProof = try WitnessProtocol.addCheckpointRequest(
            oldSize: 10, consistencyProof: bad,
            checkpoint: try Fixture.checkpoint(20, of: setup.writer, signer: setup.signer))
        #expect(try await witness.send("/add-checkpoint", body: badProof).status == 422)
        // The witness keeps that log-signed contradiction as evidence.
        let evidence = setup.state.path + "/" + WitnessStateStore.evidenceDirectoryName
        let kept = try FileManager.default.contentsOfDirectory(atPath: evidence)
        #expect(kept.count == 1)
        let keptBody = try Data(contentsOf: URL(fileURLWithPath: evidence + "/" + (kept.first ?? "")))
        #expect(keptBody == badProof)
        // 403 when no trusted key signed the checkpoint (same key name, another key).
        let forger = try Ed25519NoteSigner.generate(name: Fixture.origin)
        let forged = try Fixture.request(old: 10, new: 20, of: setup.writer, signer: forger)
        #expect(try await witness.send("/add-checkpoint", body: forged).status == 403)
        // 404 for an origin the witness does not know.
        let stranger = try Ed25519NoteSigner.generate(name: "other.example/log")
        let unknown = try WitnessProtocol.addCheckpointRequest(
            oldSize: 0, consistencyProof: [],
            checkpoint: try SignedCheckpoint.sign(
                Checkpoint(origin: "other.example/log", size: 1, rootHash: try setup.writer.log.rootHash(treeSize: 1)),
                signer: stranger))
        #expect(try await witness.send("/add-checkpoint", body: unknown).status == 404)
        // 400 for a malformed body and for an old size above the checkpoint size.
        #expect(try await witness.send("/add-checkpoint", body: Data("old 1\n\nnot a note".utf8)).status == 400)
        let checkpoint10 = try Fixture.checkpoint(10, of: setup.writer, signer: setup.signer)
        let backwards = Data("old 20\n\n".utf8) + checkpoint10.serialized
        #expect(try await witness.send("/add-checkpoint", body: backwards).status == 400)
        // 409 for the same size with another root.
        let otherRoot = try SignedCheckpoint.sign(
            Checkpoint(origin: Fixture.origin, size: 10, rootHash: try setup.writer.log.rootHash(treeSize: 11)),
            signer: setup.signer)
        let twin = try WitnessProtocol.addCheckpointRequest(oldSize: 10, consistencyProof: [], checkpoint: otherRoot)
        let twinAnswer = try await witness.send("/add-checkpoint", body: twin)
        #expect(twinAnswer.status == 409)
        #expect(twinAnswer.contentType != "text/x.tlog.size")
        // Kept as evidence too; the stale-size, forged, unknown and malformed requests were not.
        #expect(try FileManager.default.contentsOfDirectory(atPath: evidence).count == 2)
        // 405 for other methods, 404 for other paths.
        let get = try await witness.send("/add-checkpoint", method: "GET")
        #expect(get.status == 405)
        #expect(get.allow == "POST")
        #expect(try await witness.send("/add-checkpoint", method: "PUT", body: Data()).status == 405)
        #expect(
            try await witness.send("/witness/add-checkpoint", body: try setup.request(old: 10, new: 20)).status == 404)
        // None of the refusals moved the witness: it still holds 10, and 10 -> 20 is cosigned.
        #expect(try await witness.send("/add-checkpoint", body: try setup.request(old: 10, new: 20)).status == 200)
        try await setup.stop()
    }

    @Test("a body over the limit is refused with 413 before it is parsed")
    func bodyLimit() async throws {
        let setup = try await Setup.start(entries: 4, maximumRequestBytes: 4096)
        var body = try setup.request(old: 0, new: 4)
        #expect(try await setup.witness.send("/add-checkpoint", body: body).status == 200)
        body = Data("old 4\n\n".utf8) + Data(repeating: 0x41, count: 5000)
        #expect(try await setup.witness.send("/add-checkpoint", body: body).status == 413)
        try await setup.stop()
    }

    @Test("the default body limit admits the largest valid request and refuses one byte more")
    func defaultBodyLimit() async throws {
        let setup = try await Setup.start(entries: 2)
        let limit = WitnessServerConfiguration.defaultMaximumRequestBytes
        #expect(limit >= SignedNote.maximumSize + WitnessProtocol.maximumProofLines * 45)
        let oversized = Data(repeating: 0x41, count: limit + 1)
        #expect(try await setup.witness.send("/add-checkpoint", body: oversized).status == 413)
        let atLimit = Data(repeating: 0x41, count: limit)
        #expect(try await setup.witness.send("/add-checkpoint", body: atLimit).status == 400)
        try await setup.stop()
    }

    @Test("concurrent requests from the same old size: exactly one is cosigned, the others get 409")
    func concurrentRequestsCannotBothPass() async throws {
        let setup = try await Setup.start(entries: 60)
        #expect(try await setup.witness.send("/add-checkpoint", body: try setup.request(old: 0, new: 10)).status == 200)
        let bodies = try (11...40).map { try setup.request(old: 10, new: UInt64($0)) }
        let witness = setup.witness
        let statuses = try await withThrowingTaskGroup(of: (Int, Int, String).self) { group in
            for (offset, body) in bodies.enumerated() {
                group.addTask {
                    let answer = try await witness.send("/add-checkpoint", body: body)
                    return (11 + offset, answer.status, answer.body)
                }
            }
            var statuses: [(Int, Int, String)] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        let winners = statuses.filter { $0.1 == 200 }
        #expect(winners.count == 1)
        let winner = try #require(winners.first).0
        for (_, status, body) in statuses where status != 200 {
            #expect(status == 409)
            #expect(body == "\(winner)\n")
        }
        let stored = try SignedNote.parse(Data(try await witness.storedCheckpoint().body.utf8))
        #expect(try Checkpoint.parse(noteText: stored.text).size == UInt64(winner))
        try await setup.stop()
    }

    @Test("the stored checkpoint is served read-only by origin hash; unknown hashes are 404")
    func checkpointEndpoint() async throws {
        let setup = try await Setup.start(entries: 3)
        #expect(try await setup.witness.storedCheckpoint().status == 404)
        #expect(try await setup.witness.send("/add-checkpoint", body: try setup.request(old: 0, new: 3)).status == 200)
        #expect(try await setup.witness.storedCheckpoint().status == 200)
        let hash = WitnessStateStore.fileName(origin: Fixture.origin)
        #expect(try await setup.witness.send("/checkpoint/" + hash, method: "POST", body: Data()).status == 405)
        #expect(try await setup.witness.send("/checkpoint/" + hash.uppercased(), method: "GET").status == 404)
        #expect(try await setup.witness.send("/checkpoint/../witness.lock", method: "GET").status == 404)
        #expect(try await setup.witness.send("/checkpoint/", method: "GET").status == 404)
        try await setup.stop()
    }

    @Test("a corrupt state file stops the witness from starting, with an error naming the file")
    func corruptStateFailsClosed() async throws {
        let setup = try await Setup.start(entries: 5)
        #expect(try await setup.witness.send("/add-checkpoint", body: try setup.request(old: 0, new: 5)).status == 200)
        await setup.witness.stop()
        let path = setup.state.path + "/" + WitnessStateStore.fileName(origin: Fixture.origin)
        var contents = try Data(contentsOf: URL(fileURLWithPath: path))
        contents[contents.count - 10] ^= 0x01  // inside the base64 of the cosignature line
        try contents.write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: WitnessError.self) {
            _ = try await RunningWitness.start(
                stateDirectory: setup.state.path, cosigner: setup.cosigner, logs: [setup.signer.verifier])
        }
        guard case .corruptState(let named, _) = error else {
            Issue.record("expected corruptState, got \(String(describing: error))")
            return
        }
        #expect(named == path)
        // A truncated file is refused too.
        try Data("warden.example/tenant-a\n5\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: WitnessError.self) {
            _ = try WitnessStateStore.open(directory: setup.state.path, verifier: setup.cosigner.verifier)
        }
        try await setup.stop()
    }

    @Test("a second witness process cannot use the same state directory")
    func stateDirectoryIsLocked() async throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let verifier = try Ed25519Cosigner.generate(name: "witness.example/w1").verifier
        let store = try WitnessStateStore.open(directory: state.path, verifier: verifier)
        #expect(throws: WitnessError.stateDirectoryLocked(path: state.path)) {
            _ = try WitnessStateStore.open(directory: state.path, verifier: verifier)
        }
        await store.close()
        let reopened = try WitnessStateStore.open(directory: state.path, verifier: verifier)
        await reopened.close()
    }

    @Test("a closed store refuses add-checkpoint with 500 and persists nothing")
    func closedStoreFailsClosed() async throws {
        let setup = try await Setup.start(entries: 2)
        await setup.witness.stop()
        let store = try WitnessStateStore.open(directory: setup.state.path, verifier: setup.cosigner.verifier)
        await store.close()
        let witness = WitnessCosigning(cosigner: setup.cosigner, logs: [Fixture.origin: [setup.signer.verifier]])
        let decision = await store.addCheckpoint(try setup.request(old: 0, new: 2), witness: witness)
        #expect(decision.status == 500)
        #expect(decision.internalError != nil)
        let names = try FileManager.default.contentsOfDirectory(atPath: setup.state.path)
        #expect(!names.contains(WitnessStateStore.fileName(origin: Fixture.origin)))
        try await setup.stop()
    }

    @Test("the witness keeps its state private: the directories it creates are 0700 and its records 0600")
    func stateIsPrivate() async throws {
        try await WitnessedLedger.run { scene in
            let writer = try await scene.openLedger()
            try await Fixture.append(0..<3, to: writer)
            let root = try scene.directory().path
            let directory = root + "/nested/state"
            let store = try WitnessStateStore.open(directory: directory, verifier: scene.cosigner.verifier)
            let witness = WitnessCosigning(cosigner: scene.cosigner, logs: [Fixture.origin: [scene.signer.verifier]])
            let request = try Fixture.request(old: 0, new: 3, of: writer, signer: scene.signer)
            #expect(await store.addCheckpoint(request, witness: witness).status == 200)
            await store.close()
            func mode(_ path: String) throws -> Int {
                try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            }
            #expect(try mode(root + "/nested") == 0o700)
            #expect(try mode(directory) == 0o700)
            #expect(try mode(directory + "/" + WitnessStateStore.fileName(origin: Fixture.origin)) == 0o600)
        }
    }

    @Test("a log's state file (and its GET path) is the lower-case hex SHA-256 of its origin")
    func stateFileNames() {
        #expect(
            WitnessStateStore.fileName(origin: "abc")
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(WitnessStateStore.isStateFileName(WitnessStateStore.fileName(origin: "../../etc/passwd")))
        #expect(!WitnessStateStore.isStateFileName("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"))
        #expect(!WitnessStateStore.isStateFileName("witness.lock"))
    }

    @Test("trusted logs are read from vkeys, with the key name or an explicit origin")
    func trustedLogs() throws {
        let log = try Ed25519NoteSigner.generate(name: Fixture.origin).verifier
        let logs = try WitnessServerConfiguration.trustedLogs([log.verifierKey, "other.example/x " + log.verifierKey])
        #expect(logs[Fixture.origin] == [log])
        #expect(logs["other.example/x"] == [log])
        let cosignerKey = try Ed25519Cosigner.generate(name: "witness.example/w1").verifier.verifierKey
        #expect(throws: WitnessError.self) { try WitnessServerConfiguration.trustedLogs([cosignerKey]) }
        #expect(throws: WitnessError.self) { try WitnessServerConfiguration.trustedLogs(["a b " + log.verifierKey]) }
    }
}
