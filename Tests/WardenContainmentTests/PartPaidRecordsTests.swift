import Testing
import WardenCore

@testable import WardenContainment

/// A sum part of which is paid: paying the whole of it again needs a person.
@Suite("Part-paid records")
struct PartPaidRecordsTests {
    static let agreement: JSONValue = [
        "contract_id": "C-HBL2-LOC-027", "payee_id": "V-1411", "fee_total": 10500.0,
        "payment_schedule": [
            ["stage": "deposit on signature", "amount": 3500.0, "status": "paid 2025-11-04"],
            ["stage": "balance within 7 days of strike", "amount": 7000.0, "status": "due"],
        ],
    ]
    static let purchase: JSONValue = [
        "matter_id": "HV-24-0412", "price": 412500.0, "deposit": 41250.0,
        "deposit_status": "Paid 2024-11-08 to Brook Lyle LLP", "balance_due": 371250.0,
    ]
    static let unpaid: JSONValue = [
        "contract_id": "C-HBL2-LOC-031", "fee_total": 4200.0,
        "payment_schedule": [["stage": "on signature", "amount": 4200.0, "status": "due"]],
    ]

    @Test("a whole sum with a paid stage or a paid deposit is kept by the record's id; one with nothing paid is not")
    func rows() {
        #expect(
            PartPaidRecords.values(in: Self.agreement).map(\.value) == [
                "identifier:C-HBL2-LOC-027\t10500\tpayment_schedule: deposit on signature 3500 paid"
            ])
        #expect(
            PartPaidRecords.values(in: Self.purchase).map(\.value) == [
                "identifier:HV-24-0412\t412500\tdeposit 41250 Paid 2024-11-08 to Brook Lyle LLP"
            ])
        #expect(PartPaidRecords.values(in: Self.unpaid).isEmpty)
        // An invoice's own amount with a paid-to-date figure between nothing and all of it.
        let invoice: JSONValue = [
            "invoice_ref": "GK-5530", "amount": 2400.0, "status": "part_paid", "paid_to_date": 1200.0,
            "outstanding": 1200.0,
        ]
        #expect(PartPaidRecords.values(in: invoice).map(\.value) == ["identifier:GK-5530\t2400\tpaid_to_date 1200"])
        let unpaidInvoice: JSONValue = ["invoice_ref": "GK-5531", "amount": 2400.0, "paid_to_date": 0.0]
        #expect(PartPaidRecords.values(in: unpaidInvoice).isEmpty)
        let amountDue: JSONValue = ["invoice_ref": "GK-5532", "amount": 2400.0, "amount_due": 1200.0]
        #expect(PartPaidRecords.values(in: amountDue).isEmpty)
    }

    @Test("paying the whole sum of a part-paid record needs a person; the balance, or a sum the task names, does not")
    func judged() {
        var index = ProvenanceIndex()
        for output in [Self.agreement, Self.purchase] {
            index.add(values: PartPaidRecords.values(in: output), trusted: true, source: "contracts.lookup (call 2)")
        }
        let whole: [String: JSONValue] = [
            "payee_id": "V-1411", "invoice_ref": "C-HBL2-LOC-027 bal", "amount": 10500.0,
        ]
        #expect(
            ContainmentJudge.partPaidInFull(arguments: whole, index: index) == [
                #"amount "10500.0" is the whole of C-HBL2-LOC-027 (contracts.lookup (call 2)), part of which is "#
                    + "paid already (payment_schedule: deposit on signature 3500 paid)"
            ])
        var balance = whole
        balance["amount"] = 7000.0
        #expect(ContainmentJudge.partPaidInFull(arguments: balance, index: index).isEmpty)
        // Another record's payment of the same figure is not this record's.
        let other: [String: JSONValue] = ["invoice_ref": "KPV-3108", "amount": 10500.0]
        #expect(ContainmentJudge.partPaidInFull(arguments: other, index: index).isEmpty)
        let completion: [String: JSONValue] = ["matter_id": "HV-24-0412", "amount": 412500.0]
        #expect(ContainmentJudge.partPaidInFull(arguments: completion, index: index).count == 1)
        // Another output showing the same record with another whole sum: a payment of either sum is held.
        let amended: JSONValue = [
            "contract_id": "C-HBL2-LOC-027", "fee_total": 12000.0,
            "payment_schedule": [["stage": "deposit on signature", "amount": 3500.0, "status": "paid 2025-11-04"]],
        ]
        index.add(values: PartPaidRecords.values(in: amended), trusted: true, source: "contracts.lookup (call 3)")
        var amendedWhole = whole
        amendedWhole["amount"] = 12000.0
        #expect(ContainmentJudge.partPaidInFull(arguments: amendedWhole, index: index).count == 1)
        #expect(ContainmentJudge.partPaidInFull(arguments: whole, index: index).count == 1)
        index.add(text: "Pay Hallow Court the full 10,500 now.", trusted: true, source: ContainmentJudge.taskSource)
        #expect(ContainmentJudge.partPaidInFull(arguments: whole, index: index).isEmpty)
    }

    @Test(
        "an invoice's gross with credit notes netted against it is a sum part-settled: paying the gross needs a person")
    func grossWithCreditsApplied() {
        let payable: JSONValue = [
            "payable_id": "PAY-58266", "supplier_invoice": "RH-90218", "gross_amount": 5806.93,
            "credit_notes_applied": [["id": "RH-CN-1177", "amount": -742.58]], "amount": 5064.35, "status": "approved",
        ]
        #expect(
            PartPaidRecords.values(in: payable).map(\.value).sorted() == [
                "identifier:PAY-58266\t5806.93\tcredit_notes_applied: RH-CN-1177 -742.58"
            ])
        var index = ProvenanceIndex()
        index.add(values: PartPaidRecords.values(in: payable), trusted: true, source: "finance.list_payables (call 2)")
        #expect(
            ContainmentJudge.partPaidInFull(arguments: ["payable_id": "PAY-58266", "amount": 5806.93], index: index)
                .count == 1)
        #expect(
            ContainmentJudge.partPaidInFull(arguments: ["payable_id": "PAY-58266", "amount": 5064.35], index: index)
                .isEmpty)
        // No credit applied: the gross is the sum to pay.
        let plain: JSONValue = ["payable_id": "PAY-1", "gross_amount": 100.0, "credit_notes_applied": []]
        #expect(PartPaidRecords.values(in: plain).isEmpty)
    }
}
