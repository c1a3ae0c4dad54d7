// AVX-512BW add-compare-select for the k=7 Viterbi decoder: 64 int16 path metrics in two zmm
// registers (states 0..31 and 32..63), one register pass per trellis step for all 32
// butterflies. Bit-exact with detail::acs_scalar (same branch metrics, same tie rule).
#include <immintrin.h>

#include "dsp/viterbi.h"

namespace groundlink::dsp::detail {

void acs_avx512(const ViterbiBranchTable& bt, int16_t* metrics, const soft_t* pairs, size_t n,
                uint64_t* dec) {
  const __mmask32 neg0 = bt.neg0;
  const __mmask32 neg1 = bt.neg1;
  const __m512i zero = _mm512_setzero_si512();
  // Butterfly outputs E (state 2i) and O (state 2i+1), i = 0..31, are interleaved back into
  // natural order: new state j < 32 is E[j/2] (even j) or O[j/2] (odd j, index 32 + j/2 in
  // the two-register permute); state 32 + j is E/O[16 + j/2].
  alignas(64) int16_t lo_idx[32];
  alignas(64) int16_t hi_idx[32];
  for (int j = 0; j < 32; ++j) {
    lo_idx[j] = static_cast<int16_t>((j >> 1) + ((j & 1) ? 32 : 0));
    hi_idx[j] = static_cast<int16_t>(16 + (j >> 1) + ((j & 1) ? 32 : 0));
  }
  const __m512i idx_lo = _mm512_load_si512(lo_idx);
  const __m512i idx_hi = _mm512_load_si512(hi_idx);
  __m512i xlo = _mm512_loadu_si512(metrics);
  __m512i xhi = _mm512_loadu_si512(metrics + 32);

  auto step = [&](size_t t) {
    const __m512i s0 = _mm512_set1_epi16(pairs[2 * t]);
    const __m512i s1 = _mm512_set1_epi16(pairs[2 * t + 1]);
    const __m512i b = _mm512_add_epi16(_mm512_mask_sub_epi16(s0, neg0, zero, s0),
                                       _mm512_mask_sub_epi16(s1, neg1, zero, s1));
    const __m512i l0 = _mm512_add_epi16(xlo, b);
    const __m512i u0 = _mm512_sub_epi16(xhi, b);
    const __m512i l1 = _mm512_sub_epi16(xlo, b);
    const __m512i u1 = _mm512_add_epi16(xhi, b);
    const __mmask32 d0 = _mm512_cmpgt_epi16_mask(u0, l0);
    const __mmask32 d1 = _mm512_cmpgt_epi16_mask(u1, l1);
    const __m512i e = _mm512_max_epi16(l0, u0);
    const __m512i o = _mm512_max_epi16(l1, u1);
    xlo = _mm512_permutex2var_epi16(e, idx_lo, o);
    xhi = _mm512_permutex2var_epi16(e, idx_hi, o);
    dec[t] = _pdep_u64(static_cast<uint64_t>(d0), 0x5555555555555555ull) |
             _pdep_u64(static_cast<uint64_t>(d1), 0xAAAAAAAAAAAAAAAAull);
  };
  auto renorm = [&] {
    const __m512i r = _mm512_permutexvar_epi16(zero, xlo);  // state 0's metric in every lane
    xlo = _mm512_sub_epi16(xlo, r);
    xhi = _mm512_sub_epi16(xhi, r);
  };

  size_t t = 0;
  for (; t + 16 <= n; t += 16) {
    for (size_t k = 0; k < 16; ++k) step(t + k);
    renorm();
  }
  for (; t < n; ++t) step(t);
  renorm();
  _mm512_storeu_si512(metrics, xlo);
  _mm512_storeu_si512(metrics + 32, xhi);
}

}  // namespace groundlink::dsp::detail
