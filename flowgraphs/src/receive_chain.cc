#include "receive_chain.h"

#include "dsp/frontend.h"

#include <gnuradio/blocks/skiphead.h>

#include <spdlog/spdlog.h>

#include <cmath>
#include <numeric>

#include "chain_config.h"
#include "cli.h"

namespace groundlink::app {

namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;
}

ReceiveChain::ReceiveChain(const Profile& profile, const ChainInput& input, framing::Timestamp start,
                           FrameHandler on_frame)
    : profile_(profile), input_(input), tb_(gr::make_top_block("groundlink-receive")) {
  auto dcfg = decoder_config(profile);
  const int bits = profile.modulation.bits_per_symbol();
  // One soft value per channel bit: without sample-time tags the ERT of a frame is the pass start
  // plus its soft-symbol index times this period (frame_decoder_config).
  dcfg.soft_symbol_period = 1.0 / (profile.modulation.symbol_rate * bits);
  if (input.kind == ChainInput::Kind::soft_file) {
    dcfg.start_seconds = start.seconds;
    dcfg.start_picoseconds = start.picoseconds;
    soft_ = gr::groundlink::soft_file_source::make(input.path, input.format, input.scale);
    dec_ = gr::groundlink::frame_decoder::make(dcfg);
    gr::basic_block_sptr head = soft_;
    if (input.realtime) {
      auto th = gr::blocks::throttle::make(sizeof(int8_t), profile.modulation.symbol_rate * bits);
      tb_->connect(head, 0, th, 0);
      head = th;
    }
    tb_->connect(head, 0, dec_, 0);
  } else {
    const double fs = input.sample_rate;
    if (!(fs > 0)) throw UsageError("sample rate is required for IQ input (Hz, > 0)");
    const int sps = profile.modulation.samples_per_symbol;
    const double want = profile.modulation.symbol_rate * sps;
    // Rational resampling to the demodulator's rate when the input's rate differs: the exact
    // P/Q when one exists with P, Q <= 1024, else the closest (an SDR's odd rate); up to 50 ppm
    // of difference is a sample-clock offset the timing loop tracks (it allows 5000), and the
    // ERT follows the resampler's exact ratio, so times stay right.
    const double ratio = want / fs;
    long long interp = 0, decim = 1;
    double best = 1e300;
    for (long long q = 1; q <= 1024; ++q) {
      const long long pp = std::llround(ratio * static_cast<double>(q));
      if (pp < 1 || pp > 1024) continue;
      const double err = std::fabs(static_cast<double>(pp) / static_cast<double>(q) / ratio - 1.0);
      if (err < best - 1e-15) {
        best = err;
        interp = pp;
        decim = q;
      }
    }
    if (interp == 0 || best > 50e-6)
      throw UsageError("sample rate " + std::to_string(fs) + " Hz cannot be resampled to " + std::to_string(want) +
                       " Hz (symbol_rate x samples_per_symbol) by a ratio P/Q with P, Q <= 1024 within 50 ppm");
    if (best > 1e-12)
      spdlog::info("resampling {} Hz by {}/{} ({:.2f} ppm from {} Hz; tracked as clock offset)", fs, interp, decim,
                   best * 1e6, want);
    const double rate = fs * static_cast<double>(interp) / static_cast<double>(decim);  // at the demodulator
    // The first sample the chain sees is sample `skip_samples` of the recording.
    const framing::Timestamp t0 = start.plus_ps(static_cast<int64_t>(
        std::llround(static_cast<long double>(input.skip_samples) * 1e12L / static_cast<long double>(fs))));
    dcfg.start_seconds = t0.seconds;
    dcfg.start_picoseconds = t0.picoseconds;
    auto dc = demod_config(profile);
    dc.sample_rate = rate;
    // The demodulator's gl_sample tags count samples of the input (the decoder's ERT base):
    // through the resampler, demodulator position x Q/P minus the resampler's delay.
    dc.sample_tag_scale = static_cast<double>(decim) / static_cast<double>(interp);
    dc.sample_tag_offset =
        (interp != decim) ? -static_cast<double>(::groundlink::dsp::FrontEndConfig{}.resample_semilength) : 0.0;
    demod_ = gr::groundlink::psk_demod::make(dc);
    dcfg.iq_pairs = bits == 2;
    dcfg.sample_period = 1.0 / fs;
    dcfg.soft_per_sample = static_cast<double>(bits) / sps * (rate / fs);
    dec_ = gr::groundlink::frame_decoder::make(dcfg);

    gr::basic_block_sptr head;
    if (input.kind == ChainInput::Kind::iq_file) {
      iq_ = gr::groundlink::iq_file_source::make(input.path, input.format);
      head = iq_;
      if (input.time_points.size() > 1) {
        // Segments of the recording, in the chain's sample count (from skip_samples on).
        clock_ = gr::groundlink::sample_clock::make();
        const uint64_t skip = input.skip_samples;
        for (size_t i = 0; i < input.time_points.size(); ++i) {
          const auto& [at, t] = input.time_points[i];
          const bool last = i + 1 == input.time_points.size();
          if (at >= skip) {
            clock_->add(at - skip, t);
          } else if (last || input.time_points[i + 1].first > skip) {
            clock_->add(0, t.plus_ps(static_cast<int64_t>(
                               std::llround(static_cast<long double>(skip - at) * 1e12L / static_cast<long double>(fs)))));
          }
        }
        dec_->set_sample_clock(clock_);
      }
      if (input.skip_samples > 0) {
        // skiphead shifts the tags it passes on, so the end-of-stream tag still marks the last sample.
        auto skip = gr::blocks::skiphead::make(sizeof(gr_complex), input.skip_samples);
        tb_->connect(head, 0, skip, 0);
        head = skip;
      }
      if (input.realtime) {
        auto th = gr::blocks::throttle::make(sizeof(gr_complex), fs);
        tb_->connect(head, 0, th, 0);
        head = th;
      }
    } else {
      if (!input.block) throw std::invalid_argument("receive chain: no source block");
      head = input.block;
      // An SDR's rx_time tags (first sample, and after each overflow) time the frames.
      clock_ = gr::groundlink::sample_clock::make();
      probe_ = gr::groundlink::hardware_time_probe::make(clock_);
      dec_->set_sample_clock(clock_);
      tb_->connect(head, 0, probe_, 0);
      head = probe_;
    }
    if (input.digital_tuning) {
      rotator_ = gr::blocks::rotator_cc::make(kTwoPi * input.freq_shift_hz / fs);
      gain_ = gr::blocks::multiply_const_cc::make(gr_complex(static_cast<float>(std::pow(10.0, input.gain_db / 20)), 0));
      tb_->connect(head, 0, rotator_, 0);
      tb_->connect(rotator_, 0, gain_, 0);
      head = gain_;
    }
    const bool doppler = !input.doppler_poly_hz.empty() || !input.doppler_table.empty();
    if (interp != decim || doppler) {
      std::vector<double> ts, fs_hz;
      for (const auto& [t, f] : input.doppler_table) {
        ts.push_back(t);
        fs_hz.push_back(f);
      }
      try {
        auto fe = gr::groundlink::front_end::make(fs, static_cast<unsigned>(interp), static_cast<unsigned>(decim),
                                                  input.doppler_poly_hz, true, ts, fs_hz,
                                                  static_cast<double>(input.skip_samples) / fs);
        tb_->connect(head, 0, fe, 0);
        head = fe;
      } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("Doppler prediction: ") + e.what());
      }
    }
    tb_->connect(head, 0, demod_, 0);
    tb_->connect(demod_, 0, dec_, 0);
  }
  dec_->set_frame_handler(std::move(on_frame));
}

ReceiveChain::~ReceiveChain() { stop(); }

void ReceiveChain::start() {
  if (started_) return;
  tb_->start();
  started_ = true;
}

void ReceiveChain::stop() {
  if (!started_ || stopped_) return;
  tb_->stop();
  tb_->wait();
  stopped_ = true;
  // Stopped mid-pass (SIGTERM, a rebuild): what is inside the decoder still comes out.
  dec_->end_of_pass();
}

void ReceiveChain::wait() {
  if (!started_ || stopped_) return;
  tb_->wait();
  stopped_ = true;
}

void ReceiveChain::set_freq_shift(double hz) {
  if (!rotator_) return;
  input_.freq_shift_hz = hz;
  rotator_->set_phase_inc(kTwoPi * hz / input_.sample_rate);
}

void ReceiveChain::set_gain_db(double db) {
  if (!gain_) return;
  input_.gain_db = db;
  gain_->set_k(gr_complex(static_cast<float>(std::pow(10.0, db / 20)), 0));
}

ChainStatus ReceiveChain::status() const {
  ChainStatus s;
  s.decoder = dec_->counters();
  s.finished = dec_->finished();
  if (probe_) s.hardware_time_tags = probe_->tags_seen();
  if (iq_) {
    s.samples_read = iq_->samples_read();
    s.samples_total = iq_->samples_total();
  } else if (soft_) {
    s.samples_read = s.decoder.symbols_in;
    s.samples_total = soft_->items_total();
  }
  if (demod_) {
    const auto d = demod_->status();
    s.carrier_lock = d.carrier_lock;
    s.ebn0_db = d.ebn0_db;
    s.freq_offset_hz = d.freq_offset_hz;
    s.demod_joins = d.joins;
    s.demod_failed_joins = d.failed_joins;
  }
  return s;
}

}  // namespace groundlink::app
