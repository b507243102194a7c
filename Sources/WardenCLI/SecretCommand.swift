import ArgumentParser
import Foundation
import WardenGateway
import WardenVault

struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Manage the cell's encrypted vault (values are never printed unless asked).",
        subcommands: [SetSecret.self, ListSecrets.self, DeleteSecret.self, RotateMasterKey.self]
    )
}

func openVault(_ cell: CellOptions) async throws -> CellKeys {
    let configuration = try cell.load()
    return try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
}

struct SetSecret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Store a secret; the value is read from standard input (never from the command line)."
    )
    @OptionGroup var cell: CellOptions
    @Argument(help: "The name, as in secret://name.") var name: String

    func run() async throws {
        let reference = try SecretReference(name: name)
        let input = FileHandle.standardInput.readDataToEndOfFile()
        var value = String(decoding: input, as: UTF8.self)
        while value.hasSuffix("\n") || value.hasSuffix("\r") { value.removeLast() }
        guard !value.isEmpty else { throw CLIError("no value on standard input") }
        try await openVault(cell).vault.set(SecretValue(value), for: reference)
        print("stored secret://\(name)")
    }
}

struct ListSecrets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List secret names.")
    @OptionGroup var cell: CellOptions

    func run() async throws {
        for reference in try await openVault(cell).vault.list() { print("secret://\(reference.name)") }
    }
}

struct DeleteSecret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a secret.")
    @OptionGroup var cell: CellOptions
    @Argument(help: "The name.") var name: String

    func run() async throws {
        guard try await openVault(cell).vault.delete(try SecretReference(name: name)) else {
            throw CLIError("no secret named \(name)")
        }
        print("deleted secret://\(name)")
    }
}

struct RotateMasterKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Re-encrypt the vault under a new master key, written to --new-key-file (mode 0600)."
    )
    @OptionGroup var cell: CellOptions
    @Option(help: "Where to write the new master key (must not exist).") var newKeyFile: String

    func run() async throws {
        let keys = try await openVault(cell)
        let fresh = MasterKey.generate()
        try fresh.writeKeyFile(path: newKeyFile)
        try await keys.vault.rotate(to: fresh)
        print(
            "vault re-encrypted; the new master key is in \(newKeyFile): install it as WARDEN_MASTER_KEY or master.key")
    }
}
