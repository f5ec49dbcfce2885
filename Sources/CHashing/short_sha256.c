// One SHA-256 block, for the inference id of each generated row: a digest per row through a
// general hashing API (context set up, updated, finalized) costs three times the compression
// itself; here the message is padded in place and compressed once.

#include "hashing.h"

#include <string.h>

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/// The message, its 0x80 marker, zeros and its length in bits: one 64-byte block.
static void pad(const uint8_t *message, size_t length, uint8_t block[64]) {
    memset(block, 0, 64);
    memcpy(block, message, length);
    block[length] = 0x80;
    uint64_t bits = (uint64_t)length * 8;
    for (int index = 0; index < 8; index++) block[63 - index] = (uint8_t)(bits >> (8 * index));
}

static void store_big_endian(const uint32_t state[8], uint8_t digest[32]) {
    for (int word = 0; word < 8; word++) {
        digest[4 * word] = (uint8_t)(state[word] >> 24);
        digest[4 * word + 1] = (uint8_t)(state[word] >> 16);
        digest[4 * word + 2] = (uint8_t)(state[word] >> 8);
        digest[4 * word + 3] = (uint8_t)state[word];
    }
}

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t state[8], const uint8_t block[64]) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) {
        w[t] = ((uint32_t)block[4 * t] << 24) | ((uint32_t)block[4 * t + 1] << 16) | ((uint32_t)block[4 * t + 2] << 8) | block[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t s1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
        uint32_t choice = (e & f) ^ (~e & g);
        uint32_t temp1 = h + s1 + choice + round_constants[t] + w[t];
        uint32_t s0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
        uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        uint32_t temp2 = s0 + majority;
        h = g; g = f; f = e; e = d + temp1; d = c; c = b; b = a; a = temp1 + temp2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

void short_sha256_portable(const uint8_t *message, size_t length, uint8_t digest[32]) {
    uint8_t block[64];
    uint32_t state[8];
    pad(message, length, block);
    memcpy(state, initial_state, sizeof state);
    compress_portable(state, block);
    store_big_endian(state, digest);
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/// The SHA extensions' compression (Intel's published sequence): the state as ABEF/CDGH
/// halves, four rounds' message words per step, the schedule extended with sha256msg1/2.
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_instructions(uint32_t state[8], const uint8_t block[64]) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i temp = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i state1 = _mm_loadu_si128((const __m128i *)&state[4]);
    temp = _mm_shuffle_epi32(temp, 0xB1);          // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);      // EFGH
    __m128i state0 = _mm_alignr_epi8(temp, state1, 8);  // ABEF
    state1 = _mm_blend_epi16(state1, temp, 0xF0);  // CDGH
    const __m128i abef = state0, cdgh = state1;

    __m128i words[16];
    for (int group = 0; group < 16; group++) {
        if (group < 4) {
            words[group] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * group)), byte_swap);
        } else {
            __m128i partial = _mm_sha256msg1_epu32(words[group - 4], words[group - 3]);
            partial = _mm_add_epi32(partial, _mm_alignr_epi8(words[group - 1], words[group - 2], 4));
            words[group] = _mm_sha256msg2_epu32(partial, words[group - 1]);
        }
        __m128i message = _mm_add_epi32(words[group], _mm_loadu_si128((const __m128i *)&round_constants[4 * group]));
        state1 = _mm_sha256rnds2_epu32(state1, state0, message);
        message = _mm_shuffle_epi32(message, 0x0E);
        state0 = _mm_sha256rnds2_epu32(state0, state1, message);
    }
    state0 = _mm_add_epi32(state0, abef);
    state1 = _mm_add_epi32(state1, cdgh);
    temp = _mm_shuffle_epi32(state0, 0x1B);        // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);      // DCHG
    state0 = _mm_blend_epi16(temp, state1, 0xF0);  // DCBA
    state1 = _mm_alignr_epi8(state1, temp, 8);     // ABEF
    _mm_storeu_si128((__m128i *)&state[0], state0);
    _mm_storeu_si128((__m128i *)&state[4], state1);
}

/// Asked once; threads that race to ask first store the same answer.
/// Four blocks at once: the same steps as `compress_instructions`, each done for the four before
/// the next, so that four chains of dependent SHA instructions overlap.
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_instructions_x4(uint32_t states[4][8], const uint8_t blocks[4][64]) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i state0[4], state1[4], abef[4], cdgh[4], words[4][16];
    for (int lane = 0; lane < 4; lane++) {
        __m128i temp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&states[lane][0]), 0xB1);
        __m128i high = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&states[lane][4]), 0x1B);
        state0[lane] = _mm_alignr_epi8(temp, high, 8);
        state1[lane] = _mm_blend_epi16(high, temp, 0xF0);
        abef[lane] = state0[lane];
        cdgh[lane] = state1[lane];
    }
    for (int group = 0; group < 16; group++) {
        const __m128i constants = _mm_loadu_si128((const __m128i *)&round_constants[4 * group]);
        for (int lane = 0; lane < 4; lane++) {
            if (group < 4) {
                words[lane][group] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks[lane] + 16 * group)), byte_swap);
            } else {
                __m128i partial = _mm_sha256msg1_epu32(words[lane][group - 4], words[lane][group - 3]);
                partial = _mm_add_epi32(partial, _mm_alignr_epi8(words[lane][group - 1], words[lane][group - 2], 4));
                words[lane][group] = _mm_sha256msg2_epu32(partial, words[lane][group - 1]);
            }
            __m128i message = _mm_add_epi32(words[lane][group], constants);
            state1[lane] = _mm_sha256rnds2_epu32(state1[lane], state0[lane], message);
            message = _mm_shuffle_epi32(message, 0x0E);
            state0[lane] = _mm_sha256rnds2_epu32(state0[lane], state1[lane], message);
        }
    }
    for (int lane = 0; lane < 4; lane++) {
        __m128i low = _mm_add_epi32(state0[lane], abef[lane]);
        __m128i high = _mm_add_epi32(state1[lane], cdgh[lane]);
        __m128i temp = _mm_shuffle_epi32(low, 0x1B);
        high = _mm_shuffle_epi32(high, 0xB1);
        _mm_storeu_si128((__m128i *)&states[lane][0], _mm_blend_epi16(temp, high, 0xF0));
        _mm_storeu_si128((__m128i *)&states[lane][4], _mm_alignr_epi8(high, temp, 8));
    }
}

static int has_instructions(void) {
    static int known = -1;
    int answer = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (answer < 0) {
        unsigned int eax, ebx, ecx, edx;
        int sha = __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & (1u << 29));
        int sse = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 19)) && (ecx & (1u << 9));
        answer = sha && sse;
        __atomic_store_n(&known, answer, __ATOMIC_RELAXED);
    }
    return answer;
}
#else
static int has_instructions(void) { return 0; }
static void compress_instructions(uint32_t state[8], const uint8_t block[64]) { compress_portable(state, block); }
static void compress_instructions_x4(uint32_t states[4][8], const uint8_t blocks[4][64]) {
    for (int lane = 0; lane < 4; lane++) compress_portable(states[lane], blocks[lane]);
}
#endif

int short_sha256_uses_instructions(void) { return has_instructions(); }

void short_sha256(const uint8_t *message, size_t length, uint8_t digest[32]) {
    uint8_t block[64];
    uint32_t state[8];
    pad(message, length, block);
    memcpy(state, initial_state, sizeof state);
    if (has_instructions()) {
        compress_instructions(state, block);
    } else {
        compress_portable(state, block);
    }
    store_big_endian(state, digest);
}

void short_sha256_x4(const uint8_t *messages, size_t length, uint8_t digests[128]) {
    uint8_t blocks[4][64];
    uint32_t states[4][8];
    for (int lane = 0; lane < 4; lane++) {
        pad(messages + (size_t)lane * length, length, blocks[lane]);
        memcpy(states[lane], initial_state, sizeof initial_state);
    }
    if (has_instructions()) {
        compress_instructions_x4(states, (const uint8_t (*)[64])blocks);
    } else {
        for (int lane = 0; lane < 4; lane++) compress_portable(states[lane], blocks[lane]);
    }
    for (int lane = 0; lane < 4; lane++) store_big_endian(states[lane], digests + 32 * lane);
}
