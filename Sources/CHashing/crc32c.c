// CRC-32C of the bytes of a file segment: the survey notes it, and the pass that later reads the
// segment checks it, as it checks a whole file's SHA-256. It only has to catch a file written to
// in between (whose size and times the engine also checks), not an adversary, and with the
// processor's instruction it costs a sixth of a SHA-256 of the same bytes.

#include "hashing.h"

static uint32_t table[256];
static int table_ready = 0;

static void fill_table(void) {
    if (__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE)) return;
    for (uint32_t index = 0; index < 256; index++) {
        uint32_t crc = index;
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
        // Threads that race here write the same values.
        __atomic_store_n(&table[index], crc, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

uint32_t crc32c_update_portable(uint32_t crc, const uint8_t *bytes, size_t length) {
    fill_table();
    crc = ~crc;
    for (size_t index = 0; index < length; index++) {
        crc = (crc >> 8) ^ __atomic_load_n(&table[(crc ^ bytes[index]) & 0xFF], __ATOMIC_RELAXED);
    }
    return ~crc;
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>
#include <string.h>

__attribute__((target("sse4.2")))
static uint32_t update_instructions(uint32_t crc, const uint8_t *bytes, size_t length) {
    uint64_t value = ~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        value = _mm_crc32_u64(value, word);
        bytes += 8;
        length -= 8;
    }
    uint32_t narrow = (uint32_t)value;
    while (length > 0) {
        narrow = _mm_crc32_u8(narrow, *bytes);
        bytes++;
        length--;
    }
    return ~narrow;
}

static int has_instruction(void) {
    static int known = -1;
    int answer = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (answer < 0) {
        unsigned int eax, ebx, ecx, edx;
        answer = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 20));
        __atomic_store_n(&known, answer, __ATOMIC_RELAXED);
    }
    return answer;
}

uint32_t crc32c_update(uint32_t crc, const uint8_t *bytes, size_t length) {
    return has_instruction() ? update_instructions(crc, bytes, length) : crc32c_update_portable(crc, bytes, length);
}
#else
uint32_t crc32c_update(uint32_t crc, const uint8_t *bytes, size_t length) {
    return crc32c_update_portable(crc, bytes, length);
}
#endif
