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
  if (!(rate_ratio >= 0.25 && rate_ratio <= 16.0))
    throw std::invalid_argument("ChannelConfig.rate_ratio must be in [0.25, 16]");
  if (!(samples_per_symbol * rate_ratio >= 1.5))
    throw std::invalid_argument("ChannelConfig.rate_ratio: the output must keep >= 1.5 samples per symbol");
}

double ChannelConfig::noise_variance() const {
  if (!std::isfinite(ebn0_db)) return 0.0;
  const double esn0 = std::pow(10.0, ebn0_db / 10.0) * bits_per_symbol * code_rate;
  return signal_power * samples_per_symbol * rate_ratio / esn0;
}

Channel::Channel(const ChannelConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  // Kaiser-windowed sinc (beta 7, ~70 dB), phase p delays by p / kPhases samples; tap k
  // multiplies input sample i - (kTaps/2 - 1) + k for output time i + mu.
  interp_.assign((kPhases + 1) * kTaps, 0.0f);
  auto bessel_i0 = [](double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 30; ++k) {
      term *= (x / (2.0 * k)) * (x / (2.0 * k));
      sum += term;
    }
    return sum;
  };
  const double beta = 7.0, half = kTaps / 2.0;
  for (size_t p = 0; p <= kPhases; ++p) {
    const double mu = static_cast<double>(p) / kPhases;
    double sum = 0.0;
    for (size_t k = 0; k < kTaps; ++k) {
      const double t = static_cast<double>(k) - (kTaps / 2.0 - 1.0) - mu;  // sample - time
      const double sinc = std::fabs(t) < 1e-12 ? 1.0 : std::sin(M_PI * t) / (M_PI * t);
      const double r = t / half;
      const double w = std::fabs(r) < 1.0 ? bessel_i0(beta * std::sqrt(1.0 - r * r)) / bessel_i0(beta) : 0.0;
      interp_[p * kTaps + k] = static_cast<float>(sinc * w);
      sum += sinc * w;
    }
    for (size_t k = 0; k < kTaps; ++k) interp_[p * kTaps + k] /= static_cast<float>(sum);  // unit DC gain
  }
  reset();
}

void Channel::reset() {
  rng_.seed(cfg_.seed);
  gauss_.reset();
  noise_std_ = std::sqrt(cfg_.noise_variance() / 2.0);
  hist_.clear();
  // Zeros in front so the interpolator has its left half from the start.
  hist_.assign(kTaps / 2 - 1, {0.0f, 0.0f});
  t_ = static_cast<double>(kTaps / 2 - 1) + cfg_.timing_offset;
  // A receiver clock fast by ppm takes samples closer together in transmitter time.
  step_ = 1.0 / (cfg_.rate_ratio * (1.0 + cfg_.clock_ppm * 1e-6));
  freq_ = cfg_.freq_offset;
  phase_ = cfg_.phase_offset / kTwoPi;
  pn_ = 0.0;
}

void Channel::process(const std::complex<float>* in, size_t n,
                      std::vector<std::complex<float>>& out) {
  hist_.insert(hist_.end(), in, in + n);
  const double last = static_cast<double>(hist_.size()) - static_cast<double>(kTaps / 2 + 1);
  while (t_ < last) {
    const size_t i = static_cast<size_t>(t_);
    const double mu = t_ - static_cast<double>(i);
    // Windowed-sinc fractional delay (polyphase table, nearest of kPhases phases): flat to
    // 0.4 fs, so even a 2 samples/symbol signal is delayed without distortion.
    const size_t ph_idx = std::min<size_t>(static_cast<size_t>(mu * kPhases + 0.5), kPhases);
    const float* h = interp_.data() + ph_idx * kTaps;
    const std::complex<float>* xs = hist_.data() + i - (kTaps / 2 - 1);
    float acc_r = 0.0f, acc_i = 0.0f;
    for (size_t k = 0; k < kTaps; ++k) {
      acc_r += h[k] * xs[k].real();
      acc_i += h[k] * xs[k].imag();
    }
    const std::complex<double> x(acc_r, acc_i);
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
  // Drop consumed input, keeping the interpolator's left half.
  const size_t keep_from = static_cast<size_t>(t_) - (kTaps / 2 - 1);
  if (keep_from > 0) {
    hist_.erase(hist_.begin(), hist_.begin() + static_cast<std::ptrdiff_t>(keep_from));
    t_ -= static_cast<double>(keep_from);
  }
}

}  // namespace groundlink::dsp
