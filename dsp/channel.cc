#include "dsp/channel.h"

#include <cmath>
#include <stdexcept>

namespace groundlink::dsp {

namespace {
constexpr double kTwoPi = 6.283185307179586476925;
}

void ChannelConfig::validate() const {
  if (!(samples_per_symbol > 0.0))
    throw std::invalid_argument("ChannelConfig.samples_per_symbol must be > 0");
  if (!(bits_per_symbol > 0.0))
    throw std::invalid_argument("ChannelConfig.bits_per_symbol must be > 0");
  if (!(code_rate > 0.0 && code_rate <= 1.0))
    throw std::invalid_argument("ChannelConfig.code_rate must be in (0, 1]");
  if (!(signal_power > 0.0)) throw std::invalid_argument("ChannelConfig.signal_power must be > 0");
  if (!(std::fabs(freq_offset) < 0.5))
    throw std::invalid_argument("ChannelConfig.freq_offset must be in (-0.5, 0.5) cycles/sample");
  if (!(std::fabs(doppler_rate) < 1e-3))
    throw std::invalid_argument("ChannelConfig.doppler_rate must be in (-1e-3, 1e-3)");
  if (!(phase_noise_std >= 0.0 && phase_noise_std < 1.0))
    throw std::invalid_argument("ChannelConfig.phase_noise_std must be in [0, 1) rad");
  if (!(timing_offset >= 0.0 && timing_offset < 64.0))
    throw std::invalid_argument("ChannelConfig.timing_offset must be in [0, 64) samples");
  if (!(std::fabs(clock_ppm) < 1e4))
    throw std::invalid_argument("ChannelConfig.clock_ppm must be in (-1e4, 1e4)");
}

double ChannelConfig::noise_variance() const {
  if (!std::isfinite(ebn0_db)) return 0.0;
  const double esn0 = std::pow(10.0, ebn0_db / 10.0) * bits_per_symbol * code_rate;
  return signal_power * samples_per_symbol / esn0;
}

Channel::Channel(const ChannelConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  reset();
}

void Channel::reset() {
  rng_.seed(cfg_.seed);
  gauss_.reset();
  noise_std_ = std::sqrt(cfg_.noise_variance() / 2.0);
  hist_.clear();
  // Four zero samples in front so the cubic interpolator has its left neighbour from the start.
  hist_.assign(1, {0.0f, 0.0f});
  t_ = 1.0 + cfg_.timing_offset;
  // A receiver clock fast by ppm takes samples closer together in transmitter time.
  step_ = 1.0 / (1.0 + cfg_.clock_ppm * 1e-6);
  freq_ = cfg_.freq_offset;
  phase_ = cfg_.phase_offset / kTwoPi;
  pn_ = 0.0;
}

void Channel::process(const std::complex<float>* in, size_t n,
                      std::vector<std::complex<float>>& out) {
  hist_.insert(hist_.end(), in, in + n);
  const double last = static_cast<double>(hist_.size()) - 3.0;
  while (t_ < last) {
    const size_t i = static_cast<size_t>(t_);
    const double mu = t_ - static_cast<double>(i);
    // Cubic Lagrange interpolation through samples i-1, i, i+1, i+2 (Farrow structure).
    const double c0 = -mu * (mu - 1.0) * (mu - 2.0) / 6.0;
    const double c1 = (mu + 1.0) * (mu - 1.0) * (mu - 2.0) / 2.0;
    const double c2 = -(mu + 1.0) * mu * (mu - 2.0) / 2.0;
    const double c3 = (mu + 1.0) * mu * (mu - 1.0) / 6.0;
    const std::complex<double> x =
        c0 * std::complex<double>(hist_[i - 1]) + c1 * std::complex<double>(hist_[i]) +
        c2 * std::complex<double>(hist_[i + 1]) + c3 * std::complex<double>(hist_[i + 2]);
    const double ph = kTwoPi * phase_ + pn_;
    std::complex<double> y = x * std::complex<double>(std::cos(ph), std::sin(ph));
    if (noise_std_ > 0.0) y += std::complex<double>(noise_std_ * gauss_(rng_), noise_std_ * gauss_(rng_));
    out.emplace_back(static_cast<float>(y.real()), static_cast<float>(y.imag()));
    phase_ += freq_;
    phase_ -= std::floor(phase_);
    freq_ += cfg_.doppler_rate;
    if (cfg_.phase_noise_std > 0.0) pn_ += cfg_.phase_noise_std * gauss_(rng_);
    t_ += step_;
  }
  // Drop consumed input, keeping the interpolator's left neighbour.
  const size_t keep_from = static_cast<size_t>(t_) - 1;
  if (keep_from > 0) {
    hist_.erase(hist_.begin(), hist_.begin() + static_cast<std::ptrdiff_t>(keep_from));
    t_ -= static_cast<double>(keep_from);
  }
}

}  // namespace groundlink::dsp
