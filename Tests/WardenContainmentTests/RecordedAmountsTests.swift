import Testing
import WardenCore

@testable import WardenContainment

/// The sums a trusted record states for itself: paying the record another figure, however trusted, needs a person.
@Suite("Recorded amounts")
struct RecordedAmountsTests {
    static let ledger: JSONValue = [
        "invoice_id": "QL-4502", "supplier_id": "CON-141", "po": "PO-3340", "amount_gbp": 348.0,
        "balance_due": 348, "status": "approved",
    ]
    static let order: JSONValue = ["po": "PO-3340", "not_to_exceed_gbp": 3480.0]
    static let matter: JSONValue = ["matter_id": "HV-23-1170", "balance": 26847.0]

    @Test("an invoice's, bill's or claim's own amounts are kept by its id; a matter's or an order's are not")
    func rows() {
        #expect(
            RecordedAmounts.values(in: Self.ledger).map(\.value).sorted() == [
                "identifier:QL-4502\t348"
            ])
        #expect(RecordedAmounts.values(in: Self.order).isEmpty)
        #expect(RecordedAmounts.values(in: Self.matter).isEmpty)
    }

    @Test("a payment of a record whose amount is none of the record's needs a person, unless the task names it")
    func judged() {
        var index = ProvenanceIndex()
        for output in [Self.ledger, Self.order] {
            index.add(values: RecordedAmounts.values(in: output), trusted: true, source: "finance.get_ledger (call 2)")
        }
        let wrong: [String: JSONValue] = ["invoice_id": "QL-4502", "amount_gbp": 3480.0]
        #expect(
            ContainmentJudge.amountsNotRecorded(arguments: wrong, critical: nil, index: index) == [
                #"amount_gbp "3480.0" is none of the amounts finance.get_ledger (call 2) records for QL-4502 (348)"#
            ])
        let right: [String: JSONValue] = ["invoice_id": "QL-4502", "amount_gbp": 348]
        #expect(ContainmentJudge.amountsNotRecorded(arguments: right, critical: nil, index: index).isEmpty)
        // From a matter's ledger: the matter is where the money comes from, not what is paid.
        let fromMatter: [String: JSONValue] = ["matter_id": "HV-23-1170", "amount": 4800]
        #expect(ContainmentJudge.amountsNotRecorded(arguments: fromMatter, critical: nil, index: index).isEmpty)
        // The task that names the figure chose it ("pay QL-4502 at 3,480.00, the corrected figure").
        index.add(
            text: "Pay QL-4502 at 3,480.00, the corrected figure.", trusted: true, source: ContainmentJudge.taskSource)
        #expect(ContainmentJudge.amountsNotRecorded(arguments: wrong, critical: nil, index: index).isEmpty)
    }
}
