// The demodulator's soft quantiser: scaled floats to soft_t (dsp/soft.h), behind runtime
// dispatch.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {

/// out[i] = round(clamp(k * x[i], -127, 127)), rounding half away from zero: the demodulator's
/// soft quantiser. The AVX2 kernel is bit-identical to the scalar reference.
using ScaleSoftsFn = void (*)(const float* x, size_t n, float k, int8_t* out);
void scale_softs_scalar(const float* x, size_t n, float k, int8_t* out);
void scale_softs_avx2(const float* x, size_t n, float k, int8_t* out);
ScaleSoftsFn select_scale_softs(SimdLevel cap = SimdLevel::avx512);

}  // namespace groundlink::dsp
