// Transmit side of the link, for the test bench, the demo and the tests: transfer frames with
// valid headers and FECF, and their CCSDS channel coding (ASM, RS, randomizer, convolutional).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "dsp/reed_solomon.h"
#include "dsp/viterbi.h"
#include "framing/frame.h"

namespace groundlink::framing {

struct FrameGeneratorConfig {
  FrameFormat format = FrameFormat::tm;
  size_t length = 1115;     ///< transfer frame bytes, FECF included
  uint16_t scid = 0x2A;     ///< 10 bits TM, 8 bits AOS
  uint8_t vcid = 1;         ///< 3 bits TM, 6 bits AOS
  bool fecf = true;         ///< CRC-16 frame error control field (132.0-B-3 §4.1.6)
  bool ocf = false;         ///< TM: operational control field (a CLCW) before the FECF
  uint64_t seed = 1;        ///< data field content
};

/// Produces a stream of TM (132.0-B-3 §4.1) or AOS (732.0-B-4 §4.1) transfer frames with
/// counting MC/VC frame counts, pseudo-random data and a valid FECF.
class FrameGenerator {
 public:
  explicit FrameGenerator(const FrameGeneratorConfig& cfg);
  /// Writes the next frame (config().length bytes) into out.
  void next(uint8_t* out);
  std::vector<uint8_t> next();
  const FrameGeneratorConfig& config() const { return cfg_; }

 private:
  FrameGeneratorConfig cfg_;
  uint32_t count_ = 0;
  std::mt19937_64 rng_;
};

struct CaduEncoderConfig {
  uint64_t asm_marker = 0x1ACFFC1D;
  int asm_bits = 32;
  bool randomizer = true;
  std::optional<dsp::RsConfig> rs;               ///< outer code, none when empty
  std::optional<dsp::ConvCodeConfig> conv;       ///< inner code, none when empty
};

/// Frame -> CADU (ASM + [RS codeblock], randomized after the ASM per 131.0-B-4 §10.4.1) ->
/// channel symbols (one 0/1 per byte): the CADU bits, convolutionally encoded when configured.
/// The convolutional encoder runs continuously across frames, as on a real downlink.
class CaduEncoder {
 public:
  explicit CaduEncoder(const CaduEncoderConfig& cfg);
  /// Bytes of transfer frame one CADU carries (RS info length, or any length without RS).
  std::optional<size_t> frame_length() const;
  size_t cadu_bytes(size_t frame_len) const;
  /// Appends the channel symbols of one frame to out.
  void encode(const uint8_t* frame, size_t len, std::vector<uint8_t>& out);
  /// Appends the encoder's tail (6 zero bits through the convolutional code) at end of pass.
  void finish(std::vector<uint8_t>& out);
  /// The CADU bytes of the last encode() (ASM + randomized codeblock), before the inner code.
  const std::vector<uint8_t>& last_cadu() const { return cadu_; }
  const CaduEncoderConfig& config() const { return cfg_; }

 private:
  CaduEncoderConfig cfg_;
  std::unique_ptr<dsp::ReedSolomon> rs_;
  std::unique_ptr<dsp::ConvEncoder> conv_;
  std::vector<uint8_t> cadu_, bits_, symbols_;
};

}  // namespace groundlink::framing
