// CADU body -> checked transfer frame (CCSDS 131.0-B-4 §9-10, 132.0-B-3 TM, 732.0-B-4 AOS):
// derandomize, Reed-Solomon decode, primary header parse, FECF check, OCF extraction, virtual
// channel demultiplexing with frame-count continuity, and the SLE frame quality.
//
// Frame quality (CCSDS 911.1-B §3.6.2.2 "good" = passed the checks the service is configured for):
// good when RS decoded (or no RS), FECF correct (or none) AND the primary header is valid for the
// configured format (TFVN, SCID when configured, TM data field status consistency). The header
// test matters: the 255-byte randomizer sequence is itself an RS(255,223) codeword, so a block
// read at a false sync position (idle zeros on the channel) passes RS with 0 corrections; an
// RS success alone never makes a frame good. With format unknown and neither RS nor FECF nothing
// is checked and the quality is "undetermined".
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "dsp/reed_solomon.h"
#include "framing/frame.h"

namespace groundlink::framing {

struct TransferFrameConfig {
  FrameFormat format = FrameFormat::tm;  ///< tm, aos, or unknown (no header parse)
  size_t frame_length = 1115;            ///< transfer frame bytes (with OCF/FECF), 7..65536
  bool derandomize = true;               ///< CCSDS 131.0-B-4 §10 randomizer applied on board
  std::optional<dsp::RsConfig> rs;       ///< RS codeblock; info_len() must equal frame_length
  bool fecf = false;                     ///< last 2 bytes are the CRC-16 FECF
  bool aos_ocf = false;                  ///< AOS: OCF present (managed parameter, 732.0-B §4.1.5)
  bool aos_fhec = false;                 ///< AOS: 2-byte frame header error control present
  size_t aos_insert_zone = 0;            ///< AOS: insert zone bytes
  int scid = -1;                         ///< accept only this spacecraft id (-1: any)
  /// Throws std::invalid_argument naming the field and its allowed range.
  void validate() const;
  /// Bytes after the ASM: the RS codeblock length, or frame_length without RS.
  size_t block_length() const;
};

struct TransferFrameStats {
  uint64_t blocks = 0;
  uint64_t good = 0;
  uint64_t erred = 0;
  uint64_t undetermined = 0;
  uint64_t rs_corrected = 0;     ///< symbols, all frames
  uint64_t rs_failed = 0;        ///< blocks with an uncorrectable codeword
  uint64_t fecf_failed = 0;
  uint64_t header_invalid = 0;
  uint64_t gaps = 0;             ///< VC count discontinuities
  uint64_t frames_missing = 0;   ///< sum of the missing counts
};

class TransferFrameDecoder {
 public:
  explicit TransferFrameDecoder(const TransferFrameConfig& cfg);
  ~TransferFrameDecoder();

  /// Forgets the per-VC continuity and the statistics.
  void reset();
  /// block: block_length() bytes as cut after the ASM (polarity corrected). Fills out (reusing
  /// its data capacity) and returns out.quality == good. Sync annotations (symbol index, ASM
  /// errors, inversion) are the caller's.
  bool decode(const uint8_t* block, size_t n, Frame& out);

  const TransferFrameConfig& config() const { return cfg_; }
  const TransferFrameStats& stats() const { return stats_; }
  size_t block_length() const { return block_len_; }

 private:
  bool parse_tm(Frame& f) const;
  bool parse_aos(Frame& f) const;
  void continuity(Frame& f);

  TransferFrameConfig cfg_;
  size_t block_len_;
  std::unique_ptr<dsp::ReedSolomon> rs_;
  std::vector<uint8_t> work_;
  std::unordered_map<uint32_t, uint32_t> last_count_;  ///< GVCID key -> last VC count
  TransferFrameStats stats_;
};

}  // namespace groundlink::framing
