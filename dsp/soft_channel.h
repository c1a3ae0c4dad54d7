// Ideal-soft-symbol channel: BPSK symbols with AWGN at a given Eb/N0, quantised to dsp::soft_t.
// This is the "genie demodulator" reference of TARGETS.md (perfect carrier and timing), used to
// measure the decoders alone; the IQ-level channel simulator is dsp/channel.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

#include "dsp/soft.h"

namespace groundlink::dsp {

struct SoftChannelConfig {
  double ebn0_db = 3.0;          ///< per information bit
  double info_bits_per_symbol = 0.5;  ///< overall code rate seen from one channel symbol
  uint64_t seed = 1;
};

class SoftAwgnChannel {
 public:
  /// Throws std::invalid_argument naming the field and its allowed range.
  explicit SoftAwgnChannel(const SoftChannelConfig& cfg);
  /// Channel symbols (one 0/1 per byte) -> soft symbols. Symbol 1 is sent as +1, 0 as -1;
  /// noise sigma^2 = 1 / (2 R Eb/N0) (Es/N0 = R Eb/N0 for BPSK).
  void process(const uint8_t* symbols, size_t n, soft_t* out);
  double sigma() const { return sigma_; }
  /// Soft units per unit of amplitude: chosen so +-(1 + 3 sigma) spans the int8 range.
  double scale() const { return scale_; }

 private:
  SoftChannelConfig cfg_;
  double sigma_, scale_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> gauss_{0.0, 1.0};
};

}  // namespace groundlink::dsp
