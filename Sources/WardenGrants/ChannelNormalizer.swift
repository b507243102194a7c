extension RecipientNormalizer {
    static let reservedServices: Set<String> = ["mailto", "http", "https", "file", "data", "javascript", "ftp"]
    static let maximumChannelNameLength = 80

    /// Normalises a chat destination: `<service>:#<channel>` or `<service>:@<member>`, e.g. `slack:#payments`,
    /// `teams:#finance-ops`, `slack:@U024BE7LH`.
    ///
    /// The service is 1-32 of `a-z 0-9 -` starting with a letter (upper case is folded), and may not be a URL or
    /// mail scheme. Channel names are folded to lower case (chat services treat them case-insensitively); member
    /// ids keep their case (they are opaque ids). Both allow `A-Z a-z 0-9 . _ -`, 1 to 80 characters.
    public func channel(_ raw: String) throws(RecipientError) -> Recipient {
        guard !raw.isEmpty else { throw RecipientError(.empty) }
        guard raw.utf8.count <= 256 else { throw RecipientError(.tooLong) }
        try Self.refuseInvisible(raw)
        let parts = raw.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw RecipientError(.channelService) }
        let service = String(decoding: parts[0].utf8.map(DomainNormalizer.lowercasedASCII), as: UTF8.self)
        guard let first = service.utf8.first, first >= 0x61, first <= 0x7A, service.utf8.count <= 32,
            service.utf8.allSatisfy(DomainNormalizer.isLDH)
        else { throw RecipientError(.channelService) }
        guard !Self.reservedServices.contains(service) else { throw RecipientError(.reservedService) }
        let target = parts[1]
        guard let sigil = target.first, sigil == "#" || sigil == "@" else { throw RecipientError(.channelService) }
        let name = target.dropFirst()
        guard !name.isEmpty, name.utf8.count <= Self.maximumChannelNameLength,
            name.utf8.allSatisfy({
                DomainNormalizer.isLDH(DomainNormalizer.lowercasedASCII($0)) || $0 == 0x2E || $0 == 0x5F
            })
        else { throw RecipientError(.channelName) }
        let canonicalName =
            sigil == "#"
            ? String(decoding: name.utf8.map(DomainNormalizer.lowercasedASCII), as: UTF8.self) : String(name)
        return Recipient(trustedCanonical: service + ":" + String(sigil) + canonicalName)
    }
}
