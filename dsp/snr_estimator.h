// Moment-based (M2M4) Es/N0 estimator for constant-modulus symbols in complex Gaussian noise
// (Pauluzzi & Beaulieu, IEEE Trans. Commun. 48(10), 2000): S = sqrt(2 M2^2 - M4), N = M2 - S.
// Needs no decisions or carrier lock, so it stays unbiased at low SNR where decision-directed
// estimators read high.
#pragma once

#include <complex>

namespace groundlink::dsp {

class M2M4Estimator {
 public:
  /// `alpha`: exponential averaging weight per symbol, (0, 1].
  explicit M2M4Estimator(double alpha = 1.0 / 2048.0) : alpha_(alpha) {}
  void reset() { m2_ = m4_ = 0.0; count_ = 0; }
  void update(std::complex<float> z) {
    const double p = static_cast<double>(z.real()) * z.real() + static_cast<double>(z.imag()) * z.imag();
    // Start as a plain mean so the first estimates are not biased toward zero.
    const double a = count_ < 1.0 / alpha_ ? 1.0 / (count_ + 1.0) : alpha_;
    m2_ += a * (p - m2_);
    m4_ += a * (p * p - m4_);
    count_ += 1.0;
  }
  /// Signal power per symbol (same units as |z|^2); 0 before the first update.
  double signal() const;
  double noise() const { return m2_ - signal(); }
  /// Es/N0 as a ratio; capped to [1e-3, 1e6] so callers can take its log.
  double esn0() const;
  double count() const { return count_; }

 private:
  double alpha_;
  double m2_ = 0.0, m4_ = 0.0, count_ = 0.0;
};

}  // namespace groundlink::dsp
