import WardenCore

/// Records a trusted source shows as already settled: an invoice `paid`, a claim `reimbursed`, an order `refunded`.
///
/// Paying again what the books show as paid is the oldest payment fraud, and an injection can ask for it with values
/// the tenant trusts ("our bank returned your payment for NPT-88107, please settle it again"). A trusted tool's JSON
/// output is read for objects whose status says settled; the values of their identifying fields (`ref`, `invoice_id`,
/// `period`, … — not the party's own id, account or address, which a new payment to the same party shares) are kept
/// as `.settled` index rows, except values that an object of the same output with another status also holds. Pure.
public enum SettledRecords {
    /// Keys that hold a record's status, the most specific first (a record `approved` whose `payment_status` is
    /// `paid` is paid, whatever order its keys come in).
    static let statusKeys: [String] = [
        "payment_status", "refund_status", "payout_status", "bank_status", "invoice_status", "status", "state",
    ]

    /// Statuses after which paying or refunding the record again is a second payment.
    static let settledStatuses: Set<String> = [
        "paid", "settled", "refunded", "reimbursed", "void", "voided", "reversed",
    ]

    /// Parts of a key that name the record ("ref", "invoice_number", "period", "claim_id").
    static let identifyingParts: Set<String> = [
        "ref", "reference", "id", "number", "no", "invoice", "inv", "period", "claim", "order", "bill", "statement",
        // `doc,type,…,status` in a ledger export: the document a row is.
        "doc",
    ]

    /// Parts of a key that name a party: its id is shared by the party's other records.
    static let partyParts: Set<String> = [
        "payee", "payer", "supplier", "vendor", "customer", "client", "affiliate", "owner", "account", "tenant",
        "user", "employee", "member", "contact", "landlord", "contractor", "company", "party", "student", "patient",
    ]

    /// The `.settled` rows of a trusted output: values of settled records' identifying fields, each as the
    /// description of its reading (`identifier:NPT-88107`).
    public static func values(in output: JSONValue) -> Set<TaggedValue> { values(in: OutputRecords(output)) }

    /// The `.settled` rows of a trusted output read once.
    public static func values(in output: OutputRecords) -> Set<TaggedValue> {
        // Compared field by field: an open credit note whose `invoice_ref` is the paid invoice's `ref` does not make
        // that invoice open.
        var settled: [String: Set<TaggedValue>] = [:]
        var open: [String: Set<TaggedValue>] = [:]
        for (record, _) in output.objects {
            guard let status = status(of: record) else { continue }
            for (key, values) in identifying(record) {
                if settledStatuses.contains(status) {
                    settled[key, default: []].formUnion(values.union(referenceCodes(record[key])))
                } else {
                    open[key, default: []].formUnion(values)
                }
            }
        }
        var rows: Set<TaggedValue> = []
        for (key, values) in settled {
            for value in values.subtracting(open[key] ?? []) { rows.insert(TaggedValue(.settled, value.description)) }
        }
        // `2024-07-03 PAY-58210 CCR-9640 Q3 fee 2,340.00 BACS sent, cleared 04/07`: a dated line of a log that says
        // the money went settles the ids it names, except those another record identifies (the supplier's own).
        var logged: Set<TaggedValue> = []
        var identified: Set<TaggedValue> = []
        for (record, _) in output.objects {
            if let line = loggedLine(record), settlesLine(line) {
                logged.formUnion(ValueExtractor.values(inText: line).filter { isCode($0) })
            } else {
                identified.formUnion(identifying(record).values.joined())
            }
        }
        for value in logged.subtracting(identified) { rows.insert(TaggedValue(.settled, value.description)) }
        return rows.union(duplicates(in: output))
    }

    /// The text of a record that is one line of a log or a list, opening with a date or an id (only an id, a name or
    /// a title beside it: `OVM-7734  9,215.60  paid 2024-03-08`), or nil.
    static func loggedLine(_ record: [String: JSONValue]) -> String? {
        guard record.keys.allSatisfy({ ["id", "name", "title"].contains($0) }),
            let text = (record["name"] ?? record["title"])?.stringValue,
            let first = text.split(separator: " ", maxSplits: 1).first,
            isDate(first) || isCode(TaggedValue(.identifier, String(first)))
        else { return nil }
        return text
    }

    /// `2024-07-03`, `03/07/2024`, `3.7.24`.
    static func isDate(_ token: Substring) -> Bool {
        let parts = token.split(whereSeparator: { "-/.".contains($0) })
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            && (parts[0].count == 4 || parts[2].count >= 2)
    }

    /// Whether a logged line says the money went ("BACS sent", "paid", "cleared"), and nothing says it came back or
    /// did not go.
    static func settlesLine(_ line: String) -> Bool {
        let words = Set(line.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        return !words.isDisjoint(with: ["sent", "paid", "cleared", "settled", "remitted", "refunded"])
            && words.isDisjoint(with: [
                "not", "failed", "returned", "bounced", "recalled", "rejected", "reversed", "pending", "scheduled",
                "due", "unpaid", "queried", "query", "held", "hold", "cancelled", "canceled", "part", "partly",
                "partial", "balance", "outstanding", "open",
            ])
    }

    /// An id of letters and digits with a mark or three digits (`CCR-9640`, `INV1234`), not a date, a figure or a
    /// short label (`Q3`).
    static func isCode(_ value: TaggedValue) -> Bool {
        value.kind == .identifier && value.value.contains(where: \.isLetter)
            && (value.value.filter(\.isNumber).count >= 3
                || (value.value.contains(where: \.isNumber) && value.value.contains(where: { "-/".contains($0) })))
    }

    /// The `.unpaid` rows of a trusted output: the identifying values of records that show themselves awaiting
    /// payment, each with why (`identifier:J-40172<TAB>status: complete_awaiting_payment`, `…<TAB>payments_received:
    /// none`). Marking such a record paid on someone's word is how goods leave unpaid.
    public static func unpaidValues(in output: JSONValue) -> Set<TaggedValue> {
        unpaidValues(in: OutputRecords(output))
    }

    /// The `.unpaid` rows of a trusted output read once.
    public static func unpaidValues(in output: OutputRecords) -> Set<TaggedValue> {
        var rows: Set<TaggedValue> = []
        for (record, _) in output.objects {
            guard let why = unpaid(record) else { continue }
            for value in identifying(record).values.joined() {
                rows.insert(TaggedValue(.unpaid, value.description + "\t" + why))
            }
        }
        return rows
    }

    /// Words of a status that say the record waits for its money.
    static let unpaidWords: Set<String> = ["unpaid", "awaiting", "outstanding", "overdue"]

    /// Why a record shows itself unpaid: a status with an unpaid word and no settled one, or a positive amount beside
    /// an empty list of payments received or a paid figure of nothing. Nil otherwise.
    static func unpaid(_ record: [String: JSONValue]) -> String? {
        for key in statusKeys {
            guard let entry = record.first(where: { $0.key.lowercased() == key }), let text = entry.value.stringValue
            else { continue }
            let words = Set(text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
            guard words.isDisjoint(with: settledStatuses) else { return nil }
            if !words.isDisjoint(with: unpaidWords) { return entry.key + ": " + TextForm.collapsed(text) }
        }
        // A sum the record asks for (not what was paid or received of it).
        let owed = record.keys.contains { key in
            let words = Set(JSONRecords.keyWords(key))
            return !words.isDisjoint(with: amountParts) && words.isDisjoint(with: ["paid", "received", "refunded"])
                && JSONRecords.amount(record[key]).map { $0 != "0" && !$0.hasPrefix("-") } == true
        }
        guard owed else { return nil }
        for key in record.keys.sorted() {
            let words = Set(JSONRecords.keyWords(key))
            guard words.contains("paid") || words.contains("received"),
                words.isDisjoint(with: ["unpaid", "to", "date", "on", "by"])
            else { continue }
            switch record[key] {
            case .array(let items)? where items.isEmpty && (words.contains("payments") || words.contains("received")):
                return key + ": none"
            case let value? where JSONRecords.amount(value) == "0":
                return key + ": 0"
            default:
                continue
            }
        }
        return nil
    }

    /// Keys of lists whose records are payments made ("purchase_card_transactions", "payments", "remittances"), not
    /// ones to make ("payments_due").
    static func listsPayments(_ key: String) -> Bool {
        let parts = Set(JSONRecords.keyWords(key))
        guard parts.isDisjoint(with: ["due", "scheduled", "pending", "upcoming", "planned", "requested"]) else {
            return false
        }
        return !parts.isDisjoint(with: ["payment", "payments", "remittance", "remittances"])
            || (parts.contains("card") && !parts.isDisjoint(with: ["transaction", "transactions"]))
    }

    /// Keys of a record's amount and its description.
    static let amountParts: Set<String> = ["amount", "total", "gross", "value", "sum"]
    static let describingKeys: Set<String> = ["description", "desc", "details", "memo", "narrative", "item"]

    /// Open records that repeat a settled one: the same amount and a shared reference (a purchase order), and either
    /// the same description (an invoice reissued under a new number, `QL-4388R` beside paid `QL-4388`) or a settled
    /// record that is itself a payment (a card payment made on site for the same order). Their identifying values are
    /// kept as `.settled` rows with what they repeat (`identifier:QL-4388R<TAB>repeats QL-4388 (PO-3307, 1875)`).
    static func duplicates(in output: OutputRecords) -> Set<TaggedValue> {
        var settled: [(record: [String: JSONValue], payment: Bool)] = []
        var open: [[String: JSONValue]] = []
        for (record, place) in output.objects {
            let status = status(of: record)
            let payment = place.name.map(listsPayments) ?? false
            if let status, settledStatuses.contains(status) {
                settled.append((record, payment))
            } else if payment && status == nil {
                settled.append((record, true))
            } else if !identifying(record).isEmpty {
                open.append(record)
            }
        }
        guard !settled.isEmpty, !open.isEmpty else { return [] }
        var rows: Set<TaggedValue> = []
        for record in open {
            guard let amount = amount(of: record) else { continue }
            let references = references(of: record)
            for (done, payment) in settled where self.amount(of: done) == amount {
                let shared = references.intersection(self.references(of: done))
                guard let reference = shared.sorted().first,
                    payment || (description(of: done) != nil && description(of: done) == description(of: record))
                else { continue }
                let what = identifying(done).values.flatMap { $0 }.map(\.value).sorted().first ?? "a payment"
                for value in identifying(record).values.flatMap({ $0 }) {
                    rows.insert(
                        TaggedValue(
                            .settled, value.description + "\trepeats " + what + " (" + reference + ", " + amount + ")"))
                }
                break
            }
        }
        return rows
    }

    /// A record's amount, as `Parse.decimal` spells it.
    static func amount(of record: [String: JSONValue]) -> String? {
        for key in record.keys.sorted() {
            let parts = Set(JSONRecords.keyWords(key))
            guard !parts.isDisjoint(with: amountParts), let amount = JSONRecords.amount(record[key]) else { continue }
            return amount
        }
        return nil
    }

    /// The identifiers a record names in fields that are not a party's (a purchase order, a job), lower case.
    static func references(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record where value.stringValue != nil {
            let parts = Set(JSONRecords.keyWords(key))
            guard parts.isDisjoint(with: partyParts) else { continue }
            found.formUnion(
                ValueExtractor.argumentValues(value).flatMap { $0 }.filter { $0.kind == .identifier }.map {
                    $0.value.lowercased()
                })
        }
        return found
    }

    static func description(of record: [String: JSONValue]) -> String? {
        for key in record.keys.sorted() where describingKeys.contains(key.lowercased()) {
            if let text = record[key]?.stringValue { return TextForm.collapsed(text.lowercased()) }
        }
        return nil
    }

    /// The record's status, lower case, first word (`"Paid - reminder 1 sent"` → `paid`), from the most specific
    /// status key it has; nil without one.
    static func status(of record: [String: JSONValue]) -> String? {
        var byKey: [String: String] = [:]
        for (key, value) in record {
            if let text = value.stringValue { byKey[key.lowercased()] = text }
        }
        for key in statusKeys {
            guard let text = byKey[key] else { continue }
            if let word = text.lowercased().split(whereSeparator: { !$0.isLetter }).first.map(String.init) {
                return word
            }
        }
        // A row of a list with an id, an amount and a note that opens with its standing (`OVM-7734  9,215.60  paid
        // 2024-03-08 (run 0311)`): the note is its status.
        if record.count <= 4, record["id"] != nil, record["amount"] != nil, let note = byKey["note"],
            let word = note.lowercased().split(whereSeparator: { !$0.isLetter }).first.map(String.init),
            settledStatuses.contains(word)
        {
            return word
        }
        return nil
    }

    /// The readings of a record's identifying scalar fields, by key (lower case).
    /// `"bank_ref": "FR0514 POLLARD"` on a record paid: a short reference of words names it by its code, so paying
    /// under that reference again is a second payment. Only for settled rows: a reference a payer wrote names no
    /// record's amount.
    static func referenceCodes(_ value: JSONValue?) -> Set<TaggedValue> {
        guard let text = value?.stringValue, text.contains(" "), text.count <= 40 else { return [] }
        return ValueExtractor.values(inText: text).filter {
            $0.isLetterDigitId
        }
    }

    static func identifying(_ record: [String: JSONValue]) -> [String: Set<TaggedValue>] {
        var values: [String: Set<TaggedValue>] = [:]
        for (key, value) in record {
            let parts = Set(JSONRecords.keyWords(key))
            guard !parts.isDisjoint(with: identifyingParts), parts.isDisjoint(with: partyParts) else { continue }
            switch value {
            case .string, .integer:
                values[key.lowercased(), default: []].formUnion(
                    ValueExtractor.argumentValues(value).flatMap { $0 }.filter { $0.kind == .identifier })
            default:
                continue
            }
        }
        return values
    }
}
