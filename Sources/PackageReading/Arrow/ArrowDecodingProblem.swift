/// What is wrong with a message, found by code that does not know the file or where the message
/// sits in it; `ArrowMessageReader` adds both and turns it into an `ArrowError`.
enum ArrowDecodingProblem: Error {
    case malformed(String)
    case unsupported(String)
}
