// AVX-512 (BW + VBMI) add-compare-select for the k=7 Viterbi decoder: all 64 uint8 path
// metrics in one zmm register, in natural state order. Per step, two vpermb gather for every
// new state ns its predecessors ns >> 1 (lower) and (ns >> 1) | 32 (upper); the branch
// distances of both come from one vpshufb each of the step's 4-byte distance word; an unsigned
// compare gives the 64-bit decision word directly in a mask register (bit ns = upper wins).
// The loop-carried chain is vpermb -> vpaddusb -> vpminub (5 cycles), no interleave step.
// Measured on the reference machine (Xeon, AVX-512 VBMI): 2.8 ns/step for the earlier 2 x ymm
// kernel (vpermt2b interleave, pdep for the decision word), 1.65 ns/step for this one (1.94 on
// noisy input while renormalisation was a metric-dependent branch, see kViterbiRenormPeriod);
// the traceback interleaved through TracebackJob costs nothing measurable on top. A second,
// independent trellis in the same loop (two segments of a chunk) reached only 1.4-1.5 ns/step:
// the loop is then bound by the two 512-bit vector ports (about ten uops per trellis step),
// and the warm-up and look-ahead each independent segment needs would eat half of that gain.
// Bit-exact with detail::acs_scalar (same distances, saturation, tie rule, renormalisation).
//
// The build gives *_avx512.cc AVX-512 F/BW/VL/DQ; vpermb also needs VBMI, which
// acs_kernel() checks at run time before choosing this kernel.
#pragma GCC target("avx512vbmi")
// GCC 12 reports its own vpermb and vextracti64x4 intrinsics (an undefined pass-through
// operand) as uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "dsp/viterbi.h"

namespace groundlink::dsp::detail {

void acs_avx512(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n,
                uint64_t first_step, uint64_t* dec, TracebackJob* job) {
  const uint32_t* tab = viterbi_pair_table();
  alignas(64) uint8_t pl_idx[64], pu_idx[64], bl_idx[64], bu_idx[64];
  for (int ns = 0; ns < 64; ++ns) {
    const int i = ns >> 1;
    pl_idx[ns] = static_cast<uint8_t>(i);
    pu_idx[ns] = static_cast<uint8_t>(i | 32);
    // i -> 2i emits label[i], i -> 2i+1 its complement; i+32 -> 2i the complement, i+32 -> 2i+1
    // label[i] again (end-tap symmetry, see ViterbiBranchTable).
    const uint8_t same = bt.label[i], comp = static_cast<uint8_t>(3 - bt.label[i]);
    bl_idx[ns] = (ns & 1) ? comp : same;
    bu_idx[ns] = (ns & 1) ? same : comp;
  }
  const __m512i ipl = _mm512_load_si512(pl_idx);
  const __m512i ipu = _mm512_load_si512(pu_idx);
  const __m512i ibl = _mm512_load_si512(bl_idx);
  const __m512i ibu = _mm512_load_si512(bu_idx);
  __m512i sub = _mm512_set1_epi8(static_cast<char>(metrics[kAcsRenormByte]));
  __m512i m = _mm512_loadu_si512(metrics);
  const uint8_t* sym = reinterpret_cast<const uint8_t*>(pairs);
  uint16_t pair;

  TracebackJob tb = *job;  // in registers: out[] stores could otherwise alias it
  auto step = [&](size_t t, bool may_renorm) {
    std::memcpy(&pair, sym + 2 * t, 2);  // little-endian: s0 | s1 << 8
    const __m512i dist = _mm512_set1_epi32(static_cast<int>(tab[pair]));
    const __m512i bl = _mm512_shuffle_epi8(dist, ibl);
    const __m512i bu = _mm512_shuffle_epi8(dist, ibu);
    const __m512i cl = _mm512_adds_epu8(_mm512_permutexvar_epi8(ipl, m), bl);
    const __m512i cu = _mm512_adds_epu8(_mm512_permutexvar_epi8(ipu, m), bu);
    m = _mm512_min_epu8(cl, cu);
    dec[t] = _mm512_cmplt_epu8_mask(cu, cl);  // upper strictly better; a tie keeps the lower
    // Renormalisation (kViterbiRenormPeriod): the phase branches follow the step counter, so
    // they are predicted; the min-reduction is off the critical path. Both phases are odd.
    const unsigned phase = static_cast<unsigned>((first_step + t) % kViterbiRenormPeriod);
    if (!may_renorm) {
    } else if (phase == kViterbiRenormRecord) {
      const __m256i a = _mm256_min_epu8(_mm512_castsi512_si256(m), _mm512_extracti64x4_epi64(m, 1));
      __m128i b = _mm_min_epu8(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
      b = _mm_min_epu8(b, _mm_srli_epi16(b, 8));  // word k = min of its two bytes, high byte 0
      sub = _mm512_broadcastb_epi8(_mm_minpos_epu16(b));
    } else if (phase == kViterbiRenormApply) {
      m = _mm512_sub_epi8(m, sub);
    }
  };
  static_assert(kViterbiRenormRecord % 2 == 1 && kViterbiRenormApply % 2 == 1,
                "the pairs of steps below test the renormalisation phase on odd steps only");
  // Steps in (even, odd) pairs, so that only the odd one tests the phase and the loop's own
  // count and branch come once per two steps: the loop issues ~30 uops per step, so the
  // machine's issue width is as near a limit as the chain's latency. The first min(n, tb.t)
  // steps also advance the traceback (see TracebackJob).
  auto run = [&](size_t t, size_t end, auto with_tb) {
    constexpr bool kTb = decltype(with_tb)::value;
    if (t < end && ((first_step + t) & 1u)) {
      if constexpr (kTb) tb.step_unchecked();
      step(t++, true);
    }
    for (; t + 2 <= end; t += 2) {
      if constexpr (kTb) tb.step_unchecked();
      step(t, false);
      if constexpr (kTb) tb.step_unchecked();
      step(t + 1, true);
    }
    if (t < end) {
      if constexpr (kTb) tb.step_unchecked();
      step(t, false);  // even
    }
  };
  const size_t ntb = n < tb.t ? n : tb.t;
  run(size_t{0}, ntb, std::true_type{});
  run(ntb, n, std::false_type{});

  _mm512_storeu_si512(metrics, m);
  metrics[kAcsRenormByte] = static_cast<uint8_t>(_mm_cvtsi128_si32(_mm512_castsi512_si128(sub)));
  *job = tb;
}

}  // namespace groundlink::dsp::detail

namespace groundlink::dsp::detail {

// Whole puncturing periods, as many as fit 64 output bytes per vpermb (rate 7/8: 4 periods =
// 28 steps from 32 symbols); masked loads and stores keep to the caller's buffers at the tail.
void depuncture_avx512(const int8_t* slot_src, unsigned period, unsigned spp, const soft_t* in,
                       size_t periods, soft_t* out) {
  const unsigned slots = 2 * period;
  const unsigned group = 64 / slots;  // periods per vector
  alignas(64) uint8_t idx[64] = {};
  uint64_t keep = 0;  // output bytes taken from the input (the others are erasures, 0)
  for (unsigned b = 0; b < group * slots; ++b) {
    const int src = slot_src[b % slots];
    if (src >= 0) {
      idx[b] = static_cast<uint8_t>((b / slots) * spp + static_cast<unsigned>(src));
      keep |= uint64_t{1} << b;
    }
  }
  const __m512i vidx = _mm512_load_si512(idx);
  auto low_bits = [](size_t count) { return count >= 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1; };
  const size_t in_step = size_t{group} * spp, out_step = size_t{group} * slots;
  size_t p = 0;
  for (; p + group <= periods; p += group, in += in_step, out += out_step) {
    const __m512i v = _mm512_maskz_loadu_epi8(low_bits(in_step), in);
    _mm512_mask_storeu_epi8(out, low_bits(out_step), _mm512_maskz_permutexvar_epi8(keep, vidx, v));
  }
  if (p < periods) {
    const size_t rest = periods - p;
    const __m512i v = _mm512_maskz_loadu_epi8(low_bits(rest * spp), in);
    _mm512_mask_storeu_epi8(out, low_bits(rest * slots), _mm512_maskz_permutexvar_epi8(keep, vidx, v));
  }
}

}  // namespace groundlink::dsp::detail
