// AVX2 kernel for PolyphaseRrcBank; reached only through select_dot_iq_dup(). Uses separate
// multiply and add (no FMA) in the same lane order as dot_iq_dup_scalar, so results are bit-exact.
#include <immintrin.h>

// The build enables -mfma for this file; GCC would then fuse mul+add (GNU fp-contract default),
// breaking bit-exactness with the scalar reference.
#pragma GCC optimize("fp-contract=off")

#include "dsp/rrc.h"

namespace groundlink::dsp {

void dot_iq_dup_avx2(const float* x, const float* taps, size_t nfloats, float out[2]) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= nfloats; i += 16) {
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(taps + i)));
    a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(taps + i + 8)));
  }
  if (i < nfloats) {
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(taps + i)));
  }
  const __m256 acc = _mm256_add_ps(a0, a1);
  const __m128 lo = _mm256_castps256_ps128(acc);
  const __m128 hi = _mm256_extractf128_ps(acc, 1);
  const __m128 s = _mm_add_ps(lo, hi);              // l0+l4, l1+l5, l2+l6, l3+l7
  const __m128 s2 = _mm_add_ps(s, _mm_movehl_ps(s, s));  // (l0+l4)+(l2+l6), (l1+l5)+(l3+l7)
  out[0] = _mm_cvtss_f32(s2);
  out[1] = _mm_cvtss_f32(_mm_shuffle_ps(s2, s2, 1));
}

void dot2_iq_dup_avx2(const float* xa, const float* ta, const float* xb, const float* tb,
                      size_t nfloats, float out[4]) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= nfloats; i += 16) {
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(xa + i), _mm256_loadu_ps(ta + i)));
    b0 = _mm256_add_ps(b0, _mm256_mul_ps(_mm256_loadu_ps(xb + i), _mm256_loadu_ps(tb + i)));
    a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(xa + i + 8), _mm256_loadu_ps(ta + i + 8)));
    b1 = _mm256_add_ps(b1, _mm256_mul_ps(_mm256_loadu_ps(xb + i + 8), _mm256_loadu_ps(tb + i + 8)));
  }
  if (i < nfloats) {
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(xa + i), _mm256_loadu_ps(ta + i)));
    b0 = _mm256_add_ps(b0, _mm256_mul_ps(_mm256_loadu_ps(xb + i), _mm256_loadu_ps(tb + i)));
  }
  // Both reductions in one tree, in dot_iq_dup's order: fold the 128-bit halves, then the
  // 64-bit halves, giving (l0+l4)+(l2+l6), (l1+l5)+(l3+l7) for a (low lane) and b (high lane).
  const __m256 acc_a = _mm256_add_ps(a0, a1), acc_b = _mm256_add_ps(b0, b1);
  const __m256 lo = _mm256_permute2f128_ps(acc_a, acc_b, 0x20);  // a.lo | b.lo
  const __m256 hi = _mm256_permute2f128_ps(acc_a, acc_b, 0x31);  // a.hi | b.hi
  const __m256 s = _mm256_add_ps(lo, hi);
  const __m256 s2 = _mm256_add_ps(s, _mm256_permute_ps(s, 0x4E));
  // (a0, a1, b0, b1): the low 64 bits of each 128-bit half.
  const __m128d lo2 = _mm_castps_pd(_mm256_castps256_ps128(s2));
  const __m128d hi2 = _mm_castps_pd(_mm256_extractf128_ps(s2, 1));
  _mm_storeu_ps(out, _mm_castpd_ps(_mm_unpacklo_pd(lo2, hi2)));
}

}  // namespace groundlink::dsp
