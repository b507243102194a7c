import ArgumentParser
import Foundation
import WardenGateway

/// How a command finds its cell: a configuration file, or the quick-start defaults in a data folder.
struct CellOptions: ParsableArguments {
    static let defaultDataDirectory = ".warden/local"
    static let defaultPort = 8790
    static let defaultAdminPort = 8791

    @Option(name: .shortAndLong, help: "The cell's configuration file (YAML). Without it: quick-start defaults.")
    var config: String?

    @Option(name: .long, help: "Data folder for the quick-start cell.")
    var dataDir: String = CellOptions.defaultDataDirectory

    @Option(name: .long, help: "Agent listener port for the quick-start cell.")
    var port: Int = CellOptions.defaultPort

    @Option(name: .long, help: "Admin listener port for the quick-start cell.")
    var adminPort: Int = CellOptions.defaultAdminPort

    func load() throws -> CellConfiguration {
        if let config {
            do {
                return try ConfigurationLoader.load(path: config, literalSecretDetector: SecretLinting.detector)
            } catch {
                throw CLIError(error.description)
            }
        }
        return CellConfiguration.quickStart(
            dataDirectory: Self.absolute(dataDir), agentPort: port, adminPort: adminPort)
    }

    /// The options another `warden` command needs to reach this same cell: `--config FILE`, or the quick-start
    /// data folder and agent port when they are not the defaults. The agent port matters because the development
    /// issuer's URL (a token's `iss`) and the endpoint (its `aud`) include it. Paths are absolute, so the command
    /// works from any folder.
    var sameCellArguments: [String] {
        if let config { return ["--config", Self.absolute(config)] }
        var arguments: [String] = []
        if dataDir != Self.defaultDataDirectory { arguments += ["--data-dir", Self.absolute(dataDir)] }
        if port != Self.defaultPort { arguments += ["--port", String(port)] }
        return arguments
    }

    /// A `warden` command line, ready to paste, that runs `arguments` against this same cell.
    func commandLine(_ arguments: String...) -> String {
        ([wardenProgram] + arguments + sameCellArguments).map(shellQuoted).joined(separator: " ")
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }
}

/// How this `warden` was invoked: `warden` when found on the PATH, else the path of the binary (`swift run` runs
/// it from the build folder), so a printed command runs the same program.
var wardenProgram: String {
    guard let invoked = CommandLine.arguments.first, invoked.contains("/") else { return "warden" }
    return CellOptions.absolute(invoked)
}

/// `word` as one POSIX shell word.
func shellQuoted(_ word: String) -> String {
    let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
    if !word.isEmpty, word.allSatisfy(plain.contains) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// An error the command prints as is (without the usage text that `ValidationError` adds).
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
