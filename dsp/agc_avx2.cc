// AVX2 kernel for Agc::update_block; reached only through select_agc_block(). Bit-identical to
// agc_block_scalar: each sample's power is re*re + im*im with separate multiplies and add, and
// lane l of the result accumulates exactly the samples i % 8 == l in the same order.
#include <immintrin.h>

// The build enables -mfma for this file; GCC would then fuse mul+add (GNU fp-contract default).
#pragma GCC optimize("fp-contract=off")

#include "dsp/agc.h"

namespace groundlink::dsp {

void agc_block_avx2(const float* x, float* y, size_t n, float acc8[8], uint32_t* bad) {
  // Eight samples per step in two vectors of four interleaved (re, im) pairs. The pair sum
  // sq + swap(sq) puts each sample's power in both of its float slots, so the finite mask
  // zeroes re and im together and accumulator A (samples 0..3 of each step) / B (4..7) hold
  // every lane's sum twice: slot 2k is sample k.
  const __m256 limit = _mm256_set1_ps(1e36f);
  __m256 acc_a = _mm256_setzero_ps(), acc_b = _mm256_setzero_ps();
  uint32_t nbad = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v0 = _mm256_loadu_ps(x + 2 * i);
    const __m256 v1 = _mm256_loadu_ps(x + 2 * i + 8);
    const __m256 s0 = _mm256_mul_ps(v0, v0), s1 = _mm256_mul_ps(v1, v1);
    // a*a + b*b in the slot of a and b*b + a*a in that of b: the same value (addition commutes).
    const __m256 p0 = _mm256_add_ps(s0, _mm256_permute_ps(s0, 0xB1));
    const __m256 p1 = _mm256_add_ps(s1, _mm256_permute_ps(s1, 0xB1));
    const __m256 ok0 = _mm256_cmp_ps(p0, limit, _CMP_LT_OQ);  // false for NaN too
    const __m256 ok1 = _mm256_cmp_ps(p1, limit, _CMP_LT_OQ);
    _mm256_storeu_ps(y + 2 * i, _mm256_and_ps(v0, ok0));
    _mm256_storeu_ps(y + 2 * i + 8, _mm256_and_ps(v1, ok1));
    acc_a = _mm256_add_ps(acc_a, _mm256_and_ps(p0, ok0));
    acc_b = _mm256_add_ps(acc_b, _mm256_and_ps(p1, ok1));
    const unsigned good = static_cast<unsigned>(_mm256_movemask_ps(ok0)) |
                          (static_cast<unsigned>(_mm256_movemask_ps(ok1)) << 8);
    nbad += static_cast<uint32_t>(16 - __builtin_popcount(good)) / 2;
  }
  alignas(32) float a[8], b[8];
  _mm256_store_ps(a, acc_a);
  _mm256_store_ps(b, acc_b);
  for (int k = 0; k < 4; ++k) {
    acc8[k] += a[2 * k];
    acc8[4 + k] += b[2 * k];
  }
  for (; i < n; ++i) {
    float re = x[2 * i], im = x[2 * i + 1];
    const float p = re * re + im * im;
    const bool ok = p < 1e36f;
    re = ok ? re : 0.0f;
    im = ok ? im : 0.0f;
    nbad += ok ? 0u : 1u;
    acc8[i % 8] += ok ? p : 0.0f;
    y[2 * i] = re;
    y[2 * i + 1] = im;
  }
  *bad = nbad;
}

}  // namespace groundlink::dsp
