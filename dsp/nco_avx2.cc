// AVX2 kernel for Nco::mix_down_scaled; reached only through select_nco_rotate(). Separate
// multiplies and adds in nco_rotate_scalar's order, so the results are bit-identical.
#include <immintrin.h>

// The build enables -mfma for this file; GCC would then fuse mul+add (GNU fp-contract default).
#pragma GCC optimize("fp-contract=off")

#include "dsp/nco.h"

namespace groundlink::dsp {

void nco_rotate_avx2(float* y, const float* tre, const float* tim, size_t n, float pr, float pi) {
  const __m128 vpr = _mm_set1_ps(pr), vpi = _mm_set1_ps(pi);
  const __m128 sign = _mm_set1_ps(-0.0f);
  const __m256i dup = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m128 tr = _mm_loadu_ps(tre + i), ti = _mm_loadu_ps(tim + i);
    const __m128 rr = _mm_sub_ps(_mm_mul_ps(vpr, tr), _mm_mul_ps(vpi, ti));
    const __m128 ri = _mm_xor_ps(sign, _mm_add_ps(_mm_mul_ps(vpr, ti), _mm_mul_ps(vpi, tr)));
    const __m256 rr2 = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(rr), dup);  // rr0 rr0 rr1 rr1 ..
    const __m256 ri2 = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(ri), dup);
    const __m256 v = _mm256_loadu_ps(y + 2 * i);            // a0 b0 a1 b1 ..
    const __m256 sw = _mm256_permute_ps(v, 0xB1);           // b0 a0 b1 a1 ..
    // (a rr - b ri, b rr + a ri) per sample.
    _mm256_storeu_ps(y + 2 * i, _mm256_addsub_ps(_mm256_mul_ps(v, rr2), _mm256_mul_ps(sw, ri2)));
  }
  for (; i < n; ++i) {
    const float rr = pr * tre[i] - pi * tim[i];
    const float ri = -(pr * tim[i] + pi * tre[i]);
    const float a = y[2 * i], b = y[2 * i + 1];
    y[2 * i] = a * rr - b * ri;
    y[2 * i + 1] = b * rr + a * ri;
  }
}

}  // namespace groundlink::dsp
