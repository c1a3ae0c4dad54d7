#include "framing/asm_correlator.h"

#include <stdexcept>
#include <string>

namespace groundlink::framing {

void AsmConfig::validate() const {
  if (length_bits < 8 || length_bits > 64)
    throw std::invalid_argument("asm.length_bits must be in 8..64, got " + std::to_string(length_bits));
  if (length_bits < 64 && (marker >> length_bits) != 0)
    throw std::invalid_argument("asm.marker has bits above asm.length_bits (" +
                                std::to_string(length_bits) + ")");
}

AsmCorrelator::AsmCorrelator(const AsmConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  mask_ = cfg_.length_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << cfg_.length_bits) - 1;
  marker_ = cfg_.marker & mask_;
  for (int i = 0; i < cfg_.length_bits; ++i)
    sign_[i] = (marker_ >> (cfg_.length_bits - 1 - i) & 1) ? 1 : -1;
}

int AsmCorrelator::correlate(const dsp::soft_t* s) const {
  int acc = 0;
  for (int i = 0; i < cfg_.length_bits; ++i) acc += s[i] * sign_[i];
  return acc;
}

int AsmCorrelator::bit_errors(const dsp::soft_t* s, bool inverted) const {
  uint64_t w = 0;
  for (int i = 0; i < cfg_.length_bits; ++i) w = w << 1 | (s[i] > 0 ? 1u : 0u);
  return word_errors(w, inverted);
}

AsmMatch AsmCorrelator::match(const dsp::soft_t* s) const {
  AsmMatch m;
  m.correlation = correlate(s);
  m.inverted = m.correlation < 0;
  m.errors = bit_errors(s, m.inverted);
  return m;
}

}  // namespace groundlink::framing
