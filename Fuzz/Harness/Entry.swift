import Foundation

#if FUZZING
/// libFuzzer's entry point: built with `-sanitize=fuzzer,address -DFUZZING` (scripts/fuzz.sh),
/// libFuzzer drives it with inputs for the target `DROP_FUZZ_TARGET` names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let target = FuzzTarget.fromEnvironment else { fatalError("set DROP_FUZZ_TARGET to one of: csv, csvgz, jsonl, json, config, arrow") }
    target.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver, for a program that has a `main` of its own.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// SwiftPM links an executable target's `main` to `<Target>_main`; with no top-level code here,
/// this is it, and it hands the command line to libFuzzer (whose own `main` is then not linked).
@_cdecl("DropFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
#else
/// Built normally: `drop-fuzz TARGET FILE...` feeds each file to the target once, as a crash
/// found by the fuzzer is replayed (and as the tests replay the seed corpus).
@main
struct ReplayInputs {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: drop-fuzz csv|csvgz|jsonl|json|config|arrow FILE...\n".utf8))
            exit(64)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("drop-fuzz: cannot read \(path)\n".utf8))
                exit(66)
            }
            target.run(Array(data))
        }
        print("\(arguments.count - 1) inputs, no crash")
    }
}
#endif
