#include "dsp/psk_modulator.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "dsp/rrc.h"

namespace groundlink::dsp {

unsigned bits_per_symbol(PskModulation m) { return m == PskModulation::bpsk ? 1 : 2; }

const char* to_string(PskModulation m) {
  switch (m) {
    case PskModulation::bpsk: return "bpsk";
    case PskModulation::qpsk: return "qpsk";
    default: return "oqpsk";
  }
}

void PskModulatorConfig::validate() const {
  if (samples_per_symbol < 2 || samples_per_symbol > 8)
    throw std::invalid_argument("PskModulatorConfig.samples_per_symbol must be in [2, 8]");
  if (modulation == PskModulation::oqpsk && samples_per_symbol % 2 != 0)
    throw std::invalid_argument("PskModulatorConfig.samples_per_symbol must be even for OQPSK");
  if (!(rolloff > 0.0 && rolloff <= 1.0))
    throw std::invalid_argument("PskModulatorConfig.rolloff must be in (0, 1]");
  if (filter_span_symbols < 2 || filter_span_symbols > 64)
    throw std::invalid_argument("PskModulatorConfig.filter_span_symbols must be in [2, 64]");
}

PskModulator::PskModulator(const PskModulatorConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  const unsigned sps = cfg_.samples_per_symbol;
  taps_ = rrc_taps(sps, cfg_.rolloff, cfg_.filter_span_symbols);
  const float g = std::sqrt(static_cast<float>(sps));
  for (float& t : taps_) t *= g;
  // Pad to a whole number of symbols so output sample p of symbol k sums taps p + j*sps.
  span_ = static_cast<unsigned>((taps_.size() + sps - 1) / sps);
  taps_.resize(span_ * sps, 0.0f);
  hist_i_.assign(span_, 0.0f);
  hist_q_.assign(span_, 0.0f);
  q_delay_.assign(sps / 2 > 0 ? sps / 2 : 1, 0.0f);
}

void PskModulator::reset() {
  std::fill(hist_i_.begin(), hist_i_.end(), 0.0f);
  std::fill(hist_q_.begin(), hist_q_.end(), 0.0f);
  std::fill(q_delay_.begin(), q_delay_.end(), 0.0f);
  q_delay_pos_ = 0;
  pending_bit_ = -1;
}

void PskModulator::push_symbol(float si, float sq, std::vector<std::complex<float>>& out) {
  const unsigned sps = cfg_.samples_per_symbol;
  for (unsigned j = span_ - 1; j > 0; --j) {
    hist_i_[j] = hist_i_[j - 1];
    hist_q_[j] = hist_q_[j - 1];
  }
  hist_i_[0] = si;
  hist_q_[0] = sq;
  const bool oqpsk = cfg_.modulation == PskModulation::oqpsk;
  for (unsigned p = 0; p < sps; ++p) {
    float yi = 0.0f, yq = 0.0f;
    for (unsigned j = 0; j < span_; ++j) {
      const float h = taps_[p + j * sps];
      yi += hist_i_[j] * h;
      yq += hist_q_[j] * h;
    }
    if (oqpsk) {
      // CCSDS 401.0-B §2.4.9: OQPSK delays the Q channel by half a symbol.
      const float delayed = q_delay_[q_delay_pos_];
      q_delay_[q_delay_pos_] = yq;
      q_delay_pos_ = (q_delay_pos_ + 1) % q_delay_.size();
      yq = delayed;
    }
    out.emplace_back(yi, yq);
  }
}

void PskModulator::modulate_bits(const uint8_t* bits, size_t nbits,
                                 std::vector<std::complex<float>>& out) {
  out.reserve(out.size() + nbits * cfg_.samples_per_symbol);
  if (cfg_.modulation == PskModulation::bpsk) {
    for (size_t i = 0; i < nbits; ++i) push_symbol(bits[i] ? 1.0f : -1.0f, 0.0f, out);
    return;
  }
  const float a = 1.0f / std::sqrt(2.0f);
  for (size_t i = 0; i < nbits; ++i) {
    if (pending_bit_ < 0) {
      pending_bit_ = bits[i] ? 1 : 0;
      continue;
    }
    push_symbol(pending_bit_ ? a : -a, bits[i] ? a : -a, out);
    pending_bit_ = -1;
  }
}

void PskModulator::modulate_soft(const soft_t* soft, size_t n,
                                 std::vector<std::complex<float>>& out) {
  uint8_t chunk[256];
  for (size_t base = 0; base < n; base += sizeof chunk) {
    const size_t m = std::min(sizeof chunk, n - base);
    for (size_t i = 0; i < m; ++i) chunk[i] = hard_bit(soft[base + i]);
    modulate_bits(chunk, m, out);
  }
}

void PskModulator::flush(std::vector<std::complex<float>>& out) {
  for (unsigned j = 0; j < span_ + 1; ++j) push_symbol(0.0f, 0.0f, out);
}

}  // namespace groundlink::dsp
