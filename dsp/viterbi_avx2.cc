// AVX2 add-compare-select for the k=7 Viterbi decoder: 64 uint8 path metrics in two ymm
// registers (states 0..31 and 32..63), one pass per trellis step for all 32 butterflies.
// Bit-exact with detail::acs_scalar (same distances, saturation, tie rule, renormalisation).
#include <immintrin.h>

#include <cstring>

#include "dsp/viterbi.h"

namespace groundlink::dsp::detail {

void acs_avx2(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n,
              uint64_t first_step,
    uint64_t* dec, TracebackJob* job) {
  const uint32_t* tab = viterbi_pair_table();
  alignas(32) uint8_t same_idx[32];
  alignas(32) uint8_t comp_idx[32];
  for (int i = 0; i < 32; ++i) {
    same_idx[i] = bt.label[i];
    comp_idx[i] = static_cast<uint8_t>(3 - bt.label[i]);
  }
  const __m256i isame = _mm256_load_si256(reinterpret_cast<const __m256i*>(same_idx));
  const __m256i icomp = _mm256_load_si256(reinterpret_cast<const __m256i*>(comp_idx));
  __m256i sub = _mm256_set1_epi8(static_cast<char>(metrics[kAcsRenormByte]));
  __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics));
  __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics + 32));
  const uint8_t* sym = reinterpret_cast<const uint8_t*>(pairs);
  uint16_t pair;

  TracebackJob tb = *job;  // in registers: out[] stores could otherwise alias it
  auto step = [&](size_t t) {
    std::memcpy(&pair, sym + 2 * t, 2);  // little-endian: s0 | s1 << 8
    const uint32_t w = tab[pair];
    const __m256i dist = _mm256_set1_epi32(static_cast<int>(w));
    const __m256i p = _mm256_shuffle_epi8(dist, isame);
    const __m256i q = _mm256_shuffle_epi8(dist, icomp);
    const __m256i l0 = _mm256_adds_epu8(lo, p), u0 = _mm256_adds_epu8(hi, q);  // -> 2i
    const __m256i l1 = _mm256_adds_epu8(lo, q), u1 = _mm256_adds_epu8(hi, p);  // -> 2i+1
    const __m256i e = _mm256_min_epu8(l0, u0);
    const __m256i o = _mm256_min_epu8(l1, u1);
    // lower predecessor kept where the minimum equals it (ties included)
    const __m256i ke = _mm256_cmpeq_epi8(e, l0);
    const __m256i ko = _mm256_cmpeq_epi8(o, l1);
    // Interleave E (state 2i) and O (state 2i+1): unpack gives per 128-bit lane
    // [0-15 | 32-47] (lo) and [16-31 | 48-63] (hi); a lane swap restores natural order.
    const __m256i a = _mm256_unpacklo_epi8(e, o), b = _mm256_unpackhi_epi8(e, o);
    __m256i nlo = _mm256_permute2x128_si256(a, b, 0x20);
    __m256i nhi = _mm256_permute2x128_si256(a, b, 0x31);
    const __m256i ka = _mm256_unpacklo_epi8(ke, ko), kb = _mm256_unpackhi_epi8(ke, ko);
    const uint32_t keep_lo = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_permute2x128_si256(ka, kb, 0x20)));
    const uint32_t keep_hi = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_permute2x128_si256(ka, kb, 0x31)));
    dec[t] = ~(static_cast<uint64_t>(keep_lo) | static_cast<uint64_t>(keep_hi) << 32);
    // Renormalisation (kViterbiRenormPeriod): branches on the step counter only.
    const unsigned phase = static_cast<unsigned>((first_step + t) % kViterbiRenormPeriod);
    if (phase == kViterbiRenormRecord) {
      const __m256i a = _mm256_min_epu8(e, o);
      __m128i b = _mm_min_epu8(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
      b = _mm_min_epu8(b, _mm_srli_epi16(b, 8));  // word k = min of its two bytes, high byte 0
      sub = _mm256_broadcastb_epi8(_mm_minpos_epu16(b));
    } else if (phase == kViterbiRenormApply) {
      nlo = _mm256_sub_epi8(nlo, sub);
      nhi = _mm256_sub_epi8(nhi, sub);
    }
    lo = nlo;
    hi = nhi;
  };
  // The first min(n, tb.t) steps also advance the traceback (see TracebackJob).
  const size_t ntb = n < tb.t ? n : tb.t;
  size_t t = 0;
  for (; t < ntb; ++t) {
    tb.step_unchecked();
    step(t);
  }
  for (; t < n; ++t) step(t);

  _mm256_storeu_si256(reinterpret_cast<__m256i*>(metrics), lo);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(metrics + 32), hi);
  metrics[kAcsRenormByte] = static_cast<uint8_t>(_mm_cvtsi128_si32(_mm256_castsi256_si128(sub)));
  *job = tb;
}

}  // namespace groundlink::dsp::detail
