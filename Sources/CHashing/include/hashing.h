#ifndef HASHING_H
#define HASHING_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256 of a message of at most 55 bytes: one compression, no context. Uses the SHA
/// instructions when the processor has them (x86-64 SHA-NI), portable C otherwise.
void short_sha256(const uint8_t *message, size_t length, uint8_t digest[32]);

/// `short_sha256` of four messages of `length` bytes each, one after the other in `messages`,
/// into four digests one after the other: the four compressions interleaved, so the processor
/// works on one while another waits for its last instruction.
void short_sha256_x4(const uint8_t *messages, size_t length, uint8_t digests[128]);

/// The same, always through portable C: for tests that compare the two.
void short_sha256_portable(const uint8_t *message, size_t length, uint8_t digest[32]);

/// Whether `short_sha256` uses the processor's SHA instructions.
int short_sha256_uses_instructions(void);

/// CRC-32C (Castagnoli) of `length` more bytes, continuing from `crc` (0 to start): the
/// checksum of a file segment. Uses the SSE 4.2 instruction when the processor has it.
uint32_t crc32c_update(uint32_t crc, const uint8_t *bytes, size_t length);

/// The same, always through portable C: for tests that compare the two.
uint32_t crc32c_update_portable(uint32_t crc, const uint8_t *bytes, size_t length);

#endif
