// AVX2 kernel for the demodulator's soft quantiser; reached only through select_scale_softs().
// The same operations as scale_softs_scalar (multiply, clamp, add +/-0.5, truncate), so the
// output is bit-identical.
#include <immintrin.h>

#pragma GCC optimize("fp-contract=off")

#include "dsp/soft_scale.h"

namespace groundlink::dsp {

void scale_softs_avx2(const float* x, size_t n, float k, int8_t* out) {
  const __m256 vk = _mm256_set1_ps(k), hi = _mm256_set1_ps(127.0f), lo = _mm256_set1_ps(-127.0f);
  const __m256 half = _mm256_set1_ps(0.5f), sign = _mm256_set1_ps(-0.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i q[2];
    for (int h = 0; h < 2; ++h) {
      // std::min(127, std::max(-127, v)): max/min take the second operand when unordered, as
      // the std:: forms do for these argument orders; inputs are finite anyway.
      __m256 v = _mm256_mul_ps(vk, _mm256_loadu_ps(x + i + 8 * h));
      v = _mm256_min_ps(hi, _mm256_max_ps(lo, v));
      const __m256 r = _mm256_add_ps(v, _mm256_or_ps(half, _mm256_and_ps(sign, v)));
      q[h] = _mm256_cvttps_epi32(r);
    }
    // 16 int32 -> 16 int8 (values already within int8): pack with saturation, undo the
    // per-128-bit-lane interleave of the packs.
    const __m256i w = _mm256_packs_epi32(q[0], q[1]);          // 0-3 8-11 4-7 12-15 (int16)
    const __m256i w2 = _mm256_permute4x64_epi64(w, 0xD8);       // 0-3 4-7 8-11 12-15
    const __m128i b = _mm_packs_epi16(_mm256_castsi256_si128(w2), _mm256_extracti128_si256(w2, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), b);
  }
  scale_softs_scalar(x + i, n - i, k, out + i);
}

}  // namespace groundlink::dsp
