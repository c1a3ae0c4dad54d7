// AVX-512 (BW + VL + VBMI) add-compare-select for the k=7 Viterbi decoder: 64 uint8 path
// metrics in two 256-bit registers (states 0..31 and 32..63). AVX-512 brings what AVX2 lacks
// here: unsigned byte compares straight into 32-bit decision masks, and vpermt2b, which
// interleaves the new even-state (E) and odd-state (O) metrics back into natural order in one
// instruction per register. The add -> min -> permute chain is the loop's critical path; on the
// reference machine 256-bit operations run it faster than one 512-bit register holding all
// 64 states (measured: ~16% more steps/s), so the kernel stays at 256 bits.
// Bit-exact with detail::acs_scalar (same distances, saturation, tie rule, renormalisation).
//
// The build gives *_avx512.cc AVX-512 F/BW/VL/DQ; vpermt2b also needs VBMI, which
// acs_kernel() checks at run time before choosing this kernel.
#pragma GCC target("avx512vbmi")
#include <immintrin.h>

#include <cstring>

#include "dsp/viterbi.h"

namespace groundlink::dsp::detail {

void acs_avx512(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n,
                uint64_t first_step, uint64_t* dec, TracebackJob* job) {
  const uint32_t* tab = viterbi_pair_table();
  alignas(32) uint8_t same_idx[32];
  alignas(32) uint8_t comp_idx[32];
  alignas(32) uint8_t lo_idx[32];
  alignas(32) uint8_t hi_idx[32];
  for (int i = 0; i < 32; ++i) {
    // vpshufb picks byte `label` of the 4-byte distance word repeated in every dword
    same_idx[i] = bt.label[i];
    comp_idx[i] = static_cast<uint8_t>(3 - bt.label[i]);
    // new state j (lo) or 32 + j (hi): even -> E[j/2], odd -> O[j/2] (index 32 + j/2 in the
    // two-register permute)
    lo_idx[i] = static_cast<uint8_t>((i >> 1) + ((i & 1) ? 32 : 0));
    hi_idx[i] = static_cast<uint8_t>(16 + (i >> 1) + ((i & 1) ? 32 : 0));
  }
  const __m256i isame = _mm256_load_si256(reinterpret_cast<const __m256i*>(same_idx));
  const __m256i icomp = _mm256_load_si256(reinterpret_cast<const __m256i*>(comp_idx));
  const __m256i ilo = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo_idx));
  const __m256i ihi = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi_idx));
  const __m256i renorm = _mm256_set1_epi8(static_cast<char>(kViterbiRenorm));
  __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics));
  __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(metrics + 32));
  const uint8_t* sym = reinterpret_cast<const uint8_t*>(pairs);
  uint16_t pair;

  TracebackJob tb = *job;  // in registers: out[] stores could otherwise alias it
  auto step = [&](size_t t) {
    std::memcpy(&pair, sym + 2 * t, 2);  // little-endian: s0 | s1 << 8
    const __m256i dist = _mm256_set1_epi32(static_cast<int>(tab[pair]));
    const __m256i p = _mm256_shuffle_epi8(dist, isame);
    const __m256i q = _mm256_shuffle_epi8(dist, icomp);
    const __m256i l0 = _mm256_adds_epu8(lo, p), u0 = _mm256_adds_epu8(hi, q);  // -> 2i
    const __m256i l1 = _mm256_adds_epu8(lo, q), u1 = _mm256_adds_epu8(hi, p);  // -> 2i+1
    __m256i e = _mm256_min_epu8(l0, u0);
    __m256i o = _mm256_min_epu8(l1, u1);
    const uint32_t de = _mm256_cmplt_epu8_mask(u0, l0);  // upper strictly better
    const uint32_t dodd = _mm256_cmplt_epu8_mask(u1, l1);
    if (((first_step + t) & 1u) &&
        _mm256_cmplt_epu8_mask(_mm256_min_epu8(e, o), renorm) == 0) {
      e = _mm256_sub_epi8(e, renorm);
      o = _mm256_sub_epi8(o, renorm);
    }
    lo = _mm256_permutex2var_epi8(e, ilo, o);
    hi = _mm256_permutex2var_epi8(e, ihi, o);
    dec[t] = _pdep_u64(de, 0x5555555555555555ull) | _pdep_u64(dodd, 0xAAAAAAAAAAAAAAAAull);
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
  *job = tb;
}

}  // namespace groundlink::dsp::detail
