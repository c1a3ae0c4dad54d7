// Channel simulator for demodulator and link tests: sample-clock offset and timing offset by
// polyphase windowed-sinc fractional resampling, carrier frequency offset with a linear Doppler
// rate, static phase offset, Wiener phase noise and complex AWGN at a configured Eb/N0.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace groundlink::dsp {

struct ChannelConfig {
  double samples_per_symbol = 4.0;  ///< of the input signal, > 0
  double bits_per_symbol = 2.0;     ///< channel bits per symbol (1 BPSK, 2 QPSK), > 0
  double code_rate = 1.0;           ///< information bits per channel bit, (0, 1]
  double signal_power = 1.0;        ///< mean input power per sample (PskModulator: 1), > 0
  /// Eb/N0 per information bit in dB; noise is off when not finite (e.g. +infinity).
  double ebn0_db = 1e300;
  double freq_offset = 0.0;      ///< carrier offset in cycles per sample, |f| < 0.5
  double doppler_rate = 0.0;     ///< change of freq_offset per sample (cycles/sample^2)
  double phase_offset = 0.0;     ///< radians
  double phase_noise_std = 0.0;  ///< Wiener phase noise increment per sample, radians, >= 0
  double timing_offset = 0.0;    ///< initial fractional delay in input samples, [0, 64)
  double clock_ppm = 0.0;        ///< receiver sample clock fast by this many ppm, |ppm| < 1e4
  /// Output samples per input sample: a receiver sampling at another rate than the transmitter's
  /// sample clock (e.g. 7 Msps for a 2 Msym/s signal modulated at 4 samples/symbol). In [0.25, 16],
  /// and the output must keep at least 1.5 samples per symbol (the PSK signal's band).
  /// freq_offset, doppler_rate and the noise apply at the output rate.
  double rate_ratio = 1.0;
  uint64_t seed = 1;
  void validate() const;

  /// Per-sample complex noise variance N0 * fs implied by the configuration
  /// (Es = signal_power * sps * rate_ratio at the output rate, Es/N0 = Eb/N0 * bits_per_symbol * code_rate).
  double noise_variance() const;
};

class Channel {
 public:
  explicit Channel(const ChannelConfig& cfg);
  void reset();

  /// Appends the channel output for n input samples (about n * rate_ratio * (1 + ppm 1e-6)
  /// samples: a fast receiver clock takes more samples of the same signal).
  void process(const std::complex<float>* in, size_t n, std::vector<std::complex<float>>& out);

  /// Frequency offset (cycles/sample) applied to the next output sample.
  double current_frequency() const { return freq_; }
  const ChannelConfig& config() const { return cfg_; }

 private:
  static constexpr size_t kTaps = 32;     // interpolator length (even)
  static constexpr size_t kPhases = 512;  // fractional-delay steps per sample
  ChannelConfig cfg_;
  std::vector<float> interp_;             // (kPhases + 1) x kTaps
  std::mt19937_64 rng_;
  std::normal_distribution<double> gauss_{0.0, 1.0};
  double noise_std_ = 0.0;  // per real dimension
  std::vector<std::complex<float>> hist_;  // input samples not yet consumed by the resampler
  double t_ = 0.0;          // next output time in input samples, relative to hist_[0]
  double step_ = 1.0;       // input samples per output sample
  double freq_ = 0.0;       // cycles/sample
  double phase_ = 0.0;      // cycles
  double pn_ = 0.0;         // phase noise, radians
};

}  // namespace groundlink::dsp
