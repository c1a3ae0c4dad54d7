#include "dsp/randomizer.h"

#include <cstring>

namespace groundlink::dsp {
namespace {

// CCSDS 131.0-B-4 §10.4.1: Fibonacci LFSR with h(x) = x^8+x^7+x^5+x^3+1, register initialised
// to all ones; the output bit is the register's oldest stage, the feedback the XOR of the taps.
std::array<uint8_t, 2 * kRandomizerPeriod + 16> make_table() {
  std::array<uint8_t, 2 * kRandomizerPeriod + 16> t{};
  uint8_t reg = 0xFF;  // x0..x7, bit 7 = first output
  for (size_t i = 0; i < kRandomizerPeriod; ++i) {
    uint8_t byte = 0;
    for (int b = 0; b < 8; ++b) {
      const uint8_t out = reg >> 7 & 1;
      byte = static_cast<uint8_t>(byte << 1 | out);
      // Register bit 7 holds s[n] (the output), bit 0 s[n+7]. h(x) gives the recursion
      // s[n+8] = s[n+7] ^ s[n+5] ^ s[n+3] ^ s[n] -> register bits 0, 2, 4, 7.
      const uint8_t fb = (reg >> 7 ^ reg >> 4 ^ reg >> 2 ^ reg) & 1;
      reg = static_cast<uint8_t>(reg << 1 | fb);
    }
    t[i] = byte;
  }
  // Unrolled copies so a window of any start offset is contiguous (XOR without modulo).
  for (size_t i = kRandomizerPeriod; i < t.size(); ++i) t[i] = t[i - kRandomizerPeriod];
  return t;
}

const std::array<uint8_t, 2 * kRandomizerPeriod + 16>& table() {
  static const auto t = make_table();
  return t;
}

}  // namespace

const std::array<uint8_t, kRandomizerPeriod>& ccsds_randomizer_sequence() {
  static const std::array<uint8_t, kRandomizerPeriod> seq = [] {
    std::array<uint8_t, kRandomizerPeriod> s{};
    std::memcpy(s.data(), table().data(), kRandomizerPeriod);
    return s;
  }();
  return seq;
}

void ccsds_randomize(uint8_t* data, size_t n, size_t offset) {
  const uint8_t* t = table().data();
  size_t start = offset % kRandomizerPeriod;
  while (n > 0) {
    const size_t len = n < kRandomizerPeriod ? n : kRandomizerPeriod;
    const uint8_t* s = t + start;  // start + len <= 2*255: inside the unrolled table
    // Plain byte loop over a contiguous window: the compiler vectorises it.
    for (size_t i = 0; i < len; ++i) data[i] ^= s[i];
    data += len;
    n -= len;
  }
}

}  // namespace groundlink::dsp
