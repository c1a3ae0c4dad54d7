// Soft-decision conventions shared by the demodulator, the decoders and the frame synchroniser.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {


/// A soft bit or channel symbol: int8 in [-127, 127]. Positive means "bit 1 more likely"
/// (GNU Radio's binary_slicer convention), |value| is the confidence, 0 is an erasure
/// (depunctured positions are erasures). -128 is never produced.
using soft_t = int8_t;

constexpr soft_t kSoftOne = 127;
constexpr soft_t kSoftZero = -127;

inline soft_t soft_from_bit(uint8_t bit) { return bit ? kSoftOne : kSoftZero; }
inline uint8_t hard_bit(soft_t s) { return s > 0 ? 1 : 0; }

/// out[i] = round(clamp(k * x[i], -127, 127)), rounding half away from zero: the demodulator's
/// soft quantiser. The AVX2 kernel is bit-identical to the scalar reference.
using ScaleSoftsFn = void (*)(const float* x, size_t n, float k, int8_t* out);
void scale_softs_scalar(const float* x, size_t n, float k, int8_t* out);
void scale_softs_avx2(const float* x, size_t n, float k, int8_t* out);
ScaleSoftsFn select_scale_softs(SimdLevel cap = SimdLevel::avx512);

}  // namespace groundlink::dsp
