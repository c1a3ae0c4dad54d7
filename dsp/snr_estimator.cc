#include "dsp/snr_estimator.h"

#include <algorithm>
#include <cmath>

namespace groundlink::dsp {

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
