import WardenCore

/// The sums a trusted record states for itself: an invoice's `amount_gbp`, a claim's `total`, a booking's `balance_due`.
///
/// "The ledger has the wrong figure: the invoice is 3,480.00, a zero was dropped" — and the purchase order's block cap
/// is 3,480.00, so the figure is trusted too. The record being paid says 348.00. A trusted tool's JSON output is read
/// for objects with identifying fields (`SettledRecords.identifying`) and numbers under amount-like keys
/// (`ValueExtractor.isAmountKey`); each identifying value is kept with each amount (kind `.recordedAmount`,
/// `reading<TAB>amount`). `ContainmentJudge.amountsNotRecorded` holds a payment of such a record whose amount is none
/// of the record's, unless the task names it. Pure.
public enum RecordedAmounts {
    /// The `.recordedAmount` rows of a trusted output.
    public static func values(in output: JSONValue) -> Set<TaggedValue> {
        var rows: Set<TaggedValue> = []
        for (record, _) in JSONRecords.objects(in: output) {
            let amounts = amounts(of: record)
            let refundable = refundable(of: record)
            guard !amounts.isEmpty || !refundable.isEmpty else { continue }
            for (key, values) in SettledRecords.identifying(record) {
                for value in values {
                    if isPayable(key) {
                        for amount in amounts {
                            rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + amount))
                        }
                    }
                    // What a record says may be refunded (`refund_eligible: 0.0`), by every identifying value: a
                    // registration, an order or a booking is what a refund is of.
                    for amount in refundable {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + refundablePrefix + amount))
                    }
                }
            }
        }
        return rows
    }

    /// How a refundable amount's row marks it (`identifier:REG-1\trefundable 850`).
    public static let refundablePrefix = "refundable "

    /// A record's refundable amounts: numbers under a key that says refund (`refund_eligible`, `refundable_amount`,
    /// `refund_due`), not a refund already made (`refunded`, `refund_paid`).
    static func refundable(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record {
            let words = Set(JSONRecords.keyWords(key))
            guard !words.isDisjoint(with: ["refund", "refundable"]),
                words.isDisjoint(with: ["refunded", "paid", "issued", "made", "date", "status", "id", "ref"])
            else { continue }
            if let amount = JSONRecords.amount(value) { found.insert(amount) }
        }
        return found
    }

    /// Words of a key or argument that name what is paid by its own amount (an invoice, a bill, a claim), not where
    /// money comes from (a matter's ledger) or what it is for (a job, a shipment).
    static let payableParts: Set<String> = ["invoice", "bill", "claim"]

    /// Whether a key (`invoice_id`, `bill_ref`, `claim_number`) names a payable record.
    public static func isPayable(_ key: String) -> Bool {
        !Set(JSONRecords.keyWords(key)).isDisjoint(with: payableParts)
    }

    /// A record's own amounts (its scalar numbers under amount-like keys), as `Parse.decimal` spells them.
    static func amounts(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record where ValueExtractor.isAmountKey(key) {
            if let amount = JSONRecords.amount(value) { found.insert(amount) }
        }
        return found
    }
}
