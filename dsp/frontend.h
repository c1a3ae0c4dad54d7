// Receiver front-end ahead of the PSK demodulator: DC removal, frequency shift with Doppler
// pre-compensation from a polynomial (e.g. fitted to the pass prediction), and rational
// resampling (liquid-dsp polyphase rresamp) to 2..4 samples per symbol.
#pragma once

#include <complex>
#include <utility>
#include <cstddef>
#include <vector>

#include "dsp/nco.h"

namespace groundlink::dsp {

struct FrontEndConfig {
  double sample_rate_hz = 1e6;   ///< input rate, > 0
  bool dc_block = true;
  double dc_alpha = 1e-4;        ///< DC tracker weight per sample, (0, 0.1]
  /// Carrier frequency to remove, as a polynomial in time since reset():
  /// f(t) = c[0] + c[1] t + c[2] t^2 + ... (Hz, Hz/s, Hz/s^2, ...). Empty = no shift.
  std::vector<double> doppler_poly_hz;
  /// Or as a table of (time since reset() in s, frequency in Hz) points with strictly increasing
  /// times, interpolated linearly and held constant outside the table: the form a station's pass
  /// prediction (e.g. from orbit propagation at 1 s steps) comes in. Empty = not used; at most
  /// one of doppler_poly_hz and doppler_table may be set.
  std::vector<std::pair<double, double>> doppler_table;
  /// Prediction time of the first sample after reset() (s): a chain started part-way into a
  /// pass (a rebuilt chain, a replay that skips ahead) keeps the pass's Doppler timeline.
  double doppler_time_offset_s = 0.0;
  unsigned resample_interp = 1;  ///< P of the P/Q rate change, 1..1024
  unsigned resample_decim = 1;   ///< Q, 1..1024
  unsigned resample_semilength = 12;  ///< filter half-length in output samples, 2..64
  double resample_attenuation_db = 60.0;  ///< stop-band, [20, 120]
  unsigned update_block = 256;   ///< samples between Doppler frequency updates, 1..65536
  void validate() const;
};

class FrontEnd {
 public:
  explicit FrontEnd(const FrontEndConfig& cfg);
  ~FrontEnd();
  FrontEnd(const FrontEnd&) = delete;
  FrontEnd& operator=(const FrontEnd&) = delete;

  void reset();
  /// Processes n input samples; writes at most max_output(n) samples to out, returns the count.
  /// Doppler frequency updates fall on update_block boundaries counted from reset(), whatever
  /// the caller's n, so a replay applies the same shift to the same samples.
  size_t process(const std::complex<float>* in, size_t n, std::complex<float>* out);
  /// End of the stream: pushes zeros through the resampler's filter so its last samples come
  /// out. Room for max_flush_output() samples.
  size_t flush(std::complex<float>* out);
  size_t max_output(size_t n) const;
  size_t max_flush_output() const { return max_output(flush_input()); }
  /// Delay of the resampler, in input samples: output sample k is input time k * Q / P - delay.
  double delay_input_samples() const { return resamp_ == nullptr ? 0.0 : cfg_.resample_semilength; }
  double output_rate_hz() const;
  /// Frequency (Hz) being removed at the current sample.
  double current_shift_hz() const;

 private:
  static constexpr size_t kChunk = 4096;
  size_t flush_input() const;
  FrontEndConfig cfg_;
  Nco nco_;
  size_t upd_pos_ = 0;  // samples into the current Doppler update block
  void* resamp_ = nullptr;
  std::vector<std::complex<float>> work_;  // one chunk after DC/shift
  std::vector<std::complex<float>> pend_;  // partial resampler input block (< Q samples)
  size_t pend_fill_ = 0;
  std::complex<double> dc_{0.0, 0.0};
  double t_ = 0.0;  // prediction time of the current update block (s)
  size_t table_pos_ = 0;  // doppler_table segment that contains t_ (times only increase)
  double shift_at(double t);
  /// Predicted Doppler (Hz) at prediction time t; `pos` is the table segment hint it updates.
  double prediction_at(double t, size_t& pos) const;
};

}  // namespace groundlink::dsp
