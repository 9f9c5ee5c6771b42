import Foundation
import Testing
@testable import Harness

struct ProvenanceTests {
    @Test func pathsInsideTheProjectAreShownRelative() {
        let root = URL(fileURLWithPath: "/srv/clone")
        #expect(Provenance.displayPath("/srv/clone/.cache/synth/val", root: root) == ".cache/synth/val")
        #expect(Provenance.displayPath("/srv/clone/a/../b/val", root: root) == "b/val")
        // Outside the project (or a sibling whose name merely starts the same): unchanged.
        #expect(Provenance.displayPath("/data/imagenet/val", root: root) == "/data/imagenet/val")
        #expect(Provenance.displayPath("/srv/clone2/val", root: root) == "/srv/clone2/val")
        #expect(Provenance.displayPath("/data/val", root: nil) == "/data/val")
    }
}
