// AVX2 syndrome kernel for the CCSDS Reed-Solomon decoder (CCSDS 131.0-B-4 §4), bit-exact with
// the scalar Horner reference in reed_solomon.cc.
//
// The kernel reads an interleaved codeblock as transmitted (depth D in {1, 2, 4, 8}, padded with
// leading zero rows to 256 rows) and computes the syndromes of all D codewords at once. A 16-byte
// chunk holds m = 16/D rows of the D codewords; lane b belongs to codeword b % D, row offset b / D.
// For a root c,
//   r_i(c) = sum_r c^(m-1-r) * A_(D r + i),   A = Horner over chunks with constant c^m,
// so every GF multiply is by a constant shared by a whole 128-bit lane and maps to two PSHUFB
// nibble lookups. The m row offsets are then folded pairwise with c, c^2, .. (byte shifts of
// D, 2D, ..), leaving codeword i's syndrome in byte i. One 256-bit register holds two syndromes
// (one per 128-bit lane, each lane with its own tables).
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

namespace {

template <int D>
void syndromes_depth(const uint8_t* buf, const uint8_t* tabs, int nsyn, uint8_t* out) {
  constexpr int kChunks = 16 * D;
  const __m256i mask = _mm256_set1_epi8(0x0f);
  const size_t qstride = static_cast<size_t>(2) * nsyn * 16;  // bytes per constant q
  const size_t hstride = static_cast<size_t>(nsyn) * 16;      // lo -> hi
  auto chunk = [&](int k) {
    return _mm256_broadcastsi128_si256(
        _mm_load_si128(reinterpret_cast<const __m128i*>(buf + 16 * k)));
  };
  // kGroups registers are advanced side by side: one Horner chain is latency-bound, and for
  // D = 8 its 128 steps do not fit the out-of-order window to overlap with the next one.
  constexpr int kGroups = 4;  // 8 syndromes; nsyn (16 or 32) is a multiple
  for (int j = 0; j < nsyn; j += 2 * kGroups) {
    const uint8_t* t = tabs + static_cast<size_t>(j) * 16;
    auto ld = [&](int g, int q, int h) {
      return _mm256_loadu_si256(
          reinterpret_cast<const __m256i*>(t + g * 32 + q * qstride + h * hstride));
    };
    __m256i lo[kGroups], hi[kGroups], a[kGroups];
    for (int g = 0; g < kGroups; ++g) {
      lo[g] = ld(g, 0, 0);
      hi[g] = ld(g, 0, 1);
      a[g] = chunk(0);
    }
    for (int k = 1; k < kChunks; ++k) {
      const __m256i x = chunk(k);
      for (int g = 0; g < kGroups; ++g)
        a[g] = _mm256_xor_si256(gf_mul(a[g], lo[g], hi[g], mask), x);
    }
    for (int g = 0; g < kGroups; ++g) {
      __m256i v = a[g];
      v = _mm256_xor_si256(gf_mul(v, ld(g, 1, 0), ld(g, 1, 1), mask), _mm256_bsrli_epi128(v, D));
      if constexpr (D <= 4)
        v = _mm256_xor_si256(gf_mul(v, ld(g, 2, 0), ld(g, 2, 1), mask),
                             _mm256_bsrli_epi128(v, 2 * D));
      if constexpr (D <= 2)
        v = _mm256_xor_si256(gf_mul(v, ld(g, 3, 0), ld(g, 3, 1), mask),
                             _mm256_bsrli_epi128(v, 4 * D));
      if constexpr (D == 1)
        v = _mm256_xor_si256(gf_mul(v, ld(g, 4, 0), ld(g, 4, 1), mask), _mm256_bsrli_epi128(v, 8));
      alignas(32) uint8_t r[32];
      _mm256_store_si256(reinterpret_cast<__m256i*>(r), v);
      for (int i = 0; i < D; ++i) {
        out[i * nsyn + j + 2 * g] = r[i];
        out[i * nsyn + j + 2 * g + 1] = r[16 + i];
      }
    }
  }
}

}  // namespace

// buf: 256 * depth bytes (depth in {1, 2, 4, 8}), the codeblock with 256 - n leading zero rows;
// conv: nullptr or split-nibble tables of the dual -> conventional transform; tabs: see
// build_kernel_tables() in reed_solomon.cc (Horner constant c^(16/depth)); out[i * nsyn + j].
void rs_syndromes_avx2(const uint8_t* buf, int depth, const uint8_t* conv, const uint8_t* tabs,
                       int nsyn, uint8_t* out) {
  alignas(64) uint8_t local[256 * 8];
  const int len = 256 * depth;
  if (conv) {  // dual -> conventional basis (CCSDS 131.0-B-4 §4.4.2), a GF(2)-linear map
    const __m128i m = _mm_set1_epi8(0x0f);
    const __m128i clo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(conv));
    const __m128i chi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(conv + 16));
    for (int o = 0; o < len; o += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + o));
      const __m128i y =
          _mm_xor_si128(_mm_shuffle_epi8(clo, _mm_and_si128(x, m)),
                        _mm_shuffle_epi8(chi, _mm_and_si128(_mm_srli_epi16(x, 4), m)));
      _mm_store_si128(reinterpret_cast<__m128i*>(local + o), y);
    }
  } else {
    for (int o = 0; o < len; o += 16)
      _mm_store_si128(reinterpret_cast<__m128i*>(local + o),
                      _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + o)));
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

// Chien search (CCSDS 131.0-B-4 §4 decoding): Lambda(X_p^-1) for all 256 positions p at once.
// ptab[k * 256 + p] = X_p^-k; ltab[(k-1) * 32 ..] = split-nibble tables of Lambda_k (lo, hi).
// Bit p of zero_mask (4 words) is set where the locator vanishes.
void rs_chien_avx2(const uint8_t* ptab, const uint8_t* ltab, int deg, uint8_t lambda0,
                   uint64_t* zero_mask) {
  const __m256i mask = _mm256_set1_epi8(0x0f);
  __m256i acc[8];
  for (int b = 0; b < 8; ++b) acc[b] = _mm256_set1_epi8(static_cast<char>(lambda0));
  for (int k = 1; k <= deg; ++k) {
    const __m256i lo = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(ltab + (k - 1) * 32)));
    const __m256i hi = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(ltab + (k - 1) * 32 + 16)));
    const uint8_t* row = ptab + k * 256;
    for (int b = 0; b < 8; ++b) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 32 * b));
      acc[b] = _mm256_xor_si256(acc[b], gf_mul(x, lo, hi, mask));
    }
  }
  const __m256i zero = _mm256_setzero_si256();
  for (int w = 0; w < 4; ++w) {
    const uint32_t m0 =
        static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(acc[2 * w], zero)));
    const uint32_t m1 =
        static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(acc[2 * w + 1], zero)));
    zero_mask[w] = static_cast<uint64_t>(m0) | static_cast<uint64_t>(m1) << 32;
  }
}

}  // namespace groundlink::dsp
