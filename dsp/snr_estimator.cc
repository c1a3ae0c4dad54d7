#include "dsp/snr_estimator.h"

#include <algorithm>
#include <cmath>

namespace groundlink::dsp {

M2M4Estimator::M2M4Estimator(double alpha) : alpha_(alpha), warmup_(static_cast<uint32_t>(1.0 / alpha)) {
  for (size_t i = 0; i < kBlock; ++i) w_[i] = alpha * std::pow(1.0 - alpha, static_cast<double>(kBlock - 1 - i));
  decay_ = std::pow(1.0 - alpha, static_cast<double>(kBlock));
}

void M2M4Estimator::update_block(const float* p, size_t n) {
  if (n != kBlock || count_ < warmup_) {
    for (size_t i = 0; i < n; ++i) update_power(p[i]);
    return;
  }
  // Four independent lanes per moment: the weighted sums vectorise.
  double a2[4] = {}, a4[4] = {};
  for (size_t i = 0; i < kBlock; i += 4) {
    for (size_t l = 0; l < 4; ++l) {
      const double v = p[i + l];
      a2[l] += w_[i + l] * v;
      a4[l] += w_[i + l] * (v * v);
    }
  }
  m2_ = decay_ * m2_ + ((a2[0] + a2[1]) + (a2[2] + a2[3]));
  m4_ = decay_ * m4_ + ((a4[0] + a4[1]) + (a4[2] + a4[3]));
}

double M2M4Estimator::signal() const {
  const double m2 = moment2(), m4 = moment4();
  const double d = 2.0 * m2 * m2 - m4;
  return d > 0.0 ? std::min(std::sqrt(d), m2) : 0.0;
}

double M2M4Estimator::esn0() const {
  const double s = signal();
  const double n = moment2() - s;
  if (s <= 0.0) return 1e-3;
  if (n <= s * 1e-6) return 1e6;
  return std::clamp(s / n, 1e-3, 1e6);
}

}  // namespace groundlink::dsp
