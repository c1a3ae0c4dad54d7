// PSK modulator: bits -> RRC-shaped complex baseband (CCSDS 401.0-B §2.4.17A shaping; Gray QPSK
// with the first bit of each pair on I, CCSDS 131.0-B-4 §3 convolutional output pairs).
// Used as the reference transmitter for demodulator tests and loopback benchmarks.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/soft.h"

namespace groundlink::dsp {

enum class PskModulation { bpsk, qpsk, oqpsk };

/// Channel bits per symbol: 1 for BPSK, 2 for QPSK and OQPSK.
unsigned bits_per_symbol(PskModulation m);
const char* to_string(PskModulation m);

struct PskModulatorConfig {
  PskModulation modulation = PskModulation::qpsk;
  unsigned samples_per_symbol = 4;  ///< 2..8; even for OQPSK (Q is delayed by sps/2 samples)
  double rolloff = 0.35;            ///< RRC roll-off, (0, 1]
  unsigned filter_span_symbols = 10;  ///< RRC length in symbols, 2..64
  void validate() const;
};

/// Symbol mapping: bit b -> amplitude (2b - 1), i.e. bit 1 -> +1 (matches soft_t: positive = 1).
/// BPSK: one bit per symbol on I. QPSK/OQPSK: bit pair (b0, b1) -> (I, Q) / sqrt(2).
/// Output mean power is 1 per sample (unit-energy taps scaled by sqrt(sps)), so Es = sps.
class PskModulator {
 public:
  explicit PskModulator(const PskModulatorConfig& cfg);
  void reset();

  /// Appends sps samples per complete symbol; a trailing odd bit (QPSK) waits for its pair.
  void modulate_bits(const uint8_t* bits, size_t nbits, std::vector<std::complex<float>>& out);
  /// Same with hard decisions of soft symbols (value > 0 -> bit 1).
  void modulate_soft(const soft_t* soft, size_t n, std::vector<std::complex<float>>& out);
  /// Pushes zeros through the filter so the last symbol's pulse tail is emitted.
  void flush(std::vector<std::complex<float>>& out);

  const PskModulatorConfig& config() const { return cfg_; }

 private:
  void push_symbol(float i, float q, std::vector<std::complex<float>>& out);
  PskModulatorConfig cfg_;
  std::vector<float> taps_;       // unit-energy RRC at sps, times sqrt(sps)
  unsigned span_;                 // symbols in the history
  std::vector<float> hist_i_, hist_q_;  // newest symbol first
  std::vector<float> q_delay_;    // OQPSK: Q output delayed by sps/2 samples
  size_t q_delay_pos_ = 0;
  int pending_bit_ = -1;
};

}  // namespace groundlink::dsp
