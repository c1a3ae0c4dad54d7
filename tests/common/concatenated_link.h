// The CCSDS recommended concatenated link of the sensitivity tests and the IQ benchmarks:
// conv r=1/2 (G2 inverted) + RS(255,223) I=5 (dual basis) + randomizer, 1115-byte TM frames
// with FECF (the ccsds-concatenated profile).
#pragma once

#include <cstddef>
#include <cstdint>

#include "framing/phase_ambiguity.h"
#include "framing/transmitter.h"

namespace groundlink::test {

inline constexpr size_t kConcatFrameLength = 1115;

/// The receive side of that link; iq_pairs for QPSK/OQPSK soft pairs.
inline framing::AmbiguityResolverConfig concatenated_decoder_config(bool iq_pairs) {
  framing::AmbiguityResolverConfig rc;
  rc.iq_pairs = iq_pairs;
  auto& c = rc.chain;
  c.coding = framing::ChannelCoding::conv;
  c.frame.format = framing::FrameFormat::tm;
  c.frame.frame_length = kConcatFrameLength;
  c.frame.derandomize = true;
  c.frame.fecf = true;
  dsp::RsConfig rs;
  rs.interleave = 5;
  c.frame.rs = rs;
  return rc;
}

/// The transmit side: random TM frames of that length (seeded) and their coding.
inline framing::FrameGeneratorConfig concatenated_generator_config(uint64_t seed) {
  framing::FrameGeneratorConfig gc;
  gc.length = kConcatFrameLength;
  gc.seed = seed;
  return gc;
}
inline framing::CaduEncoderConfig concatenated_encoder_config() {
  framing::CaduEncoderConfig ec;
  dsp::RsConfig rs;
  rs.interleave = 5;
  ec.rs = rs;
  ec.conv = dsp::ConvCodeConfig{};
  return ec;
}

}  // namespace groundlink::test
