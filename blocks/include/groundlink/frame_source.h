// Test-bench transmitter: transfer frames -> CCSDS channel coding -> PSK modulation.
#pragma once

#include <gnuradio/sync_block.h>
#include <groundlink/api.h>

#include <string>

namespace gr::groundlink {

/// A downlink to synthesize: the frame format and coding chain (the same fields, and the same
/// meaning, as frame_decoder_config, so a bench's source and decoder are set alike), the frame
/// generator's identity and seed, and the modulation.
struct frame_source_config {
  // Frames (framing::FrameGenerator).
  std::string format = "tm";        ///< "tm" or "aos"
  int frame_length = 1115;          ///< bytes, FECF included
  int scid = 0x2A;                  ///< 0..1023 TM, 0..255 AOS
  int vcid = 1;                     ///< 0..7 TM, 0..63 AOS
  bool fecf = true;
  bool ocf = false;
  uint64_t seed = 1;                ///< data field content and idle bits
  // Coding (framing::CaduEncoder).
  std::string conv_rate = "1/2";    ///< "none", "1/2", "2/3", "3/4", "5/6", "7/8"
  bool invert_g2 = true;
  bool randomizer = true;
  int rs_e = 16;                    ///< 0 = no Reed-Solomon, 8 or 16
  int rs_interleave = 5;
  bool rs_dual_basis = true;
  std::string asm_hex = "1ACFFC1D";
  // Modulation (dsp::PskModulator).
  std::string modulation = "qpsk";  ///< bpsk | qpsk | oqpsk
  int samples_per_symbol = 4;       ///< 2..8
  double rolloff = 0.35;
  // Length of the pass.
  int64_t frames = 0;               ///< frames to send, then end of stream; 0 = without end
  int64_t lead_in_symbols = 0;      ///< random idle symbols before the first frame (acquisition)
  int64_t tail_symbols = 256;       ///< random idle symbols after the last frame (loop release)
};

/*!
 * \brief Generates TM/AOS frames (counting frame counts, pseudo-random data, FECF), encodes them
 * as CADUs (ASM, RS, randomizer, convolutional code) and outputs the PSK-modulated complex
 * baseband (mean power 1 per sample). Each frame sent is also published as a PDU on the "frames"
 * message port (metadata: index), the truth a bench compares the receiver's output with.
 * With a finite frame count the last sample carries the end-of-stream tag and the block ends.
 * \ingroup groundlink
 */
class GROUNDLINK_API frame_source : virtual public gr::sync_block {
 public:
  typedef std::shared_ptr<frame_source> sptr;
  static sptr make(const frame_source_config& cfg);
  virtual uint64_t frames_sent() const = 0;
  /// Complex samples per frame once the stream is running (CADU symbols x samples per symbol).
  virtual uint64_t samples_per_frame() const = 0;
};

}  // namespace gr::groundlink
