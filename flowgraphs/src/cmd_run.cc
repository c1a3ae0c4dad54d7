// groundlink run: the live station. The receive chain (SDR or file source -> front-end -> demod
// -> decode -> framing) feeds the frame bus; the archive and the SLE service instances consume it;
// a monitoring endpoint reports the station. SIGINT/SIGTERM stop cleanly; SIGHUP re-reads the
// station file: a new centre frequency or gain is applied to the running source, a changed
// profile or source rebuilds the receive chain, and the SLE server and its associations stay up.
#include <gnuradio/soapy/source.h>
#include <gnuradio/uhd/usrp_source.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <tuple>

#include "cli.h"
#include "commands.h"
#include "monitor.h"
#include "doppler.h"
#include "pass_pipeline.h"
#include "receive_chain.h"
#include "sigmf.h"
#include "signals.h"
#include "sle/config_yaml.h"
#include "sle/provider.h"
#include "station.h"

namespace groundlink::app {
namespace {

bool same_profile(const Profile& a, const Profile& b) {
  const auto& ma = a.modulation;
  const auto& mb = b.modulation;
  const auto& fa = a.frame;
  const auto& fb = b.frame;
  const auto& sa = a.sync;
  const auto& sb = b.sync;
  return std::tie(a.name, ma.type, ma.symbol_rate, ma.rolloff, ma.samples_per_symbol, ma.carrier_loop_bw,
                  ma.timing_loop_bw, ma.acquisition_range, ma.demod_threads, a.conv.enabled, a.conv.rate, a.conv.invert_g2,
                  a.randomizer, a.nrzm, a.rs.enabled, a.rs.e, a.rs.interleave, a.rs.dual_basis, a.rs.virtual_fill,
                  fa.format, fa.length, fa.asm_marker, fa.asm_bits, fa.fecf, fa.ocf, fa.scid, sa.search_errors,
                  sa.lock_errors, sa.check_frames, sa.flywheel_frames, sa.bit_slip) ==
         std::tie(b.name, mb.type, mb.symbol_rate, mb.rolloff, mb.samples_per_symbol, mb.carrier_loop_bw,
                  mb.timing_loop_bw, mb.acquisition_range, mb.demod_threads, b.conv.enabled, b.conv.rate, b.conv.invert_g2,
                  b.randomizer, b.nrzm, b.rs.enabled, b.rs.e, b.rs.interleave, b.rs.dual_basis, b.rs.virtual_fill,
                  fb.format, fb.length, fb.asm_marker, fb.asm_bits, fb.fecf, fb.ocf, fb.scid, sb.search_errors,
                  sb.lock_errors, sb.check_frames, sb.flywheel_frames, sb.bit_slip);
}

/// Everything about the source except its tuning (centre frequency, gain): a change here needs
/// the source reopened.
bool same_source(const SourceConfig& a, const SourceConfig& b) {
  return std::tie(a.type, a.device, a.sample_rate, a.antenna, a.file, a.format, a.realtime, a.start_time) ==
         std::tie(b.type, b.device, b.sample_rate, b.antenna, b.file, b.format, b.realtime, b.start_time);
}

framing::Timestamp now_timestamp() {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return framing::Timestamp{ns / 1000000000, (ns % 1000000000) * 1000};
}

/// What the file source's recording says about itself.
struct Recording {
  std::string data_path, format;
  double sample_rate = 0, center_freq = 0;
  framing::Timestamp start{0, 0};
  std::vector<std::pair<uint64_t, framing::Timestamp>> capture_times;  ///< SigMF capture segments
};

Recording describe_recording(const SourceConfig& s) {
  Recording r;
  std::string start = s.start_time;
  if (is_sigmf(s.file) && s.format.empty()) {
    SigmfMeta meta;
    try {
      meta = read_sigmf_meta(s.file);
    } catch (const SigmfError& e) {
      throw UsageError(std::string("source.file: ") + e.what());
    }
    const std::string& dt = meta.datatype;
    r.format = iq_format_of_sigmf_datatype(dt);
    if (r.format.empty())
      throw UsageError("source.file: " + sigmf_meta_path(s.file) + ": core:datatype '" + dt +
                       "' is not an IQ type a station receives (allowed: " + kSigmfIqDatatypes + ")");
    r.sample_rate = s.sample_rate > 0 ? s.sample_rate : meta.sample_rate;
    r.center_freq = meta.frequency;
    if (start.empty()) {
      start = meta.datetime;
      r.capture_times = meta.capture_times;
    }
    r.data_path = sigmf_data_path(s.file);
  } else {
    if (s.format.empty())
      throw UsageError("source.format: is required for a raw recording (allowed: cf32, cs16, cs8)");
    if (!(s.sample_rate > 0)) throw UsageError("source.sample_rate: is required for a raw recording (Hz, > 0)");
    r.format = s.format;
    r.sample_rate = s.sample_rate;
    r.data_path = s.file;
  }
  if (r.center_freq <= 0) r.center_freq = s.center_freq;  // a raw recording is where the station says it is
  if (!start.empty()) {
    try {
      r.start = parse_iso8601(start);
    } catch (const SigmfError& e) {
      throw UsageError(std::string("source.start_time: ") + e.what());
    }
  }
  return r;
}

class Station {
 public:
  Station(std::string path, StationConfig cfg) : path_(std::move(path)), cfg_(std::move(cfg)) {}

  ~Station() {
    if (monitor_) monitor_->stop();
    registry_.remove_status("station");
    chain_.reset();
    pipeline_.reset();  // its SLE consumer thread ends before the provider goes
    if (provider_) provider_->stop();
  }

  /// Opens the endpoints, the archive and the source; a configuration problem is a UsageError.
  void start() {
    if (cfg_.sle && !cfg_.sle.IsNull()) {
      sle::ProviderConfig prc;
      try {
        prc = sle::provider_config_from_yaml(cfg_.sle);
        provider_ = std::make_unique<sle::SleProvider>(prc);
      } catch (const std::exception& e) {
        throw UsageError(std::string("sle: ") + e.what());
      }
      for (const auto& si : prc.instances) siis_.push_back(si.sii);
    }
    // The source first: a missing device is the likeliest problem and must not wait for the rest.
    framing::Timestamp start;
    const ChainInput in = open_source(0, start);
    PipelineConfig pc;
    pc.archive_path = cfg_.archive_path;
    pc.retention_days = cfg_.retention_days;
    pc.open_pass = false;  // each receive chain opens its own pass (build_chain_or_throw)
    try {
      pipeline_ = std::make_unique<PassPipeline>(pc);
    } catch (const std::exception& e) {
      throw UsageError(std::string("archive.path: ") + e.what());
    }
    register_status();
    build_chain(in, start);
    if (provider_) {
      if (pipeline_->archive())
        provider_->set_frame_store(std::shared_ptr<sle::FrameStore>(new ArchiveFrameStore(*pipeline_->archive())));
      try {
        provider_->start();
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string("sle: cannot listen: ") + e.what());
      }
      for (const auto& sii : siis_) spdlog::info("SLE instance {} listening on port {}", sii, provider_->port(sii));
      pipeline_->attach_sle(*provider_);
    }
    if (cfg_.monitor_port >= 0) {
      MonitorConfig mc;
      mc.address = cfg_.monitor_address;
      mc.port = static_cast<uint16_t>(cfg_.monitor_port);
      monitor_ = std::make_unique<MonitorServer>(mc, registry_);
      monitor_->start();
      spdlog::info("monitor listening on {}", monitor_->endpoint());
    }
    chain_->start();
    spdlog::info("station {} running: profile {}, source {} ({})", cfg_.name, cfg_.profile.name, cfg_.source.type,
                 source_text(cfg_.source));
  }

  /// The main loop: until SIGINT/SIGTERM (or the end of a file source with exit_at_end).
  void serve(bool exit_at_end) {
    while (!stop_requested()) {
      if (take_reload_request()) reload();
      publish_figures();
      {
        std::lock_guard<std::mutex> lk(mu_);
        if (chain_ && chain_->running() && chain_->status().finished) {
          chain_->wait();
          state_ = "ended";
          spdlog::info("source ended: {} frames good, {} bad in this pass", chain_->status().decoder.frames_good,
                       chain_->status().decoder.frames_bad);
        }
      }
      if (exit_at_end && state_ == "ended") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    spdlog::info("stopping: flushing the frame bus and the archive");
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (chain_) chain_->stop();
      state_ = "stopped";
    }
    pipeline_->finish();  // every frame published is stored and delivered before the SLE server stops
    spdlog::info("stopped: {} frames archived", pipeline_->archived());
  }

 private:
  static PassRecord pass_record(const StationConfig& c, framing::Timestamp start) {
    PassRecord p;
    p.start = start;
    p.profile = c.profile.name;
    p.source = c.source.type == "file" ? c.source.file : c.source.type + ":" + c.source.device;
    p.notes = "station " + c.name;
    return p;
  }

  static std::string source_text(const SourceConfig& s) {
    if (s.type == "file") return s.file + (s.realtime ? ", real time" : "");
    return "'" + s.device + "' at " + std::to_string(s.center_freq) + " Hz, " + std::to_string(s.sample_rate) +
           " S/s, gain " + std::to_string(s.gain) + " dB";
  }

  /// Opens the source the configuration names and builds the chain; the pass starts at sample
  /// `skip` of a file source. Errors: UsageError (configuration, missing device).
  void build_chain_or_throw(uint64_t skip) {
    framing::Timestamp start;
    ChainInput in = open_source(skip, start);
    build_chain(in, start);
  }

  /// The chain's input for the configured source: a recording (from sample `skip`) or the SDR,
  /// opened and tuned. `start` receives the time of the input's first sample.
  ChainInput open_source(uint64_t skip, framing::Timestamp& start) {
    const SourceConfig& s = cfg_.source;
    ChainInput in;
    soapy_.reset();
    usrp_.reset();
    if (s.type == "file") {
      const Recording r = describe_recording(s);
      in.kind = ChainInput::Kind::iq_file;
      in.path = r.data_path;
      in.format = r.format;
      in.sample_rate = r.sample_rate;
      in.realtime = s.realtime;
      in.skip_samples = skip;
      in.time_points = r.capture_times;
      in.digital_tuning = true;
      recording_center_ = r.center_freq;
      in.freq_shift_hz = file_shift(s.center_freq);
      if (std::abs(in.freq_shift_hz) >= r.sample_rate / 2)
        throw UsageError("source.center_freq: " + std::to_string(s.center_freq) + " Hz is outside the recording (" +
                         std::to_string(r.center_freq) + " Hz +- " + std::to_string(r.sample_rate / 2) +
                         " Hz; 0 = the recording's centre)");
      in.gain_db = s.gain;
      start = r.start;
    } else {
      in.kind = ChainInput::Kind::block;
      in.sample_rate = s.sample_rate;
      in.block = open_sdr(s);
    }
    return in;
  }

  void build_chain(const ChainInput& in, framing::Timestamp start) {
    const SourceConfig& s = cfg_.source;
    // An SDR gives no time stamps here: the pass starts at the system clock as the stream is
    // about to start (the chain starts right after it is built).
    if (in.kind == ChainInput::Kind::block) start = now_timestamp();
    // Doppler pre-compensation from the pass prediction (times relative to the pass start).
    ChainInput input = in;
    if (!s.doppler_file.empty()) input.doppler_table = load_doppler_table(s.doppler_file, start);
    input.doppler_poly_hz = s.doppler_poly;
    auto* pipeline = pipeline_.get();
    std::unique_ptr<ReceiveChain> chain;
    try {
      chain = std::make_unique<ReceiveChain>(cfg_.profile, input, start, [this, pipeline](const framing::Frame& f) {
        frames_[static_cast<int>(f.quality) % 3]->inc();
        pipeline->on_frame(f);
      });
    } catch (const UsageError& e) {
      throw UsageError(std::string("profile ") + cfg_.profile.name + " with source " + s.type + ": " + e.what());
    } catch (const std::exception& e) {
      throw UsageError(std::string("source.file: ") + e.what());
    }
    pipeline_->begin_pass(pass_record(cfg_, start));
    chain_ = std::move(chain);
    ++generation_;
    state_ = "running";
  }

  /// The centre frequency the station receives at (a file source left at 0: the recording's).
  double tuned_center() const {
    return cfg_.source.center_freq > 0 || cfg_.source.type != "file" ? cfg_.source.center_freq : recording_center_;
  }

  /// Digital shift that brings `tuned` to baseband in the file's recording (centre recording_center_).
  double file_shift(double tuned) const {
    if (!(tuned > 0) || !(recording_center_ > 0)) return 0;
    return recording_center_ - tuned;
  }

  gr::basic_block_sptr open_sdr(const SourceConfig& s) {
    spdlog::info("opening {} device '{}'", s.type, s.device);
    try {
      if (s.type == "soapy") {
        soapy_ = gr::soapy::source::make(s.device, "fc32", 1);
        soapy_->set_sample_rate(0, s.sample_rate);
        soapy_->set_frequency(0, s.center_freq);
        soapy_->set_gain_mode(0, false);
        soapy_->set_gain(0, s.gain);
        if (!s.antenna.empty()) soapy_->set_antenna(0, s.antenna);
        warn_rate(s.sample_rate, soapy_->get_sample_rate(0));
        return soapy_;
      }
      usrp_ = gr::uhd::usrp_source::make(::uhd::device_addr_t(s.device), ::uhd::stream_args_t("fc32", "sc16"));
      usrp_->set_samp_rate(s.sample_rate);
      usrp_->set_center_freq(s.center_freq);
      usrp_->set_gain(s.gain);
      if (!s.antenna.empty()) usrp_->set_antenna(s.antenna);
      warn_rate(s.sample_rate, usrp_->get_samp_rate());
      return usrp_;
    } catch (const std::exception& e) {
      soapy_.reset();
      usrp_.reset();
      throw UsageError("source.device: cannot open " + std::string(s.type == "soapy" ? "SoapySDR" : "UHD") +
                       " device '" + s.device + "': " + e.what());
    }
  }

  /// ERT and the resampler assume the configured rate: say so when the device chose another.
  static void warn_rate(double asked, double got) {
    if (got > 0 && std::abs(got - asked) > 1e-6 * asked)
      spdlog::warn("source.sample_rate: the device runs at {} S/s, not the configured {} S/s; ERT and "
                   "resampling assume the configured rate (choose a rate the device supports)",
                   got, asked);
  }

  /// Applies a new centre frequency / gain to the running source; false (logged) when refused.
  bool retune(const SourceConfig& n) {
    if (cfg_.source.type == "file") {
      const double shift = file_shift(n.center_freq);
      if (chain_ && std::abs(shift) >= chain_->input().sample_rate / 2) {
        spdlog::error("reload: source.center_freq {} Hz is outside the recording ({} Hz +- {} Hz); not applied",
                      n.center_freq, recording_center_, chain_->input().sample_rate / 2);
        return false;
      }
      if (chain_) {
        chain_->set_freq_shift(shift);
        chain_->set_gain_db(n.gain);
      }
    } else if (soapy_) {
      soapy_->set_frequency(0, n.center_freq);
      soapy_->set_gain(0, n.gain);
    } else if (usrp_) {
      usrp_->set_center_freq(n.center_freq);
      usrp_->set_gain(n.gain);
    }
    spdlog::info("retuned: centre frequency {} Hz, gain {} dB", n.center_freq, n.gain);
    return true;
  }

  /// SIGHUP: re-read the station file. A bad file is reported and the running configuration kept.
  void reload() {
    spdlog::info("SIGHUP: re-reading {}", path_);
    StationConfig n;
    try {
      n = load_station(path_);
    } catch (const std::exception& e) {
      spdlog::error("reload: {}; keeping the running configuration", e.what());
      return;
    }
    if (YAML::Dump(n.sle) != YAML::Dump(cfg_.sle) || n.archive_path != cfg_.archive_path ||
        n.monitor_port != cfg_.monitor_port || n.monitor_address != cfg_.monitor_address)
      spdlog::warn("reload: sle, archive and monitor changes take effect at the next start");
    n.sle = cfg_.sle;
    n.archive_path = cfg_.archive_path;
    n.monitor_port = cfg_.monitor_port;
    n.monitor_address = cfg_.monitor_address;
    if (n.log_level != cfg_.log_level && !std::getenv("GROUNDLINK_LOG_LEVEL"))
      spdlog::set_level(spdlog::level::from_str(n.log_level));

    std::lock_guard<std::mutex> lk(mu_);
    const bool profile_changed = !same_profile(n.profile, cfg_.profile);
    const bool source_changed = !same_source(n.source, cfg_.source);
    // Tuning only, when a chain is up (after a failed rebuild any reload builds it again).
    if (chain_ && !profile_changed && !source_changed) {
      if (n.source.center_freq != cfg_.source.center_freq || n.source.gain != cfg_.source.gain) {
        if (!retune(n.source)) return;
      }
      cfg_ = n;
      return;
    }
    // A file source goes on where it was (same recording, new chain); a new source starts anew.
    uint64_t skip = 0;
    if (!source_changed && chain_ && chain_->iq_source()) {
      if (state_ == "ended") {
        spdlog::info("reload: the recording has ended; profile {} applies to the next source", n.profile.name);
        cfg_ = n;
        return;
      }
      skip = chain_->input().skip_samples + chain_->iq_source()->samples_read();
    }
    if (chain_) chain_->stop();
    chain_.reset();
    const StationConfig old = cfg_;
    cfg_ = n;
    try {
      build_chain_or_throw(skip);
      chain_->start();
    } catch (const std::exception& e) {
      chain_.reset();
      state_ = "failed";
      spdlog::error("reload: {}; the receive chain is down until the next SIGHUP", e.what());
      return;
    }
    spdlog::info("receive chain rebuilt (generation {}): profile {}, source {}{}", generation_, cfg_.profile.name,
                 source_text(cfg_.source), skip ? " from sample " + std::to_string(skip) : "");
  }

  void register_status() {
    frames_[0] = &registry_.counter("groundlink_frames_total", "Transfer frames received", {{"quality", "good"}});
    frames_[1] = &registry_.counter("groundlink_frames_total", "Transfer frames received", {{"quality", "erred"}});
    frames_[2] =
        &registry_.counter("groundlink_frames_total", "Transfer frames received", {{"quality", "undetermined"}});
    archived_ = &registry_.gauge("groundlink_archive_acknowledged_frames",
                                 "Frames committed to the archive (survive the death of the process)");
    lock_ = &registry_.gauge("groundlink_carrier_lock", "1 when the demodulator's carrier loop is locked");
    ebn0_ = &registry_.gauge("groundlink_ebn0_db", "Eb/N0 estimate of the demodulator (dB)");
    center_ = &registry_.gauge("groundlink_center_freq_hz", "Tuned centre frequency (Hz)");
    generation_gauge_ = &registry_.gauge("groundlink_chain_generation", "Receive chains built since start");
    registry_.add_status("station", [this] { return status_json(); });
  }

  void publish_figures() {
    std::lock_guard<std::mutex> lk(mu_);
    archived_->set(static_cast<double>(pipeline_->archived()));
    center_->set(tuned_center());
    generation_gauge_->set(static_cast<double>(generation_));
    if (chain_) {
      const ChainStatus s = chain_->status();
      lock_->set(s.carrier_lock ? 1 : 0);
      ebn0_->set(s.ebn0_db);
      if (provider_) {
        sle::LinkStatus ls;
        const bool up = state_ == "running";
        ls.carrier = ls.symbol_sync = up ? (s.carrier_lock ? 0 : 1) : 2;
        ls.frame_sync = up ? (s.decoder.frames_good > 0 ? 0 : 1) : 2;
        ls.subcarrier = 2;
        ls.production = up ? 0 : 1;
        provider_->set_link_status(ls);
      }
    }
  }

  nlohmann::json status_json() {
    std::lock_guard<std::mutex> lk(mu_);
    nlohmann::json j;
    j["name"] = cfg_.name;
    j["profile"] = cfg_.profile.name;
    j["state"] = state_;
    j["chain_generation"] = generation_;
    j["source"] = {{"type", cfg_.source.type},
                   {"device", cfg_.source.device},
                   {"file", cfg_.source.file},
                   {"center_freq", tuned_center()},
                   {"gain", cfg_.source.gain},
                   {"sample_rate", chain_ ? chain_->input().sample_rate : cfg_.source.sample_rate}};
    if (chain_) {
      const ChainStatus s = chain_->status();
      j["chain"] = {{"samples_read", s.samples_read},
                    {"samples_total", s.samples_total},
                    {"time_source", cfg_.source.type == "file" ? "recording"
                                    : s.hardware_time_tags > 0 ? "hardware (rx_time)"
                                                               : "system clock"},
                    {"skip_samples", chain_->input().skip_samples},
                    {"frames_good", s.decoder.frames_good},
                    {"frames_bad", s.decoder.frames_bad},
                    {"frames_undetermined", s.decoder.frames_undetermined},
                    {"sync_losses", s.decoder.sync_losses},
                    {"carrier_lock", s.carrier_lock},
                    {"ebn0_db", s.ebn0_db},
                    {"freq_offset_hz", s.freq_offset_hz}};
    }
    j["frames"] = {{"good", frames_[0]->value()}, {"erred", frames_[1]->value()}, {"undetermined", frames_[2]->value()}};
    // "Acknowledged": committed by the archive writer (archive.h durability note); these frames
    // are in the archive even if the process is killed right after this answer.
    j["archive"] = {{"path", cfg_.archive_path},
                    {"acknowledged", pipeline_->archived()},
                    {"pass_id", pipeline_->pass_id()}};
    if (provider_) {
      nlohmann::json sl = nlohmann::json::object();
      for (const auto& sii : siis_) {
        const auto st = provider_->stats(sii);
        sl[sii] = {{"port", provider_->port(sii)},       {"bound", st.bound},
                   {"started", st.started},              {"associations", st.associations},
                   {"aborts", st.aborts},                {"frames_delivered", st.frames_delivered},
                   {"frames_discarded", st.frames_discarded}};
      }
      j["sle"] = sl;
    }
    return j;
  }

  std::string path_;
  StationConfig cfg_;
  MetricsRegistry registry_;
  std::unique_ptr<MonitorServer> monitor_;
  std::unique_ptr<sle::SleProvider> provider_;
  std::vector<std::string> siis_;
  std::unique_ptr<PassPipeline> pipeline_;
  std::mutex mu_;  // the chain and the configuration: main thread (reload) vs monitor thread (status)
  std::unique_ptr<ReceiveChain> chain_;
  gr::soapy::source::sptr soapy_;
  gr::uhd::usrp_source::sptr usrp_;
  double recording_center_ = 0;
  uint64_t generation_ = 0;
  std::string state_ = "starting";
  Counter* frames_[3] = {nullptr, nullptr, nullptr};
  Gauge *archived_ = nullptr, *lock_ = nullptr, *ebn0_ = nullptr, *center_ = nullptr, *generation_gauge_ = nullptr;
};

}  // namespace

int cmd_run(int argc, char** argv) {
  Args args("run",
            "Run the station: the source (SoapySDR, UHD or a recording) through the receive chain of the\n"
            "station's profile into the frame archive and the SLE service instances, with a monitoring\n"
            "endpoint (/metrics, /status), until SIGINT or SIGTERM. SIGHUP re-reads the station file:\n"
            "centre frequency and gain are applied to the running source; a changed profile or source\n"
            "rebuilds the receive chain while the SLE server and its associations stay up.",
            {{"config", "FILE", "station file (YAML; see flowgraphs/stations/example.yaml)", ""},
             {"exit-at-end", "", "file source: stop when the recording ends (default: keep serving)", ""},
             {"check", "", "validate the station file (profile, source, SLE, monitor) and exit; opens no device", ""}});
  if (!args.parse(argc, argv)) return kExitOk;
  if (!args.has("config")) throw UsageError("--config is required (a station file)");
  StationConfig cfg;
  try {
    cfg = load_station(args.get("config"));
  } catch (const ProfileError& e) {
    throw UsageError(e.what());
  }
  if (args.has("check")) {
    nlohmann::json j = {{"station", cfg.name}, {"profile", cfg.profile.name}, {"source", cfg.source.type}};
    if (cfg.sle && !cfg.sle.IsNull()) {
      try {
        j["sle_instances"] = sle::provider_config_from_yaml(cfg.sle).instances.size();
      } catch (const std::exception& e) {
        throw UsageError(std::string("sle: ") + e.what());
      }
    }
    if (cfg.source.type == "file") {
      const Recording r = describe_recording(cfg.source);
      j["recording"] = {{"data", r.data_path}, {"format", r.format}, {"sample_rate", r.sample_rate}};
    }
    j["ok"] = true;
    std::printf("%s\n", j.dump().c_str());
    return kExitOk;
  }
  if (!std::getenv("GROUNDLINK_LOG_LEVEL")) spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  install_signal_handlers();
  Station station(args.get("config"), cfg);
  station.start();
  station.serve(args.has("exit-at-end"));
  return kExitOk;
}

}  // namespace groundlink::app
