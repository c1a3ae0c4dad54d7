#include <algorithm>
#include <cmath>

#include "dsp/soft_scale.h"

namespace groundlink::dsp {

void scale_softs_scalar(const float* x, size_t n, float k, int8_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const float v = std::min(127.0f, std::max(-127.0f, k * x[i]));
    // Truncation of v +/- 0.5: round half away from zero, without a data-dependent branch.
    out[i] = static_cast<int8_t>(static_cast<int>(v + std::copysign(0.5f, v)));
  }
}

ScaleSoftsFn select_scale_softs(SimdLevel cap) {
  const int level = static_cast<int>(usable_simd_level(cap));
  return level >= static_cast<int>(SimdLevel::avx2) ? scale_softs_avx2 : scale_softs_scalar;
}

}  // namespace groundlink::dsp
