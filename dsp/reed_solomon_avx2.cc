// AVX2 syndrome kernel for the CCSDS Reed-Solomon decoder (CCSDS 131.0-B-4 §4), bit-exact with
// the scalar Horner reference in reed_solomon.cc.
//
// r(x) = sum_n buf[n] x^(255-n) is split into 16 chunks of 16 symbols X_k. For a root c,
//   r(c) = sum_b c^(15-b) * A_b,  A = Horner_k(X_k) with constant c^16 (same for all lanes),
// so every GF multiply is by a per-lane-group constant and maps to two PSHUFB nibble lookups.
// The 16 lanes of A are then folded pairwise with c, c^2, c^4, c^8. One 256-bit register holds
// two syndromes (one per 128-bit lane, each lane with its own tables).
#include <immintrin.h>

#include <cstdint>

namespace groundlink::dsp {

namespace {

inline __m256i gf_mul(__m256i a, __m256i lo, __m256i hi, __m256i mask) {
  const __m256i l = _mm256_shuffle_epi8(lo, _mm256_and_si256(a, mask));
  const __m256i h = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(a, 4), mask));
  return _mm256_xor_si256(l, h);
}

}  // namespace

void rs_syndromes_avx2(const uint8_t* buf256, const uint8_t* tabs, int nsyn, uint8_t* out) {
  const __m256i mask = _mm256_set1_epi8(0x0f);
  __m256i x[16];
  for (int k = 0; k < 16; ++k)
    x[k] = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf256 + 16 * k)));
  const size_t qstride = static_cast<size_t>(2) * nsyn * 16;  // bytes per constant q
  const size_t hstride = static_cast<size_t>(nsyn) * 16;      // lo -> hi
  for (int j = 0; j < nsyn; j += 2) {
    const uint8_t* t = tabs + static_cast<size_t>(j) * 16;
    auto ld = [&](int q, int h) {
      return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + q * qstride + h * hstride));
    };
    const __m256i lo16 = ld(0, 0), hi16 = ld(0, 1);
    __m256i a = x[0];
    for (int k = 1; k < 16; ++k) a = _mm256_xor_si256(gf_mul(a, lo16, hi16, mask), x[k]);
    a = _mm256_xor_si256(gf_mul(a, ld(1, 0), ld(1, 1), mask), _mm256_srli_epi16(a, 8));
    a = _mm256_xor_si256(gf_mul(a, ld(2, 0), ld(2, 1), mask), _mm256_srli_epi32(a, 16));
    a = _mm256_xor_si256(gf_mul(a, ld(3, 0), ld(3, 1), mask), _mm256_srli_epi64(a, 32));
    a = _mm256_xor_si256(gf_mul(a, ld(4, 0), ld(4, 1), mask), _mm256_bsrli_epi128(a, 8));
    out[j] = static_cast<uint8_t>(_mm256_extract_epi8(a, 0));
    out[j + 1] = static_cast<uint8_t>(_mm256_extract_epi8(a, 16));
  }
}

}  // namespace groundlink::dsp
