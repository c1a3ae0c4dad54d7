// Suppressed-carrier BPSK/QPSK/OQPSK demodulator block: complex samples in, int8 soft symbols out.
#pragma once

#include <gnuradio/block.h>
#include <groundlink/api.h>

#include <string>

#include "dsp/parallel_psk_demod.h"
#include "dsp/psk_demod.h"

namespace gr::groundlink {

struct psk_demod_config {
  std::string modulation = "qpsk";  ///< bpsk | qpsk | oqpsk
  int samples_per_symbol = 4;       ///< 2..8 (even for OQPSK)
  double rolloff = 0.35;
  double carrier_loop_bw = 0.002;   ///< Bn*Ts
  double timing_loop_bw = 0.001;    ///< Bn*Ts
  double acquisition_range = 0.02;  ///< +- fraction of the symbol rate
  double code_rate = 0.5;           ///< information bits per channel bit, for the Eb/N0 estimate
  double sample_rate = 0;           ///< Hz, for status figures in Hz (0 = unknown)
  /// Status messages every this many symbols (0 = none): for displays (GRC LED, number boxes).
  int64_t status_period_symbols = 0;
  /// "gl_sample" tags (see frame_decoder): each work call tags its first soft symbol with the
  /// on-time sample position of its symbol, as demodulator input position x scale + offset.
  /// With a front-end resampler ahead: scale = recording rate / demodulator rate, offset =
  /// minus the resampler's delay in recording samples; then the tags count recording samples.
  double sample_tag_scale = 1.0;
  double sample_tag_offset = 0.0;
  /// Worker threads, 1..16. Above 1 the stream is demodulated in overlapping segments of
  /// `segment_samples` on that many cores and stitched seamlessly (dsp::ParallelPskDemodulator):
  /// a recording decodes that many times faster, at the price of up to a segment of latency
  /// (2^20 samples: 26 ms at 40 Msps, 1 s at 1 Msps).
  int threads = 1;
  int64_t segment_samples = 1 << 20;
};

struct psk_demod_status {
  bool acquiring = true, carrier_lock = false, timing_lock = false;
  double freq_offset_hz = 0, clock_offset_ppm = 0, esn0_db = 0, ebn0_db = 0;
  uint64_t symbols = 0, nonfinite_samples = 0, lock_symbol = 0;
  /// threads > 1: segment joins stitched, and those without agreement (no signal at the join).
  uint64_t joins = 0, failed_joins = 0;
};

/// The dsp::PskDemodulator configuration these parameters describe (validated).
GROUNDLINK_API ::groundlink::dsp::PskDemodConfig to_demod_config(const psk_demod_config& c);
/// The segment parallelism these parameters describe (validated against the demodulator's).
GROUNDLINK_API ::groundlink::dsp::ParallelDemodConfig to_parallel_config(const psk_demod_config& c);

/*!
 * \brief AGC, RRC matched filter, FFT coarse carrier acquisition, Costas loop (2nd/3rd order),
 * Gardner timing recovery, SNR-scaled soft symbols (positive = 1; QPSK: I then Q).
 * The end-of-stream tag is passed on to the last soft symbol; "gl_sample" tags give the sample
 * time of the soft symbols (acquisition consumes samples without output).
 * With status_period_symbols > 0 the block publishes, every that many symbols and once more at
 * the end of the stream: on "status" a dict (acquiring, carrier_lock, timing_lock, lock,
 * freq_offset_hz, clock_offset_ppm, esn0_db, ebn0_db, symbols); on "lock" the pair
 * (lock . bool), carrier and timing both locked; on "ebn0" the pair (ebn0_db . double), the
 * M2M4 estimate per information bit. The pairs suit GNU Radio's QT LED indicator and message
 * edit box directly.
 * \ingroup groundlink
 */
class GROUNDLINK_API psk_demod : virtual public gr::block {
 public:
  typedef std::shared_ptr<psk_demod> sptr;
  static sptr make(const psk_demod_config& cfg);
  virtual psk_demod_status status() const = 0;
};

}  // namespace gr::groundlink
