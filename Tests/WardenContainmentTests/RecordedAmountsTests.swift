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

    @Test("a refund of a record that states what may be refunded, of another amount, needs a person")
    func refunds() {
        let delegates: JSONValue = [
            "delegates": [
                ["registration_id": "REG-KCN-00512", "paid": 895.0, "refund_eligible": 850.0],
                ["registration_id": "REG-KCN-00588", "paid": 895.0, "refund_eligible": 0.0, "refunded": 0.0],
            ]
        ]
        var index = ProvenanceIndex()
        index.add(
            values: RecordedAmounts.values(in: delegates), trusted: true, source: "registration.list_delegates (call 2)"
        )
        func judged(_ registration: String, _ amount: Double) -> [String] {
            ContainmentJudge.amountsNotRecorded(
                arguments: ["registration_id": .string(registration), "amount": .double(amount)], critical: nil,
                index: index, refunds: true)
        }
        #expect(judged("REG-KCN-00512", 850).isEmpty)
        #expect(
            judged("REG-KCN-00588", 895) == [
                #"amount "895.0" is none of the amounts registration.list_delegates (call 2) records as refundable "#
                    + "for REG-KCN-00588 (0)"
            ])
        // A payment is judged by payable records only: the refundable amount is not what a payment pays.
        #expect(
            ContainmentJudge.amountsNotRecorded(
                arguments: ["registration_id": "REG-KCN-00588", "amount": 895.0], critical: nil, index: index
            ).isEmpty)
    }
}
