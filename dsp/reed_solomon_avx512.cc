// AVX-512 (BW) syndrome kernel for the CCSDS Reed-Solomon decoder (CCSDS 131.0-B-4 §4): the
// AVX2 kernel's scheme (see reed_solomon_avx2.cc) with four syndromes per 512-bit register.
// Bit-exact with the scalar Horner reference in reed_solomon.cc.
// GCC 12's avx512fintrin.h trips -Wmaybe-uninitialized in _mm512_set1_epi8 (a header false
// positive); keep the build output clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstdint>

namespace groundlink::dsp {

namespace {

inline __m512i gf_mul(__m512i a, __m512i lo, __m512i hi, __m512i mask) {
  const __m512i l = _mm512_shuffle_epi8(lo, _mm512_and_si512(a, mask));
  const __m512i h = _mm512_shuffle_epi8(hi, _mm512_and_si512(_mm512_srli_epi16(a, 4), mask));
  return _mm512_xor_si512(l, h);
}

}  // namespace

void rs_syndromes_avx512(const uint8_t* buf256, const uint8_t* tabs, int nsyn, uint8_t* out) {
  const __m512i mask = _mm512_set1_epi8(0x0f);
  __m512i x[16];
  for (int k = 0; k < 16; ++k)
    x[k] = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(buf256 + 16 * k)));
  const size_t qstride = static_cast<size_t>(2) * nsyn * 16;
  const size_t hstride = static_cast<size_t>(nsyn) * 16;
  for (int j = 0; j < nsyn; j += 4) {
    const uint8_t* t = tabs + static_cast<size_t>(j) * 16;
    auto ld = [&](int q, int h) { return _mm512_loadu_si512(t + q * qstride + h * hstride); };
    const __m512i lo16 = ld(0, 0), hi16 = ld(0, 1);
    __m512i a = x[0];
    for (int k = 1; k < 16; ++k) a = _mm512_xor_si512(gf_mul(a, lo16, hi16, mask), x[k]);
    a = _mm512_xor_si512(gf_mul(a, ld(1, 0), ld(1, 1), mask), _mm512_srli_epi16(a, 8));
    a = _mm512_xor_si512(gf_mul(a, ld(2, 0), ld(2, 1), mask), _mm512_srli_epi32(a, 16));
    a = _mm512_xor_si512(gf_mul(a, ld(3, 0), ld(3, 1), mask), _mm512_srli_epi64(a, 32));
    a = _mm512_xor_si512(gf_mul(a, ld(4, 0), ld(4, 1), mask), _mm512_bsrli_epi128(a, 8));
    alignas(64) uint8_t tmp[64];
    _mm512_store_si512(tmp, a);
    out[j] = tmp[0];
    out[j + 1] = tmp[16];
    out[j + 2] = tmp[32];
    out[j + 3] = tmp[48];
  }
}

}  // namespace groundlink::dsp

#pragma GCC diagnostic pop
