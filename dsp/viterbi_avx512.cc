// AVX-512 (BW + VBMI) add-compare-select for the k=7 Viterbi decoder. All 64 uint8 path
// metrics of a step live in one zmm register, so one add/min/compare covers all 32 butterflies
// and both of their outputs:
//   lo = [m_0..m_31 | m_0..m_31], hi = [m_32..m_63 | m_32..m_63]
//   L = lo + [P | N], U = hi + [N | P], M = min(L, U) = [E | O], decisions = (U < L)
// where P_i is the distance of branch label[i] and N_i of its complement, E_i the new metric
// of state 2i and O_i of state 2i+1; two byte permutes rebuild lo and hi from M.
// Bit-exact with detail::acs_scalar (same distances, saturation, tie rule, renormalisation).
// The build gives *_avx512.cc AVX-512 F/BW/VL/DQ; the byte permutes also need VBMI, which
// acs_kernel() checks at run time before choosing this kernel.
#pragma GCC target("avx512vbmi")
#include <immintrin.h>

#include <cstring>

#include "dsp/viterbi.h"

namespace groundlink::dsp::detail {

void acs_avx512(
    const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n, uint64_t first_step,
    uint64_t* dec, TracebackJob* job) {
  const uint32_t* tab = viterbi_pair_table();
  alignas(64) uint8_t pn_idx[64];
  alignas(64) uint8_t np_idx[64];
  alignas(64) uint8_t lo_idx[64];
  alignas(64) uint8_t hi_idx[64];
  for (int l = 0; l < 64; ++l) {
    const int i = l & 31;
    // vpshufb picks byte `label` of the 4-byte distance word repeated in every dword
    pn_idx[l] = static_cast<uint8_t>(l < 32 ? bt.label[i] : 3 - bt.label[i]);
    np_idx[l] = static_cast<uint8_t>(l < 32 ? 3 - bt.label[i] : bt.label[i]);
    // state j = i (lo) or 32 + i (hi): even -> E[j/2] = M[j/2], odd -> O[j/2] = M[32 + j/2]
    lo_idx[l] = static_cast<uint8_t>((i >> 1) + ((i & 1) ? 32 : 0));
    hi_idx[l] = static_cast<uint8_t>(16 + (i >> 1) + ((i & 1) ? 32 : 0));
  }
  const __m512i ipn = _mm512_load_si512(pn_idx);
  const __m512i inp = _mm512_load_si512(np_idx);
  const __m512i ilo = _mm512_load_si512(lo_idx);
  const __m512i ihi = _mm512_load_si512(hi_idx);
  const __m512i renorm = _mm512_set1_epi8(static_cast<char>(kViterbiRenorm));
  const __m512i nat = _mm512_loadu_si512(metrics);
  __m512i lo = _mm512_shuffle_i64x2(nat, nat, 0x44);  // [m0..31 | m0..31]
  __m512i hi = _mm512_shuffle_i64x2(nat, nat, 0xEE);  // [m32..63 | m32..63]
  const uint8_t* sym = reinterpret_cast<const uint8_t*>(pairs);
  uint16_t pair;

  TracebackJob tb = *job;  // in registers: out[] stores could otherwise alias it
  auto step = [&](size_t t) {
    std::memcpy(&pair, sym + 2 * t, 2);  // little-endian: s0 | s1 << 8
    const uint32_t w = tab[pair];
    const __m512i dist = _mm512_set1_epi32(static_cast<int>(w));
    const __m512i l = _mm512_adds_epu8(lo, _mm512_shuffle_epi8(dist, ipn));
    const __m512i u = _mm512_adds_epu8(hi, _mm512_shuffle_epi8(dist, inp));
    __m512i m = _mm512_min_epu8(l, u);
    const uint64_t d = _mm512_cmplt_epu8_mask(u, l);
    if (((first_step + t) & 1u) && _mm512_cmplt_epu8_mask(m, renorm) == 0)
      m = _mm512_sub_epi8(m, renorm);
    lo = _mm512_permutexvar_epi8(ilo, m);
    hi = _mm512_permutexvar_epi8(ihi, m);
    dec[t] = _pdep_u64(d & 0xFFFFFFFFu, 0x5555555555555555ull) |
             _pdep_u64(d >> 32, 0xAAAAAAAAAAAAAAAAull);
  };
  // The first min(n, tb.t) steps also advance the traceback (see TracebackJob).
  const size_t ntb = n < tb.t ? n : tb.t;
  size_t t = 0;
  for (; t < ntb; ++t) {
    tb.step_unchecked();
    step(t);
  }
  for (; t < n; ++t) step(t);

  _mm512_storeu_si512(metrics, _mm512_mask_blend_epi64(0xF0, lo, hi));
  *job = tb;
}

}  // namespace groundlink::dsp::detail
