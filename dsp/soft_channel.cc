#include "dsp/soft_channel.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace groundlink::dsp {

SoftAwgnChannel::SoftAwgnChannel(const SoftChannelConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {
  if (!(cfg.ebn0_db >= -10.0 && cfg.ebn0_db <= 60.0))
    throw std::invalid_argument("ebn0_db " + std::to_string(cfg.ebn0_db) + ": allowed -10..60");
  if (!(cfg.info_bits_per_symbol > 0.0 && cfg.info_bits_per_symbol <= 1.0))
    throw std::invalid_argument("info_bits_per_symbol: allowed (0, 1]");
  const double esn0 = cfg.info_bits_per_symbol * std::pow(10.0, cfg.ebn0_db / 10.0);
  sigma_ = std::sqrt(1.0 / (2.0 * esn0));
  scale_ = 127.0 / (1.0 + 3.0 * sigma_);
}

void SoftAwgnChannel::process(const uint8_t* symbols, size_t n, soft_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const double y = (symbols[i] ? 1.0 : -1.0) + sigma_ * gauss_(rng_);
    const double q = std::clamp(std::nearbyint(y * scale_), -127.0, 127.0);
    out[i] = static_cast<soft_t>(q);
  }
}

}  // namespace groundlink::dsp
