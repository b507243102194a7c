import ArgumentParser
import Foundation
import WardenGateway

/// How a command finds its cell: a configuration file, or the quick-start defaults in a data folder.
struct CellOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The cell's configuration file (YAML). Without it: quick-start defaults.")
    var config: String?

    @Option(name: .long, help: "Data folder for the quick-start cell.")
    var dataDir: String = ".warden/local"

    @Option(name: .long, help: "Agent listener port for the quick-start cell.")
    var port: Int = 8790

    @Option(name: .long, help: "Admin listener port for the quick-start cell.")
    var adminPort: Int = 8791

    func load() throws -> CellConfiguration {
        if let config {
            do {
                return try ConfigurationLoader.load(path: config, literalSecretDetector: SecretLinting.detector)
            } catch {
                throw CLIError(error.description)
            }
        }
        let absolute = URL(
            fileURLWithPath: dataDir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        )
        .standardizedFileURL.path
        return CellConfiguration.quickStart(dataDirectory: absolute, agentPort: port, adminPort: adminPort)
    }
}

/// An error the command prints as is (without the usage text that `ValidationError` adds).
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
