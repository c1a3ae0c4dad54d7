#include "dsp/nrz.h"

#include <cstdlib>

namespace groundlink::dsp {

void NrzmEncoder::process(const uint8_t* bits, size_t n, uint8_t* levels) {
  uint8_t l = level_;
  for (size_t i = 0; i < n; ++i) {
    l = static_cast<uint8_t>(l ^ (bits[i] & 1));
    levels[i] = l;
  }
  level_ = l;
}

void NrzmDecoder::process(const uint8_t* levels, size_t n, uint8_t* bits) {
  uint8_t p = prev_bit_;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t l = levels[i] & 1;
    bits[i] = static_cast<uint8_t>(l ^ p);
    p = l;
  }
  prev_bit_ = p;
}

void NrzmDecoder::process_packed(const uint8_t* levels, size_t n, uint8_t* bits) {
  uint8_t p = prev_bit_;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t l = levels[i];
    // Each level XOR the one before it: shift the byte right by one, bringing in the last level
    // of the previous byte.
    bits[i] = static_cast<uint8_t>(l ^ (l >> 1 | p << 7));
    p = l & 1;
  }
  prev_bit_ = p;
}

void NrzmDecoder::process_soft(const soft_t* levels, size_t n, soft_t* bits) {
  soft_t p = prev_soft_;
  for (size_t i = 0; i < n; ++i) {
    const int a = levels[i];
    const int b = p;
    const int mag = std::abs(a) < std::abs(b) ? std::abs(a) : std::abs(b);
    // Signs differ -> level changed -> "1" (positive).
    bits[i] = static_cast<soft_t>((a ^ b) < 0 ? mag : -mag);
    p = static_cast<soft_t>(a);  // not levels[i]: in-place use (bits == levels) is allowed
  }
  prev_soft_ = p;
}

}  // namespace groundlink::dsp
