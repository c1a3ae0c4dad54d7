#include "dsp/nco.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace groundlink::dsp {

namespace {
constexpr double kTwoPi = 6.283185307179586476925;
}

Nco::Nco(size_t block, SimdLevel simd_cap) : block_(block), rotate_(select_nco_rotate(simd_cap)) {
  if (block == 0) throw std::invalid_argument("Nco: block must be >= 1");
  table_re_.resize(block_);
  table_im_.resize(block_);
  rebuild_table();
}

void Nco::reset(double phase_cycles) {
  phase_ = phase_cycles - std::floor(phase_cycles);
  ph_valid_ = false;
}

void Nco::set_frequency(double f) {
  if (!std::isfinite(f)) return;
  if (f == freq_) return;
  freq_ = f;
  ph_valid_ = false;
  step_n_ = 0;
  rebuild_table();
}

void Nco::adjust_phase(double cycles) {
  phase_ += cycles;
  phase_ -= std::floor(phase_);
  ph_valid_ = false;
}

void Nco::rebuild_table() {
  // Recurrence in double (error ~1e-14 after a few thousand steps) instead of a sin/cos per
  // entry, so frequent frequency updates (Doppler ramps, loop hand-over) stay cheap.
  const double wr = std::cos(kTwoPi * freq_), wi = std::sin(kTwoPi * freq_);
  double cr = 1.0, ci = 0.0;
  for (size_t i = 0; i < block_; ++i) {
    table_re_[i] = static_cast<float>(cr);
    table_im_[i] = static_cast<float>(ci);
    const double nr = cr * wr - ci * wi;
    ci = cr * wi + ci * wr;
    cr = nr;
  }
}

void Nco::mix(const std::complex<float>* in, std::complex<float>* out, size_t n, int sign) {
  const float s = sign < 0 ? -1.0f : 1.0f;
  const float* x = reinterpret_cast<const float*>(in);
  float* y = reinterpret_cast<float*>(out);
  for (size_t base = 0; base < n; base += block_) {
    const size_t m = std::min(block_, n - base);
    const float pr = static_cast<float>(std::cos(kTwoPi * phase_));
    const float pi = static_cast<float>(std::sin(kTwoPi * phase_));
    const float* xr = x + 2 * base;
    float* yr = y + 2 * base;
    for (size_t i = 0; i < m; ++i) {
      // rotator = (pr + j pi) * table[i], conjugated when mixing down.
      const float rr = pr * table_re_[i] - pi * table_im_[i];
      const float ri = s * (pr * table_im_[i] + pi * table_re_[i]);
      const float a = xr[2 * i], b = xr[2 * i + 1];
      yr[2 * i] = a * rr - b * ri;
      yr[2 * i + 1] = a * ri + b * rr;
    }
    phase_ += freq_ * static_cast<double>(m);
    phase_ -= std::floor(phase_);
  }
}

void nco_rotate_scalar(float* y, const float* tre, const float* tim, size_t n, float pr, float pi) {
  for (size_t i = 0; i < n; ++i) {
    const float rr = pr * tre[i] - pi * tim[i];
    const float ri = -(pr * tim[i] + pi * tre[i]);
    const float a = y[2 * i], b = y[2 * i + 1];
    y[2 * i] = a * rr - b * ri;
    y[2 * i + 1] = b * rr + a * ri;
  }
}

NcoRotateFn select_nco_rotate(SimdLevel cap) {
  const int level = static_cast<int>(usable_simd_level(cap));
  return level >= static_cast<int>(SimdLevel::avx2) ? nco_rotate_avx2 : nco_rotate_scalar;
}

void Nco::mix_down_scaled(std::complex<float>* x, size_t n, float gain) {
  n = std::min(n, block_);
  if (!ph_valid_) {
    ph_re_ = std::cos(kTwoPi * phase_);
    ph_im_ = std::sin(kTwoPi * phase_);
    ph_valid_ = true;
  }
  if (n != step_n_) {
    step_re_ = std::cos(kTwoPi * freq_ * static_cast<double>(n));
    step_im_ = std::sin(kTwoPi * freq_ * static_cast<double>(n));
    step_n_ = n;
  }
  rotate_(reinterpret_cast<float*>(x), table_re_.data(), table_im_.data(), n,
          gain * static_cast<float>(ph_re_), gain * static_cast<float>(ph_im_));
  phase_ += freq_ * static_cast<double>(n);
  phase_ -= std::floor(phase_);
  // Next block's phasor; renormalised (double rounding only, ~1e-16 per block).
  const double nr = ph_re_ * step_re_ - ph_im_ * step_im_;
  const double ni = ph_re_ * step_im_ + ph_im_ * step_re_;
  const double fix = 1.5 - 0.5 * (nr * nr + ni * ni);
  ph_re_ = nr * fix;
  ph_im_ = ni * fix;
}

}  // namespace groundlink::dsp
