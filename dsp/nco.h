// Numerically controlled oscillator: phase kept in double precision (cycles, wrapped to [0,1))
// so long passes do not accumulate float rounding; block mixing uses a per-block exact phasor
// times a precomputed per-sample step table, which the compiler vectorises.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

namespace groundlink::dsp {

class Nco {
 public:
  /// `block` is the table length used by mix(); frequencies are in cycles per sample.
  explicit Nco(size_t block = 256);

  void reset(double phase_cycles = 0.0);
  void set_frequency(double cycles_per_sample);
  double frequency() const { return freq_; }
  /// Current phase in cycles, [0, 1).
  double phase() const { return phase_; }
  void adjust_phase(double cycles);

  /// out[i] = in[i] * exp(sign * j 2 pi phase_i) with phase advancing by frequency per sample.
  /// sign = -1 shifts the spectrum down by the NCO frequency (mixing to baseband). in may == out.
  void mix(const std::complex<float>* in, std::complex<float>* out, size_t n, int sign = -1);

  /// In-place mix down (sign -1) with a gain folded into the rotator; n <= block.
  void mix_down_scaled(std::complex<float>* x, size_t n, float gain);

 private:
  void rebuild_table();
  size_t block_;
  double freq_ = 0.0;
  double phase_ = 0.0;
  std::vector<float> table_re_, table_im_;  // exp(j 2 pi f i), i < block_
};

}  // namespace groundlink::dsp
