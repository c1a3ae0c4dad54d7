// Attached Sync Marker correlator (CCSDS 131.0-B-4 §9): compares soft or hard bits against a
// marker of up to 64 bits (default the 32-bit 1ACFFC1D of §9.3.2), reporting the soft
// correlation, the number of hard-bit disagreements and the polarity. A negative correlation
// means the marker was received inverted (BPSK/QPSK phase ambiguity not resolved upstream).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dsp/soft.h"

namespace groundlink::framing {

struct AsmConfig {
  uint64_t marker = 0x1ACFFC1D;  ///< right-aligned, first transmitted bit is the MSB of length_bits
  int length_bits = 32;          ///< 8..64
  /// Throws std::invalid_argument naming the field and its allowed range.
  void validate() const;
};

struct AsmMatch {
  int correlation = 0;  ///< sum of soft(i) * (+1 for a marker 1, -1 for a marker 0)
  int errors = 0;       ///< hard-bit errors against the polarity the correlation sign indicates
  bool inverted = false;
};

class AsmCorrelator {
 public:
  explicit AsmCorrelator(const AsmConfig& cfg = {});

  int length() const { return cfg_.length_bits; }
  uint64_t marker() const { return marker_; }
  uint64_t mask() const { return mask_; }
  const AsmConfig& config() const { return cfg_; }

  /// s points at length() soft bits, first transmitted first.
  int correlate(const dsp::soft_t* s) const;
  /// Hard-bit errors of the window against the marker (inverted: against its complement).
  int bit_errors(const dsp::soft_t* s, bool inverted = false) const;
  /// Hard errors of a window of hard bits packed in a word (last received bit = LSB).
  int word_errors(uint64_t window, bool inverted = false) const {
    const uint64_t d = (window ^ marker_ ^ (inverted ? ~uint64_t{0} : 0)) & mask_;
    return popcount64(d);
  }
  /// Portable SWAR population count (the library is built without -mpopcnt, where the builtin
  /// becomes a library call).
  static int popcount64(uint64_t x) {
    x = x - (x >> 1 & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + (x >> 2 & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
  }
  /// Correlation, polarity from its sign, and hard errors for that polarity.
  AsmMatch match(const dsp::soft_t* s) const;

 private:
  AsmConfig cfg_;
  uint64_t marker_;
  uint64_t mask_;
  int8_t sign_[64];  ///< +1 / -1 per marker bit, transmission order
};

}  // namespace groundlink::framing
