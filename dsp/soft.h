// Soft-decision conventions shared by the demodulator, the decoders and the frame synchroniser.
#pragma once

#include <cstdint>

namespace groundlink::dsp {


/// A soft bit or channel symbol: int8 in [-127, 127]. Positive means "bit 1 more likely"
/// (GNU Radio's binary_slicer convention), |value| is the confidence, 0 is an erasure
/// (depunctured positions are erasures). -128 is never produced.
using soft_t = int8_t;

constexpr soft_t kSoftOne = 127;
constexpr soft_t kSoftZero = -127;

inline soft_t soft_from_bit(uint8_t bit) { return bit ? kSoftOne : kSoftZero; }
inline uint8_t hard_bit(soft_t s) { return s > 0 ? 1 : 0; }

}  // namespace groundlink::dsp
