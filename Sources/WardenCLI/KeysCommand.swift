import ArgumentParser
import Foundation
import WardenGateway
import WardenVault

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List, rotate and retire the tenant's purpose keys (restart the cell to apply).",
        subcommands: [ListKeys.self, RotateKey.self, RetireKey.self]
    )
}

extension KeyPurpose: ExpressibleByArgument {}

struct ListKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List key versions by purpose.")
    @OptionGroup var cell: CellOptions

    func run() async throws {
        let configuration = try cell.load()
        let keys = try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
        for purpose in KeyPurpose.allCases {
            for key in keys.keyring.verificationKeys(purpose) {
                print("\(purpose.rawValue)\tv\(key.version)\t\(key.keyID)\t\(key.status.rawValue)")
            }
        }
    }
}

struct RotateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Make a new version active; older versions keep verifying until retired."
    )
    @OptionGroup var cell: CellOptions
    @Option(help: "grants, ledger-signing, session-cookies or vault-data") var purpose: KeyPurpose

    func run() async throws {
        let configuration = try cell.load()
        let keys = try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
        let ring = try await TenantKeyringStore(store: keys.vault).rotate(TenantID(configuration.tenant), purpose)
        print(
            "\(purpose.rawValue): active key is now \(ring.activeKey(purpose).keyID) (v\(ring.activeKey(purpose).version))"
        )
    }
}

struct RetireKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Retire a key version: what it signed stops verifying."
    )
    @OptionGroup var cell: CellOptions
    @Option(help: "grants, ledger-signing, session-cookies or vault-data") var purpose: KeyPurpose
    @Option(help: "The version to retire.") var version: UInt32

    func run() async throws {
        let configuration = try cell.load()
        let keys = try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
        _ = try await TenantKeyringStore(store: keys.vault).retire(
            TenantID(configuration.tenant), purpose, version: version)
        print("\(purpose.rawValue): v\(version) retired")
    }
}
