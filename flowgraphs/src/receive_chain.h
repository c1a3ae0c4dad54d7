// The receive chain as a GNU Radio top_block, built from a mission profile: one construction
// shared by `decode` (recordings) and `run` (the station: SDR or file source), so that both give
// the same frames with the same Earth-receive times (DESIGN.md "Time").
//
//   IQ:    source -> [skip] -> [throttle] -> [rotator, gain] -> [front_end resample] -> psk_demod -> frame_decoder
//   soft:  soft_file_source -> [throttle] -> frame_decoder
#pragma once

#include <gnuradio/blocks/multiply_const.h>
#include <gnuradio/blocks/rotator_cc.h>
#include <gnuradio/blocks/throttle.h>
#include <gnuradio/top_block.h>
#include <groundlink/frame_decoder.h>
#include <groundlink/hardware_time.h>
#include <groundlink/front_end.h>
#include <groundlink/iq_file_source.h>
#include <groundlink/psk_demod.h>
#include <groundlink/soft_file_source.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framing/frame.h"
#include "profile.h"

namespace groundlink::app {

struct ChainInput {
  enum class Kind { iq_file, soft_file, block };
  Kind kind = Kind::iq_file;
  std::string path;            ///< iq_file / soft_file
  std::string format;          ///< cf32 | cs16 | cs8 (iq_file); softf32 | softi8 | bits (soft_file)
  float scale = 0;             ///< softf32 scale (0: from the signal level)
  gr::basic_block_sptr block;  ///< Kind::block: a complex-float source (an SDR) at sample_rate
  double sample_rate = 0;      ///< IQ samples per second (iq_file, block)
  uint64_t skip_samples = 0;   ///< iq_file: start this many samples into the recording
  bool realtime = false;       ///< file inputs: pace at the sample (soft: channel bit) rate
  /// Insert a digital frequency shift and gain stage (the station's tuning of a file source;
  /// an SDR tunes in hardware and gets none).
  bool digital_tuning = false;
  double freq_shift_hz = 0;
  double gain_db = 0;
  /// Doppler pre-compensation in the front-end (IQ inputs): a polynomial f(t) = c0 + c1 t + ...
  /// or a prediction table of (t, Hz), t in seconds from the pass start (the recording's first
  /// sample, before skip_samples). At most one of the two.
  std::vector<double> doppler_poly_hz;
  std::vector<std::pair<double, double>> doppler_table;
  /// iq_file: (recording sample, UTC) of the recording's capture segments (SigMF captures):
  /// frames after a gap take their time from the segment they are in.
  std::vector<std::pair<uint64_t, framing::Timestamp>> time_points;
};

/// Live figures of a running chain (read from any thread).
struct ChainStatus {
  uint64_t samples_read = 0, samples_total = 0;  ///< file inputs (soft: soft symbols decoded / in file)
  bool carrier_lock = false;
  double ebn0_db = 0, freq_offset_hz = 0;
  uint64_t demod_joins = 0, demod_failed_joins = 0;  ///< segment-parallel demodulator (threads > 1)
  gr::groundlink::frame_decoder_counters decoder;
  bool finished = false;  ///< the end of the input went through the decoder (file inputs)
  uint64_t hardware_time_tags = 0;  ///< SDR input: rx_time tags seen (0: ERT from the system clock)
};

class ReceiveChain {
 public:
  using FrameHandler = std::function<void(const framing::Frame&)>;

  /// Builds the flowgraph. `start` is the time of the input's first sample (of the recording:
  /// `skip_samples` are accounted for here). Throws UsageError for a profile/rate combination
  /// that cannot be built, std::exception from the blocks (file missing, bad format).
  ReceiveChain(const Profile& profile, const ChainInput& input, framing::Timestamp start, FrameHandler on_frame);
  ~ReceiveChain();
  ReceiveChain(const ReceiveChain&) = delete;
  ReceiveChain& operator=(const ReceiveChain&) = delete;

  void start();
  /// Asks the flowgraph to stop and waits for it (idempotent).
  void stop();
  /// Waits for the end of a file input (the flowgraph finishing by itself).
  void wait();
  bool running() const { return started_ && !stopped_; }

  /// Digital tuning (only with ChainInput::digital_tuning).
  void set_freq_shift(double hz);
  void set_gain_db(double db);

  ChainStatus status() const;
  bool is_iq() const { return input_.kind != ChainInput::Kind::soft_file; }
  const ChainInput& input() const { return input_; }
  gr::groundlink::iq_file_source::sptr iq_source() const { return iq_; }
  gr::groundlink::soft_file_source::sptr soft_source() const { return soft_; }
  gr::groundlink::psk_demod::sptr demod() const { return demod_; }
  gr::groundlink::frame_decoder::sptr decoder() const { return dec_; }

 private:
  Profile profile_;
  ChainInput input_;
  gr::top_block_sptr tb_;
  gr::groundlink::iq_file_source::sptr iq_;
  gr::groundlink::soft_file_source::sptr soft_;
  gr::blocks::rotator_cc::sptr rotator_;
  gr::blocks::multiply_const_cc::sptr gain_;
  gr::groundlink::sample_clock::sptr clock_;          ///< SDR input: rx_time points
  gr::groundlink::hardware_time_probe::sptr probe_;
  gr::groundlink::psk_demod::sptr demod_;
  gr::groundlink::frame_decoder::sptr dec_;
  bool started_ = false, stopped_ = false;
};

}  // namespace groundlink::app
