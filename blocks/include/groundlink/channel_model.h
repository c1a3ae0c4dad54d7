// Channel simulator block for test benches (dsp::Channel).
#pragma once

#include <gnuradio/block.h>
#include <groundlink/api.h>

namespace gr::groundlink {

/// Impairments in the units an operator thinks in (Hz, Hz/s, ppm); converted to the per-sample
/// figures of dsp::ChannelConfig with sample_rate.
struct channel_model_config {
  double sample_rate = 8e6;         ///< Hz, > 0
  double samples_per_symbol = 4;    ///< of the input signal
  double bits_per_symbol = 2;       ///< channel bits per symbol: 1 BPSK, 2 QPSK/OQPSK
  double code_rate = 1;             ///< information bits per channel bit (sets Eb from Es)
  double ebn0_db = 1e300;           ///< per information bit; noise off when not finite
  double freq_offset_hz = 0;        ///< carrier offset at the start, |f| < sample_rate / 2
  double doppler_rate_hz_s = 0;     ///< linear change of the carrier offset
  double phase_offset = 0;          ///< radians
  double phase_noise_std = 0;       ///< Wiener phase-noise increment per sample, radians
  /// Sampling-instant offset, input samples, [0, 64): output sample k is the input at time
  /// k + timing_offset (the receiver's clock phase against the transmitter's).
  double timing_offset = 0;
  double clock_ppm = 0;             ///< receiver sample clock fast by this many ppm (more samples out)
  uint64_t seed = 1;
};

/*!
 * \brief complex in, complex out: sample-clock offset and timing offset (fractional
 * resampling), carrier offset with a Doppler rate, phase offset, phase noise and AWGN at Eb/N0,
 * seeded so a run is repeatable. The end-of-stream tag is passed on.
 * \ingroup groundlink
 */
class GROUNDLINK_API channel_model : virtual public gr::block {
 public:
  typedef std::shared_ptr<channel_model> sptr;
  static sptr make(const channel_model_config& cfg);
  /// Per-sample complex noise variance implied by the configuration (0 without noise).
  virtual double noise_variance() const = 0;
};

}  // namespace gr::groundlink
