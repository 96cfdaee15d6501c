// Regenerates TestVectors/: every file, manifest.json and MANIFEST.md. Run from the repository root:
//   swift run saml-testvectors [--check]
// With --check it writes nothing and exits 1 if any committed file differs from what it would write.
import Foundation
import SAML
import SAMLTestVectors

let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("TestVectors")
let check = CommandLine.arguments.contains("--check")
do {
    let (files, manifest) = try TestVectorCatalog(keysDirectory: root.appendingPathComponent("keys")).generate()
    var outputs = files.map { ($0.name, Data($0.bytes)) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    outputs.append(("manifest.json", try encoder.encode(manifest) + Data("\n".utf8)))
    outputs.append(("MANIFEST.md", Data(TestVectorCatalog.markdown(manifest).utf8)))
    var differences = 0
    for (name, data) in outputs {
        let url = root.appendingPathComponent(name)
        if check {
            if (try? Data(contentsOf: url)) != data {
                print("differs: TestVectors/\(name)")
                differences += 1
            }
        } else {
            try data.write(to: url)
        }
    }
    let rejects = manifest.filter { $0.verdict == .reject }.count
    print("\(files.count) files, \(manifest.count) manifest entries (\(manifest.count - rejects) VALID, \(rejects) REJECT)"
          + (check ? ", \(differences) differing" : " written to TestVectors/"))
    exit(differences == 0 ? 0 : 1)
} catch {
    print("error: \(error)")
    exit(2)
}
