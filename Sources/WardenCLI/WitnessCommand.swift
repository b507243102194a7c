import ArgumentParser
import Foundation
import Logging
import WardenGateway
import WardenLedger
import WardenWitness

struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Run a C2SP tlog-witness for Warden ledgers (a second party cosigns consistent checkpoints).",
        subcommands: [WitnessKeygen.self, WitnessKey.self, WitnessServe.self, WitnessShow.self]
    )
}

struct WitnessKeygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create a witness key (file mode 0600, never overwritten) and print its verifier key."
    )
    @Option(help: "The witness's name, e.g. witness.example/w1.") var name: String
    @Option(help: "Where to write the private key.") var out: String

    func run() async throws {
        print(try WitnessKeyFile.generate(name: name, privateKeyPath: out).verifier.verifierKey)
    }
}

struct WitnessKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print the verifier key of a witness key file (give it to the logs that submit to you)."
    )
    @Option(help: "The witness's private key file.") var key: String

    func run() async throws {
        print(try WitnessKeyFile.readCosigner(path: key).verifier.verifierKey)
    }
}

struct WitnessServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve POST /add-checkpoint for the given logs until SIGTERM."
    )
    @Option(help: "host:port to listen on.") var listen: String = "127.0.0.1:7380"
    @Option(help: "The witness's private key file.") var key: String
    @Option(help: "Directory of the witness state (the newest cosigned checkpoint per log).") var state: String
    @Option(
        name: .customLong("log"),
        help: "A log to witness: its verifier key (`warden ledger key`), or \"<origin> <vkey>\" (repeatable).")
    var logs: [String] = []
    @Option(name: .long, help: "Log level (trace, debug, info, notice, warning, error).")
    var logLevel: String = "info"

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--listen must be host:port") }
        let host = String(listen[..<colon])
        let trusted = try WitnessServerConfiguration.trustedLogs(logs)
        let configuration = WitnessServerConfiguration(
            host: host, port: port, stateDirectory: state, cosigner: try WitnessKeyFile.readCosigner(path: key),
            logs: trusted)
        let logger = WardenLogging.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        try await WitnessServer(configuration: configuration, logger: logger).runService { port in
            say("witness: listening on \(host):\(port)")
            say("witness: ready")
        }
    }
}

struct WitnessShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the newest checkpoint this witness cosigned for a log (for `ledger verify --trusted`)."
    )
    @Option(help: "Directory of the witness state.") var state: String
    @Option(help: "The witness's verifier key (its cosignature must verify).") var vkey: String
    @Option(help: "The log's origin, e.g. warden.cell/acme.") var origin: String

    func run() async throws {
        let verifier = try Ed25519CosignatureVerifier(verifierKey: vkey)
        let path = state + "/" + WitnessStateStore.fileName(origin: origin)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("this witness has cosigned nothing for \(origin)")
        }
        // Parsed (size-bounded), cosignature verified and origin checked in one place.
        let checkpoint = try SignedCheckpoint.open(data, verifiers: [verifier], origin: origin)
        FileHandle.standardOutput.write(checkpoint.note.serialized)
    }
}
