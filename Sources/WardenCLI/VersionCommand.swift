import ArgumentParser
import WardenGateway

enum WardenVersion {
    static var string: String { Cell.version }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Warden's version.")

    func run() {
        print("warden \(WardenVersion.string)")
    }
}
