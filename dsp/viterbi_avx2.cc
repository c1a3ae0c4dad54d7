// AVX2 add-compare-select for the k=7 Viterbi decoder: 64 int16 path metrics in four ymm
// registers (16 states each). Bit-exact with detail::acs_scalar (same branch metrics, same
// tie rule).
#include <immintrin.h>

#include "dsp/viterbi.h"

namespace groundlink::dsp::detail {

void acs_avx2(const ViterbiBranchTable& bt, int16_t* metrics, const soft_t* pairs, size_t n,
              uint64_t* dec) {
  const __m256i sg0a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bt.sign0));
  const __m256i sg0b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bt.sign0 + 16));
  const __m256i sg1a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bt.sign1));
  const __m256i sg1b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bt.sign1 + 16));
  __m256i lo0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics));       // 0..15
  __m256i lo1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics + 16));  // 16..31
  __m256i hi0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics + 32));  // 32..47
  __m256i hi1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics + 48));  // 48..63

  auto step = [&](size_t t) {
    const __m256i s0 = _mm256_set1_epi16(pairs[2 * t]);
    const __m256i s1 = _mm256_set1_epi16(pairs[2 * t + 1]);
    const __m256i ba = _mm256_add_epi16(_mm256_sign_epi16(s0, sg0a), _mm256_sign_epi16(s1, sg1a));
    const __m256i bb = _mm256_add_epi16(_mm256_sign_epi16(s0, sg0b), _mm256_sign_epi16(s1, sg1b));
    // butterflies i = 0..15 (a) and 16..31 (b)
    const __m256i l0a = _mm256_add_epi16(lo0, ba), u0a = _mm256_sub_epi16(hi0, ba);
    const __m256i l1a = _mm256_sub_epi16(lo0, ba), u1a = _mm256_add_epi16(hi0, ba);
    const __m256i l0b = _mm256_add_epi16(lo1, bb), u0b = _mm256_sub_epi16(hi1, bb);
    const __m256i l1b = _mm256_sub_epi16(lo1, bb), u1b = _mm256_add_epi16(hi1, bb);
    const __m256i ea = _mm256_max_epi16(l0a, u0a), oa = _mm256_max_epi16(l1a, u1a);
    const __m256i eb = _mm256_max_epi16(l0b, u0b), ob = _mm256_max_epi16(l1b, u1b);
    const __m256i dea = _mm256_cmpgt_epi16(u0a, l0a), doa = _mm256_cmpgt_epi16(u1a, l1a);
    const __m256i deb = _mm256_cmpgt_epi16(u0b, l0b), dob = _mm256_cmpgt_epi16(u1b, l1b);
    // Decisions to natural order: packs gives per 128-bit lane [a 0-7, b 16-23 | a 8-15, b 24-31]
    // of butterfly indices; interleaving the E and O bytes then yields states 0..31 (lo) and
    // 32..63 (hi) in order.
    const __m256i pe = _mm256_packs_epi16(dea, deb);
    const __m256i po = _mm256_packs_epi16(doa, dob);
    const uint32_t dlo = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_unpacklo_epi8(pe, po)));
    const uint32_t dhi = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_unpackhi_epi8(pe, po)));
    dec[t] = static_cast<uint64_t>(dlo) | (static_cast<uint64_t>(dhi) << 32);
    // Metrics to natural order: unpacklo(E, O) of butterflies 0..15 holds states
    // [0-7 | 16-23], unpackhi [8-15 | 24-31]; a 128-bit lane swap completes the interleave.
    const __m256i pa = _mm256_unpacklo_epi16(ea, oa), qa = _mm256_unpackhi_epi16(ea, oa);
    const __m256i pb = _mm256_unpacklo_epi16(eb, ob), qb = _mm256_unpackhi_epi16(eb, ob);
    lo0 = _mm256_permute2x128_si256(pa, qa, 0x20);
    lo1 = _mm256_permute2x128_si256(pa, qa, 0x31);
    hi0 = _mm256_permute2x128_si256(pb, qb, 0x20);
    hi1 = _mm256_permute2x128_si256(pb, qb, 0x31);
  };
  auto renorm = [&] {
    const __m256i r = _mm256_broadcastw_epi16(_mm256_castsi256_si128(lo0));
    lo0 = _mm256_sub_epi16(lo0, r);
    lo1 = _mm256_sub_epi16(lo1, r);
    hi0 = _mm256_sub_epi16(hi0, r);
    hi1 = _mm256_sub_epi16(hi1, r);
  };

  size_t t = 0;
  for (; t + 16 <= n; t += 16) {
    for (size_t k = 0; k < 16; ++k) step(t + k);
    renorm();
  }
  for (; t < n; ++t) step(t);
  renorm();
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(metrics), lo0);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(metrics + 16), lo1);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(metrics + 32), hi0);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(metrics + 48), hi1);
}

}  // namespace groundlink::dsp::detail
