// AVX-512 (BW) syndrome kernel for the CCSDS Reed-Solomon decoder (CCSDS 131.0-B-4 §4): the
// AVX2 kernel's scheme (see reed_solomon_avx2.cc: all codewords of an interleaved codeblock at
// once) with four syndromes per 512-bit register.
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

namespace {

template <int D>
void syndromes_depth(const uint8_t* buf, const uint8_t* tabs, int nsyn, uint8_t* out) {
  constexpr int kChunks = 16 * D;
  const __m512i mask = _mm512_set1_epi8(0x0f);
  const size_t qstride = static_cast<size_t>(2) * nsyn * 16;
  const size_t hstride = static_cast<size_t>(nsyn) * 16;
  auto chunk = [&](int k) {
    return _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(buf + 16 * k)));
  };
  // kGroups registers are advanced side by side (see reed_solomon_avx2.cc).
  constexpr int kGroups = 4;  // 16 syndromes; nsyn (16 or 32) is a multiple
  for (int j = 0; j < nsyn; j += 4 * kGroups) {
    const uint8_t* t = tabs + static_cast<size_t>(j) * 16;
    auto ld = [&](int g, int q, int h) {
      return _mm512_loadu_si512(t + g * 64 + q * qstride + h * hstride);
    };
    __m512i lo[kGroups], hi[kGroups], a[kGroups];
    for (int g = 0; g < kGroups; ++g) {
      lo[g] = ld(g, 0, 0);
      hi[g] = ld(g, 0, 1);
      a[g] = chunk(0);
    }
    for (int k = 1; k < kChunks; ++k) {
      const __m512i x = chunk(k);
      for (int g = 0; g < kGroups; ++g)
        a[g] = _mm512_xor_si512(gf_mul(a[g], lo[g], hi[g], mask), x);
    }
    for (int g = 0; g < kGroups; ++g) {
      __m512i v = a[g];
      v = _mm512_xor_si512(gf_mul(v, ld(g, 1, 0), ld(g, 1, 1), mask), _mm512_bsrli_epi128(v, D));
      if constexpr (D <= 4)
        v = _mm512_xor_si512(gf_mul(v, ld(g, 2, 0), ld(g, 2, 1), mask),
                             _mm512_bsrli_epi128(v, 2 * D));
      if constexpr (D <= 2)
        v = _mm512_xor_si512(gf_mul(v, ld(g, 3, 0), ld(g, 3, 1), mask),
                             _mm512_bsrli_epi128(v, 4 * D));
      if constexpr (D == 1)
        v = _mm512_xor_si512(gf_mul(v, ld(g, 4, 0), ld(g, 4, 1), mask), _mm512_bsrli_epi128(v, 8));
      alignas(64) uint8_t r[64];
      _mm512_store_si512(r, v);
      for (int i = 0; i < D; ++i)
        for (int l = 0; l < 4; ++l) out[i * nsyn + j + 4 * g + l] = r[16 * l + i];
    }
  }
}

}  // namespace

// See rs_syndromes_avx2 in reed_solomon_avx2.cc for the arguments.
void rs_syndromes_avx512(const uint8_t* buf, int depth, const uint8_t* conv, const uint8_t* tabs,
                         int nsyn, uint8_t* out) {
  alignas(64) uint8_t local[256 * 8];
  const int len = 256 * depth;
  if (conv) {  // dual -> conventional basis (CCSDS 131.0-B-4 §4.4.2), a GF(2)-linear map
    const __m512i m = _mm512_set1_epi8(0x0f);
    const __m512i clo =
        _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(conv)));
    const __m512i chi =
        _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(conv + 16)));
    for (int o = 0; o < len; o += 64)
      _mm512_store_si512(local + o, gf_mul(_mm512_loadu_si512(buf + o), clo, chi, m));
  } else {
    for (int o = 0; o < len; o += 64) _mm512_store_si512(local + o, _mm512_loadu_si512(buf + o));
  }
  switch (depth) {
    case 1:
      syndromes_depth<1>(local, tabs, nsyn, out);
      break;
    case 2:
      syndromes_depth<2>(local, tabs, nsyn, out);
      break;
    case 4:
      syndromes_depth<4>(local, tabs, nsyn, out);
      break;
    default:
      syndromes_depth<8>(local, tabs, nsyn, out);
      break;
  }
}

// Chien search: see rs_chien_avx2 in reed_solomon_avx2.cc; 64 positions per register.
void rs_chien_avx512(const uint8_t* ptab, const uint8_t* ltab, int deg, uint8_t lambda0,
                     uint64_t* zero_mask) {
  const __m512i mask = _mm512_set1_epi8(0x0f);
  __m512i acc[4];
  for (int b = 0; b < 4; ++b) acc[b] = _mm512_set1_epi8(static_cast<char>(lambda0));
  for (int k = 1; k <= deg; ++k) {
    const __m512i lo = _mm512_broadcast_i32x4(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(ltab + (k - 1) * 32)));
    const __m512i hi = _mm512_broadcast_i32x4(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(ltab + (k - 1) * 32 + 16)));
    const uint8_t* row = ptab + k * 256;
    for (int b = 0; b < 4; ++b)
      acc[b] = _mm512_xor_si512(acc[b], gf_mul(_mm512_loadu_si512(row + 64 * b), lo, hi, mask));
  }
  for (int b = 0; b < 4; ++b) zero_mask[b] = _mm512_cmpeq_epi8_mask(acc[b], _mm512_setzero_si512());
}

}  // namespace groundlink::dsp

#pragma GCC diagnostic pop
