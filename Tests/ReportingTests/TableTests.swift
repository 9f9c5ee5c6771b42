import Foundation
import Testing
@testable import Reporting

// Expected text written by hand. Numbers: see Fixture (Δ, ↓ %, × worked out there); WilsonInterval
// bounds from the closed form evaluated independently in Python 3 (math.sqrt, z = 1.959963984540054):
// 160/200 → [73.914, 84.955], 161/200 → [74.456, 85.394], 162/200 → [74.999, 85.833],
// 150/200 → [68.566, 80.492], 146/200 → [66.457, 78.677], 140/200 → [63.321, 75.925],
// top-5 190/200 → [91.042, 97.262], 188/200 → [89.807, 96.535].
@Suite("Tables: Markdown and CSV")
struct TableTests {
    @Test func table2Markdown() {
        let t = Table2.render(Fixture.report)
        #expect(t.table.render() == """
        | Model | η | Top-1 (%) | 95% CI | Top-1 paper (ImageNet) | GFLOPs | GFLOPs paper (ImageNet) | Throughput (img/s) | Throughput paper (ImageNet) |
        | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | DeiT-S | – | 80.00 | [73.91, 84.95] | 79.8 | 4.00 | 4.6 | 10.0 | 2601 |
        | CF-ViT | 0.50 | 80.50 (+0.50) | [74.46, 85.39] | 79.8 | 2.00 (↓50.0%) | 1.8 | 18.8 (↑1.88×) | 4903 |
        | CF-ViT | 1.00 | 81.00 (+1.00) | [75.00, 85.83] | 80.8 | 3.50 (↓12.5%) | 4.0 | 9.0 (↓0.90×) | 2760 |
        | negative GCA | 1.00 | 75.00 | [68.57, 80.49] | – | 3.50 | – | – | – |

        """)
        #expect(t.notes.contains("Throughput: images/s in throughput mode (real batched early exit) on test-host; batch 8, 2 threads; timer covers: forward; ↑ is the ratio to the baseline row."))
        #expect(t.notes.last == "paper (ImageNet): numbers published in CF-ViT Table 2; measured on other data and hardware, shown for comparison only.")
    }

    @Test func sharedTimerCoverPartsAreSaidOnce() {
        let merged = Table2.mergeCovers([
            "forward per batch: blocks; decoding excluded; median of 3 passes",
            "forwardEarlyExit per batch: stage 1, stage 2; decoding excluded; median of 3 passes",
        ])
        #expect(merged == "forward per batch: blocks; forwardEarlyExit per batch: stage 1, stage 2; decoding excluded; median of 3 passes")
        // A part only some rows have stays with the differing parts.
        #expect(Table2.mergeCovers(["a; x", "b"]) == "a; x; b")
        #expect(Table2.mergeCovers(["forward"]) == "forward")
    }

    @Test func table2GroupsRowsUnderTheirBaseline() {
        // Suite order puts the child first; the table still starts with its baseline.
        var r = Fixture.report
        r.models = [Fixture.negGCA, Fixture.cfvit, Fixture.deit]
        let names = Table2.rowOrder(r).map { "\($0.0.name)@\($0.1.map { Fixed.string($0, 2) } ?? "-")" }
        #expect(names == ["cf-vit-neg@1.00", "deit-s@-", "cf-vit@0.50", "cf-vit@1.00"])
    }

    @Test func table2WithoutPaperOrThroughputDropsThoseColumns() {
        var r = Fixture.report
        r.paper = []
        r.models = r.models.map { var m = $0; m.throughput = []; return m }
        let t = Table2.render(r)
        #expect(t.table.headers == ["Model", "η", "Top-1 (%)", "95% CI", "GFLOPs"])
        #expect(t.table.rows[1] == ["CF-ViT", "0.50", "80.50 (+0.50)", "[74.46, 85.39]", "2.00 (↓50.0%)"])
    }

    @Test func flopsIncreaseAndSlowdownAreMarked() {
        #expect(Cell.flopsChange(6.7, baseline: 4.6) == "↑45.7%")
        #expect(Cell.flopsChange(4.6, baseline: 4.6) == "↓0.0%")
        #expect(Cell.speedup(4903, baseline: 2601) == "↑1.89×")
        #expect(Cell.speedup(0.999, baseline: 1) == "↑1.00×")  // rounds to 1.00: not marked as a slow-down
        #expect(Cell.speedup(1, baseline: 0) == "–")
    }

    @Test func table2CSVColumnsAndRows() {
        let csv = Table2.render(Fixture.report).csv
        // timm's results-file columns first, in timm's order, then ours.
        #expect(Array(csv.columns.prefix(9)) == ["model", "top1", "top1_err", "top5", "top5_err", "param_count",
                                                 "img_size", "crop_pct", "interpolation"])
        #expect(Array(csv.columns.suffix(2)) == ["weights_sha256", "git_rev"])
        for name in ["variant", "eta", "gflops", "stage1_exit_share", "n_images"] {
            #expect(csv.columns.contains(name))
        }
        let text = csv.render()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let data = lines.filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(data.count == 5)
        #expect(data[0] == ResultCSV.columns.joined(separator: ","))
        let b = String(repeating: "b", count: 64)
        #expect(data[2] == "cf-vit,80.500,19.500,94.000,6.000,22.20,224,0.875,bicubic,,0.50,2.0000,0.600000,200,"
                + "74.456,85.394,89.807,96.535,73.000,81.000,18.80,8,2,79.8,1.8,4903,75.5,80.8,"
                + "CF-ViT Table 2; CF-ViT Table 4,,,,,,,,\(b),abc1234")   // no paired statistics in the fixture
        #expect(data[4].hasPrefix("cf-vit-neg,75.000,25.000,92.500,7.500,,,,,neg-gca,1.00,3.5000,0.000000,200,68.566,80.492,"))
    }

    @Test func csvStartsWithTheProvenanceComments() {
        let text = Table2.render(Fixture.report).csv.render()
        #expect(text.hasPrefix("""
        # generated by repro report from results/results.sqlite; do not edit, regenerate it
        # suite: mini
        # git_rev: abc1234
        # date_utc: 2024-05-01T12:00:00Z
        # host: test-host
        # threads: 2
        # blas: OpenBLAS 0.3.21 (pthreads)
        # dataset: data/mini/val (200 images)
        # weights_sha256 deit-s: \(String(repeating: "a", count: 64))
        # weights_sha256 cf-vit: \(String(repeating: "b", count: 64))
        # note: runs 1, 2, 3

        """))
    }

    @Test func markdownDocumentStartsWithTitleAndProvenance() {
        let doc = Table2.render(Fixture.report).markdownDocument(Fixture.provenance)
        #expect(doc.hasPrefix("""
        # Table 2: models against their baselines

        > Generated by `repro report` from `results/results.sqlite`. Do not edit: regenerate it.
        >
        > - Suite: `mini`
        > - Git revision: `abc1234`
        > - Date (UTC): 2024-05-01T12:00:00Z
        > - Host: `test-host`, threads: 2, BLAS: `OpenBLAS 0.3.21 (pthreads)`
        > - Dataset: `data/mini/val` (200 images)
        > - Weights SHA-256:
        >   - `deit-s`: `\(String(repeating: "a", count: 64))`
        >   - `cf-vit`: `\(String(repeating: "b", count: 64))`
        > - runs 1, 2, 3

        | Model | η |
        """))
    }

    @Test func table1FullModelAgainstStage1() throws {
        let t = try Table1.render(Fixture.report.table1!, report: Fixture.report)
        #expect(t.table.render() == """
        | Model | Tokens | Top-1 (%) | 95% CI | Top-1 paper (ImageNet) | GFLOPs | GFLOPs paper (ImageNet) |
        | --- | ---: | ---: | ---: | ---: | ---: | ---: |
        | DeiT-S | 14×14 | 80.00 | [73.91, 84.95] | 79.8 | 4.00 | 4.6 |
        | CF-ViT, stage 1 | 7×7 | 73.00 | [66.46, 78.68] | 75.5 | 1.00 | – |

        """)
        let rows = t.csv.rows
        #expect(rows[1] == ["CF-ViT, stage 1", "cf-vit", "", "1", "7x7", "73.000", "27.000", "92.500", "7.500",
                            "66.457", "78.677", "1.0000", "200", "75.5", "", "CF-ViT Table 4",
                            String(repeating: "b", count: 64), "abc1234"])
    }

    @Test func ablationTableFromSpec() throws {
        let t = try SpecTable.render(Fixture.table4, report: Fixture.report)
        #expect(t.table.render() == """
        | Model | Stage-1 top-1 (%) | 95% CI | Stage-1 top-1 paper (ImageNet) | Stage-2 top-1 (%) | 95% CI | Stage-2 top-1 paper (ImageNet) |
        | --- | ---: | ---: | ---: | ---: | ---: | ---: |
        | negative GCA | 70.00 | [63.32, 75.93] | 74.9 | 75.00 | [68.57, 80.49] | 77.6 |
        | GCA (ours) | 73.00 | [66.46, 78.68] | 75.5 | 81.00 | [75.00, 85.83] | 80.8 |

        """)
        #expect(t.notes.first == "Early exit off.")
        #expect(t.csv.columns.first == "label")
        #expect(t.csv.rows[1].prefix(3) == ["GCA (ours)", "cf-vit", "81.000"])
    }

    @Test func specTableWithEtaColumnsAndNoPaper() throws {
        // Table 6 shape: fine top-1 and GFLOPs at η = 1, plus exit share and top-1 at η 0.5.
        let spec = TableSpec(id: "t6", title: "α", eta: 1.0,
                             rows: [TableRowSpec(model: "cf-vit", label: "α = 0.5"),
                                    TableRowSpec(model: "cf-vit", label: "at η 0.5", eta: 0.5),
                                    TableRowSpec(model: "deit-s")],
                             columns: [.top1, .gflops, .exitShare, .throughput, .params], paper: false)
        let t = try SpecTable.render(spec, report: Fixture.report)
        #expect(t.table.render() == """
        | Model | η | Top-1 (%) | 95% CI | GFLOPs | Stage-1 exits (%) | Throughput (img/s) | Params (M) |
        | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | α = 0.5 | 1.00 | 81.00 | [75.00, 85.83] | 3.50 | 0.0 | 9.0 | 22.20 |
        | at η 0.5 | 0.50 | 80.50 | [74.46, 85.39] | 2.00 | 60.0 | 18.8 | 22.20 |
        | DeiT-S | – | 80.00 | [73.91, 84.95] | 4.00 | 100.0 | 10.0 | 22.05 |

        """)
        #expect(t.csv.rows[0][ResultCSV.columns.firstIndex(of: "paper_top1")! + 1] == "")
    }

    @Test func missingSweepPointShowsADash() throws {
        let spec = TableSpec(id: "t", title: "t", rows: [TableRowSpec(model: "cf-vit", eta: 0.3)], columns: [.top1, .gflops])
        let t = try SpecTable.render(spec, report: Fixture.report)
        #expect(t.table.rows == [["CF-ViT", "0.30", "–", "–", "–"]])
    }

    @Test func exitStatistics() {
        #expect(ExitStatistics.table(Fixture.cfvit, etas: [0.0, 0.5, 1.0, 0.7]).render() == """
        | η | Stage 1: images | Stage 1: correct | Stage 2: images | Stage 2: correct | All: correct | Top-1 (%) | GFLOPs |
        | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | 0.00 | 200 (100.0%) | 146 (73.0%) | 0 (0.0%) | 0 | 146 / 200 | 73.00 | 1.00 |
        | 0.50 | 120 (60.0%) | 110 (91.7%) | 80 (40.0%) | 51 (63.8%) | 161 / 200 | 80.50 | 2.00 |
        | 1.00 | 0 (0.0%) | 0 | 200 (100.0%) | 162 (81.0%) | 162 / 200 | 81.00 | 3.50 |
        | 0.70 | – | – | – | – | – | – | – |

        """)
        let csv = ExitStatistics.csv(Fixture.report)
        #expect(csv.rows.count == 8)  // cf-vit: 3 η × 2 stages; cf-vit-neg: 1 η × 2 stages
        #expect(csv.rows[2] == ["cf-vit", "", "0.50", "1", "120", "110", "91.667", "0.600000", "200", "abc1234"])
    }

    @Test func invalidInputIsATypedError() {
        var r = Fixture.report
        r.tables[0].rows.append(TableRowSpec(model: "nope"))
        #expect(throws: ReportError.unknownModel(name: "nope", where: "tables[0] (table4-region).rows[2]",
                                                 known: ["deit-s", "cf-vit", "cf-vit-neg"])) { try r.validate() }
        var s = Fixture.report
        s.models[1].sweep[1].stages.removeLast()
        #expect(throws: ReportError.self) { try s.validate() }
        var t = Fixture.report
        t.tables[0].id = "../escape"
        #expect(throws: ReportError.self) { try t.validate() }
        var u = Fixture.report
        u.models[0].baseline = "ghost"
        #expect(throws: ReportError.self) { try u.validate() }
    }

    @Test func reportInputRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(Fixture.report)
        let back = try JSONDecoder().decode(SuiteReport.self, from: data)
        #expect(back == Fixture.report)
        // A table spec as a suite would write it: rows as bare names or objects.
        let spec = try JSONDecoder().decode(TableSpec.self, from: Data("""
        {"id": "table4", "title": "T4", "rows": ["cf-vit", {"model": "cf-vit-neg", "label": "neg"}],
         "columns": ["stage1_top1", "stage2_top1"]}
        """.utf8))
        #expect(spec.rows == [TableRowSpec(model: "cf-vit"), TableRowSpec(model: "cf-vit-neg", label: "neg")])
        #expect(spec.columns == [.stage1Top1, .stage2Top1])
    }
}
