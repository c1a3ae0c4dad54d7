// Numerically controlled oscillator: phase kept in double precision (cycles, wrapped to [0,1))
// so long passes do not accumulate float rounding; block mixing uses a per-block exact phasor
// times a precomputed per-sample step table, which the compiler vectorises.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {

/// Rotation kernel of Nco::mix_down_scaled: y[i] *= conj((pr + j pi) * (tre[i] + j tim[i])) on n
/// interleaved I/Q samples, each product as separate multiplies and adds in the order written in
/// nco_rotate_scalar (no fused multiply-add), so every kernel gives bit-identical results.
using NcoRotateFn = void (*)(float* y, const float* tre, const float* tim, size_t n, float pr, float pi);
void nco_rotate_scalar(float* y, const float* tre, const float* tim, size_t n, float pr, float pi);
void nco_rotate_avx2(float* y, const float* tre, const float* tim, size_t n, float pr, float pi);
NcoRotateFn select_nco_rotate(SimdLevel cap = SimdLevel::avx512);

class Nco {
 public:
  /// `block` is the table length used by mix(); frequencies are in cycles per sample.
  explicit Nco(size_t block = 256, SimdLevel simd_cap = SimdLevel::avx512);

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
  NcoRotateFn rotate_;
  double freq_ = 0.0;
  double phase_ = 0.0;
  // mix_down_scaled's block phasor exp(j 2 pi phase_), advanced by multiplying with
  // exp(j 2 pi f n) (n = the last block length) instead of a cos and a sin per block; rebuilt
  // from phase_ whenever the phase or frequency is set.
  bool ph_valid_ = false;
  double ph_re_ = 1.0, ph_im_ = 0.0;
  size_t step_n_ = 0;
  double step_re_ = 1.0, step_im_ = 0.0;
  std::vector<float> table_re_, table_im_;  // exp(j 2 pi f i), i < block_
};

}  // namespace groundlink::dsp
