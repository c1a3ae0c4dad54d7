// Suppressed-carrier BPSK / QPSK / OQPSK demodulator (CCSDS 401.0-B §2.4.9, §2.4.17A):
//
//   samples -> sanitize (NaN/Inf -> 0, counted) -> block AGC -> NCO (acquired + handed-over
//   carrier frequency) -> polyphase RRC matched filter evaluated only at the on-time and
//   mid-symbol instants chosen by a Gardner timing loop -> symbol AGC -> decision-directed
//   Costas loop (2nd order, or 3rd order for Doppler ramps) -> M2M4 Es/N0 -> scaled soft symbols.
//
// Acquisition: the first `acq_symbols` symbols are matched-filtered, raised to the M-th power
// (M = 2 BPSK, 4 QPSK/OQPSK) and their FFT power spectra averaged; the spectral line at M*df
// gives df to a fraction of a bin, the line's move between the two halves of the window gives
// the Doppler rate, and the |y|^2 line at the symbol rate gives the initial symbol timing.
// Those samples (plus the rest of the 2048-sample chunk in which the search completes) produce
// no output. A weak line is integrated over further windows; after `reacquire_symbols` without
// carrier lock (e.g. loss of signal) acquisition runs again.
//
// Output: soft_t per channel bit, positive = bit 1, in symbol order; QPSK/OQPSK emit I then Q
// per symbol (CCSDS pairs: the first bit of a pair is on I). A carrier phase ambiguity of
// 180 deg (BPSK) or a multiple of 90 deg (QPSK/OQPSK; for OQPSK also which channel leads, i.e.
// the I/Q pairing may be offset by one soft) remains and is resolved downstream (frame
// synchronisation on the ASM, or the Viterbi decoder's branch synchronisation).
//
// Soft scaling: soft = round(k * y) with k = 127 / (a + soft_margin_sigma * sigma), a the
// per-channel signal amplitude and sigma the per-channel noise deviation from the M2M4 estimate,
// so values are linear in y (LLR = 2 a y / sigma^2 = status().llr_per_soft * soft) and only the
// tail beyond a + margin*sigma is clipped (0.15% at Es/N0 = 2 dB with the default margin 3).
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/agc.h"
#include "dsp/cpu_features.h"
#include "dsp/nco.h"
#include "dsp/psk_modulator.h"
#include "dsp/rrc.h"
#include "dsp/snr_estimator.h"
#include "dsp/soft.h"
#include "dsp/soft_scale.h"

namespace groundlink::dsp {

struct PskDemodConfig {
  PskModulation modulation = PskModulation::qpsk;
  unsigned samples_per_symbol = 4;  ///< input rate, 2..8 (front-end resamples); even for OQPSK
  double rolloff = 0.35;            ///< RRC roll-off, (0, 1]
  /// Matched filter length in symbols, 4..32. 6 (+/-3 symbols) measured no BER loss against 8
  /// or 16 at Eb/N0 6 and 9 dB (alpha 0.35) and keeps each output to 7 AVX2 steps at 4 sps.
  unsigned filter_span_symbols = 6;
  unsigned filter_phases = 64;       ///< polyphase interpolation steps per sample, 8..256
  /// Carrier loop noise bandwidth Bn*Ts (normalised to the symbol rate), (0, 0.05].
  /// Default 0.002 with a 2nd-order loop: no cycle slip in 2e5 symbols at Es/N0 = 2 dB (QPSK
  /// r=1/2 at Eb/N0 = 2 dB), phase error from a Doppler ramp r (rad/symbol^2) is r / wn^2 with
  /// wn^2 = 1.42e-5, i.e. 0.1 rad at 10 kHz/s for Rs = 210 ksym/s (less at higher rates).
  double carrier_loop_bw = 0.002;
  /// 2 (PI, unconditionally stable) or 3 (follows a frequency ramp with no phase lag; only
  /// conditionally stable, so use it at Es/N0 >= 4 dB or with Bn*Ts <= 0.002).
  unsigned carrier_loop_order = 2;
  /// Timing loop noise bandwidth Bn*Ts, (0, 0.02]. Narrow: timing jitter costs sensitivity
  /// directly, and clock drift is slow (50 ppm = 5e-5 symbol per symbol).
  double timing_loop_bw = 0.001;
  double timing_damping = 1.0;      ///< (0.1, 4]
  double max_clock_offset = 0.005;  ///< timing-loop period limit, fraction of sps, (0, 0.05]
  /// Coarse acquisition: symbols used (0 disables it: the Costas loop pulls in alone).
  unsigned acq_symbols = 4096;
  unsigned fft_size = 4096;   ///< power of two, 256..65536
  double acq_range = 0.02;    ///< +/- searched offset, fraction of the symbol rate, (0, 0.45/M*sps)
  /// Unlocked symbols (after the first 4/carrier_loop_bw) before acquisition is re-run; 0 = never.
  unsigned reacquire_symbols = 32768;
  /// Carrier frequency moved from the Costas loop into the pre-filter NCO when it exceeds this
  /// fraction of Rs (keeps a Doppler ramp centred in the matched filter); 0 disables, [0, 0.1].
  double freq_handover = 0.002;
  double soft_margin_sigma = 3.0;  ///< see soft scaling above, [0, 10]
  double code_rate = 1.0;          ///< for ebn0_db per information bit, (0, 1]
  double sample_rate_hz = 0.0;     ///< only for status Hz figures; 0 = unknown
  /// Widest SIMD kernel used (also capped by GROUNDLINK_SIMD); all kernels give identical output.
  SimdLevel simd_cap = SimdLevel::avx512;
  void validate() const;
};

struct PskDemodStatus {
  bool acquiring = true;       ///< coarse acquisition in progress (no output)
  bool carrier_lock = false;
  bool timing_lock = false;
  double freq_offset = 0.0;    ///< estimated carrier offset, cycles per input sample
  double freq_offset_hz = 0.0; ///< freq_offset * sample_rate_hz (0 if the rate is unknown)
  double clock_offset_ppm = 0.0;  ///< estimated symbol period vs nominal, ppm
  double esn0_db = 0.0;
  double ebn0_db = 0.0;        ///< per information bit (code_rate)
  /// Log-likelihood ratio per soft unit (LLR = llr_per_soft * soft, natural log) implied by the
  /// current Es/N0 estimate and soft scaling: 2 a / (sigma^2 k) in the header's notation.
  double llr_per_soft = 0.0;
  double carrier_lock_metric = 0.0;  ///< smoothed cos(M*phase error), 1 = locked
  double timing_lock_metric = 0.0;   ///< on-time vs mid-symbol energy contrast
  uint64_t symbols = 0;        ///< symbols output since construction
  uint64_t nonfinite_samples = 0;
  uint64_t acquisitions = 0;   ///< completed coarse acquisitions
  uint64_t acq_attempts = 0;   ///< FFT searches run (more than acquisitions: no line found)
  double acq_rate = 0.0;       ///< Doppler rate measured at acquisition, cycles/sample^2
  uint64_t loop_resets = 0;    ///< loop states found non-finite and restarted
  uint64_t lock_symbol = 0;    ///< symbol count (incl. acquisition) at the first carrier lock
};

class PskDemodulator {
 public:
  explicit PskDemodulator(const PskDemodConfig& cfg);
  ~PskDemodulator();
  PskDemodulator(const PskDemodulator&) = delete;
  PskDemodulator& operator=(const PskDemodulator&) = delete;

  void reset();

  /// Demodulates n samples; writes soft symbols to out (room for max_output(n)) and returns
  /// how many were written. No allocation. The input is processed in fixed chunks of kChunk
  /// samples counted from reset(), whatever the caller's n: the output is a function of the
  /// sample stream alone, so a replay gives the same symbols bit for bit however a scheduler
  /// cuts it. Up to kChunk - 1 samples wait for the next call (or flush()).
  size_t process(const std::complex<float>* in, size_t n, soft_t* out);

  /// End of the stream: demodulates the samples still waiting and pushes zeros through the
  /// matched filter and the timing interpolator so the last symbols come out. Returns the soft
  /// values written (room for max_flush_output()). The demodulator is then ready for reset().
  size_t flush(soft_t* out);

  /// Upper bound of process()'s output count for n input samples.
  size_t max_output(size_t n) const;
  size_t max_flush_output() const { return max_output(2 * kChunk); }

  /// Where soft symbols sit in sample time: for each internal chunk that produced output in the
  /// last process() or flush() call, the index (in that call's output) of its first soft value
  /// and the input position (samples since reset(), fractional) of that symbol's on-time
  /// instant. Acquisition consumes samples without output and the timing loop follows the
  /// transmitter's clock, so a soft symbol's index alone does not give its time (Earth-receive
  /// time). Chunks are counted from reset(), so the anchors are the same on every replay.
  struct SampleAnchor {
    size_t soft_index;
    double sample;
  };
  const std::vector<SampleAnchor>& anchors() const { return anchors_; }

  const PskDemodStatus& status() const { return status_; }
  const PskDemodConfig& config() const { return cfg_; }

  /// Gardner S-curve slope at zero error (per sample of timing error, unit symbol power).
  double timing_detector_gain() const { return ted_gain_; }

 private:
  static constexpr size_t kChunk = 2048;
  size_t process_chunk(const std::complex<float>* in, size_t m, soft_t* out);
  void run_acquisition();
  size_t run_symbols(soft_t* out);
  static constexpr unsigned kBlock = 32;  // symbols per statistics / bookkeeping block
  size_t emit_softs(size_t from, size_t to, float k, soft_t* out) const;
  void block_statistics(bool bpsk, uint64_t tracked);
  void reset_loops();
  void handover_frequency();

  PskDemodConfig cfg_;
  unsigned M_;      // power for acquisition / lock detection
  unsigned bits_;
  PolyphaseRrcBank bank_;
  DotIqDupFn dot_;
  Dot2IqDupFn dot2_;
  ScaleSoftsFn scale_softs_;
  Agc agc_;
  Nco nco_;
  M2M4Estimator snr_;

  // Input waiting for a whole chunk (stage_fill_ < kChunk between calls).
  std::vector<std::complex<float>> stage_;
  size_t stage_fill_ = 0;
  std::vector<SampleAnchor> anchors_;  // reserved for the most chunks one call can hold
  double chunk_first_sample_ = -1.0;   // set by process_chunk() when it produced output
  void add_anchor(size_t soft_index) {
    if (chunk_first_sample_ >= 0.0 && anchors_.size() < anchors_.capacity())
      anchors_.push_back({soft_index, chunk_first_sample_});
  }

  // Sample buffer (interleaved I/Q): history + current chunk.
  std::vector<float> buf_;
  size_t fill_ = 0;        // samples in buf_
  size_t buf_capacity_ = 0;  // samples buf_ holds (history + one chunk)
  double t_ = 0.0;         // position of the next on-time sample in buf_
  double period_ = 0.0;    // current symbol period estimate (samples)

  // Acquisition.
  bool acquiring_ = true;
  std::vector<std::complex<float>> acq_buf_;
  size_t acq_fill_ = 0;
  unsigned acq_integrated_ = 0;  // searches summed in fft_pow_
  uint64_t in_count_ = 0;       // samples entered since reset
  uint64_t acq_start_abs_ = 0;  // absolute index of acq_buf_[0]
  double timing_hint_ = -1.0;   // on-time phase (absolute samples mod sps) from acquisition
  std::vector<std::complex<float>> fft_in_, fft_out_;
  std::vector<float> fft_pow_, pow_a_, pow_b_;  // all searches / this search's halves
  void* fft_plan_ = nullptr;

  // Loops.
  double ted_gain_ = 1.0;
  float tk1_ = 0, tk2_ = 0;                 // timing loop gains
  float ck1_ = 0, ck2_ = 0, ck3_ = 0;       // carrier loop gains
  float theta_re_ = 1, theta_im_ = 0;       // exp(-j theta)
  float omega_ = 0, omega_rate_ = 0;        // rad/symbol, rad/symbol^2
  float e_t_pend_ = 0, dth_pend_ = 0;       // detector outputs applied at the next symbol
  float sym_power_ = 1;                     // smoothed |y_on|^2
  float prev_on_re_ = 0, prev_on_im_ = 0;   // previous on-time sample (raw, normalised)
  float prev_mid_im_ = 0;                   // previous mid sample Q (derotated), OQPSK
  float prev_i_out_ = 0;                    // OQPSK: I waiting for its Q
  bool have_prev_i_ = false;
  float lock_c_ = 0, lock_den_ = 0, lock_on_ = 0, lock_mid_ = 0;  // lock_c_: cos(M phi) numerator
  // The current block: derotated symbols (on-time I, and Q at its own instant), mid-symbol
  // energies, and the softs (floats, not yet scaled) still to be written out.
  float blk_zr_[kBlock] = {}, blk_zi_[kBlock] = {}, blk_mid_[kBlock] = {};
  float blk_soft_[2 * kBlock] = {};
  size_t blk_nsoft_ = 0, blk_emitted_ = 0;
  float blk_w_[kBlock] = {};  // exponential-average weights of a block's symbols
  float blk_decay_ = 1.0f;
  double ted_contrast_ = 0;                 // noiseless timing contrast for the lock threshold
  float soft_k_ = 40.0f;
  double llr_per_soft_ = 0.0;
  float kd_c_ = 1.0f, kd_t_ = 1.0f;          // detector slopes at the current SNR
  uint64_t track_symbols_ = 0, unlocked_run_ = 0, total_symbols_ = 0;
  PskDemodStatus status_;
};

}  // namespace groundlink::dsp
