// Soft symbols -> checked transfer frames (Viterbi, ASM sync, derandomize, RS, TM/AOS checks).
#pragma once

#include <gnuradio/sync_block.h>
#include <groundlink/api.h>
#include <groundlink/hardware_time.h>

#include <functional>
#include <string>

#include "framing/phase_ambiguity.h"
#include "framing/frame.h"

namespace gr::groundlink {

/// The coding chain of a downlink, as the block's parameters (a profile's "coding" and "frame").
struct frame_decoder_config {
  std::string conv_rate = "1/2";  ///< "none", "1/2", "2/3", "3/4", "5/6", "7/8"
  bool invert_g2 = true;
  bool randomizer = true;
  int rs_e = 16;                  ///< 0 = no Reed-Solomon, 8 or 16
  int rs_interleave = 5;
  bool rs_dual_basis = true;
  int rs_virtual_fill = 0;
  std::string format = "tm";      ///< "tm" or "aos"
  int frame_length = 1115;
  std::string asm_hex = "1ACFFC1D";
  bool fecf = true;
  bool ocf = false;
  int scid = -1;                  ///< accept only this spacecraft; -1 = any
  /// Soft symbols come in (I, Q) pairs from a QPSK/OQPSK demodulator: resolve the 90-degree
  /// and I/Q-swap ambiguities too (framing/phase_ambiguity.h).
  bool iq_pairs = false;
  int search_errors = 4, lock_errors = 8, check_frames = 1, flywheel_frames = 4, bit_slip = 1;
  // Earth-receive time (DESIGN.md "Time"): ERT = pass start + time of the frame's last ASM bit.
  int64_t start_seconds = 0;       ///< pass start, UTC seconds since 1970
  int64_t start_picoseconds = 0;   ///< and picoseconds within that second
  /// Seconds per input soft symbol, used when no sample-time tags arrive (soft-symbol input).
  double soft_symbol_period = 0;
  /// Seconds per IQ sample: with "gl_sample" tags (value: input sample position of the tagged
  /// soft symbol, from the demodulator) the ERT follows the recovered symbol clock.
  double sample_period = 0;
  double soft_per_sample = 0;      ///< nominal soft symbols per IQ sample between tags
};

/// Tag a demodulator puts on soft symbols: value = position (in IQ samples, double, filter delay
/// removed) of that symbol's centre in the input recording.
inline constexpr const char* kSampleTimeTag = "gl_sample";

struct frame_decoder_counters {
  uint64_t frames_good = 0, frames_bad = 0, frames_undetermined = 0, rs_corrected = 0, gaps = 0, sync_losses = 0;
  uint64_t symbols_in = 0;
};

/// The framing::DecoderChain configuration these parameters describe (validated: throws
/// std::invalid_argument naming the field).
GROUNDLINK_API ::groundlink::framing::DecoderChainConfig to_chain_config(const frame_decoder_config& c);

/*!
 * \brief int8 soft symbols in; transfer frames out as PDUs on the "frames" message port.
 * In a C++ program, set_frame_handler() (called before the flowgraph starts) receives each
 * frame directly on the block's thread as well; it must not block for long. The end-of-stream tag flushes every decoder stage, so no frame stays inside.
 * \ingroup groundlink
 */
class GROUNDLINK_API frame_decoder : virtual public gr::sync_block {
 public:
  typedef std::shared_ptr<frame_decoder> sptr;
  static sptr make(const frame_decoder_config& cfg);
  virtual void set_frame_handler(std::function<void(const ::groundlink::framing::Frame&)> handler) = 0;
  virtual frame_decoder_counters counters() const = 0;
  /// True once the end-of-stream tag was consumed and the chain flushed.
  virtual bool finished() const = 0;
  /// The pass ended without an end-of-stream tag (a stopped SDR flowgraph, a rebuilt chain):
  /// call after the flowgraph has stopped, and the frames still inside the decoder (Viterbi
  /// traceback, a frame in progress, delivered as truncated) come out. Idempotent.
  virtual void end_of_pass() = 0;
  /// Hardware timestamps (hardware_time.h): with points in the clock, a frame's ERT comes from
  /// them and its sample position instead of from the configured pass start. Call before start.
  virtual void set_sample_clock(std::shared_ptr<sample_clock> clock) = 0;
};

}  // namespace gr::groundlink
