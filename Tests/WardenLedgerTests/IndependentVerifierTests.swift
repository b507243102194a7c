import Foundation
import Testing

@testable import WardenLedger

/// Checks the ledger with a verifier we did not write: the `aics-tlog` Python package (C2SP tlog-tiles,
/// checkpoint and signed-note verification). Set `WARDEN_LEDGER_PYTHON` to a Python interpreter that can
/// `import aics_tlog`.
@Suite("Independent verification with aics-tlog")
struct IndependentVerifierTests {
    static let python = ProcessInfo.processInfo.environment["WARDEN_LEDGER_PYTHON"]

    static let script = """
        import base64, json, sys
        import aics_tlog as t
        spec = json.load(open(sys.argv[1]))
        d = spec["directory"]
        key = t.parse_vkey(spec["vkey"])
        def check(ok, what):
            if not ok:
                print("FAIL " + what)
                sys.exit(1)
        current = t.verify_checkpoint(t.parse_note(open(d + "/checkpoint").read()), key, expected_origin=spec["origin"])
        check(current.ok, "checkpoint: %s" % current.error)
        old = t.verify_checkpoint(t.parse_note(spec["oldCheckpoint"]), key, expected_origin=spec["origin"])
        check(old.ok, "old checkpoint: %s" % old.error)
        reader = t.FileSystemTileReader(d)
        t.audit_tiles(reader, current.size, current.root)
        for p in spec["inclusion"]:
            proof = [base64.b64decode(h) for h in p["hashes"]]
            entry = base64.b64decode(p["entry"])
            check(t.verify_leaf_inclusion(entry, p["index"], current.size, proof, current.root), "inclusion %d" % p["index"])
            check(t.inclusion_proof_from_tiles(reader, p["index"], current.size) == proof, "tile proof %d" % p["index"])
            check(t.read_entry(reader, p["index"], current.size) == entry, "entry %d" % p["index"])
        consistency = [base64.b64decode(h) for h in spec["consistency"]]
        check(t.verify_consistency(old.size, current.size, old.root, current.root, consistency), "consistency")
        print("OK")
        """

    static func run(spec: [String: Any], in directory: String) throws -> (Int32, String) {
        let scriptPath = directory + "/verify.py"
        let specPath = directory + "/spec.json"
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = [scriptPath, specPath]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test(
        "aics-tlog accepts the checkpoint, every tile and bundle, and our inclusion and consistency proofs",
        .enabled(if: python != nil, "set WARDEN_LEDGER_PYTHON to a Python with aics-tlog installed"))
    func independentVerifierAccepts() async throws {
        let work = try TemporaryDirectory()
        defer { work.remove() }
        let ledger = work.path + "/ledger"
        let signer = try LedgerFixture.signer()
        let writer = try await LedgerWriter.open(directory: ledger, origin: LedgerFixture.origin, signer: signer)
        _ = try await writer.appendBatch((0..<300).map(LedgerFixture.entry))
        let old = try await writer.checkpoint()
        for start in stride(from: 300, to: 66_000, by: 1000) {
            _ = try await writer.appendBatch((start..<min(66_000, start + 1000)).map(LedgerFixture.entry))
        }
        _ = try await writer.checkpoint()
        var inclusion: [[String: Any]] = []
        for index in [0, 1, 255, 256, 299, 300, 65_535, 65_536, 65_999] {
            let proof = try await writer.proveInclusion(index: UInt64(index))
            inclusion.append([
                "index": index, "hashes": proof.hashes.map(\.base64),
                "entry": LedgerFixture.entry(index).base64EncodedString(),
            ])
        }
        let consistency = try await writer.proveConsistency(from: 300)
        try await writer.close()
        let spec: [String: Any] = [
            "directory": ledger, "vkey": signer.verifier.verifierKey, "origin": LedgerFixture.origin,
            "oldCheckpoint": String(decoding: old.serialized, as: UTF8.self), "inclusion": inclusion,
            "consistency": consistency.hashes.map(\.base64),
        ]
        let (status, output) = try Self.run(spec: spec, in: work.path)
        #expect(status == 0, "\(output)")
        #expect(output.contains("OK"))

        // The same independent verifier refuses the log once one entry is changed.
        let bundle = TiledLog(directory: ledger).filePath(.entryBundle(index: 3, width: 256))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: bundle))
        bytes[bytes.startIndex + 10] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: bundle))
        let (tamperedStatus, tamperedOutput) = try Self.run(spec: spec, in: work.path)
        #expect(tamperedStatus != 0, "\(tamperedOutput)")
    }
}
