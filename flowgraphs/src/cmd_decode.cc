// groundlink decode: offline replay of a recording through the receive chain.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <nlohmann/json.hpp>

#include "chain_config.h"
#include "cli.h"
#include "commands.h"
#include "doppler.h"
#include "pass_pipeline.h"
#include "profile.h"
#include "receive_chain.h"
#include "sigmf.h"
#include "signals.h"
#include "sle/config_yaml.h"
#include "sle/provider.h"

#include <thread>

namespace groundlink::app {
namespace {

bool is_iq_format(const std::string& f) { return f == "cf32" || f == "cs16" || f == "cs8" || f == "cu8"; }

std::string format_from_sigmf_datatype(const std::string& dt, const std::string& meta_path) {
  if (const std::string iq = iq_format_of_sigmf_datatype(dt); !iq.empty()) return iq;
  if (dt == "rf32_le" || dt == "rf32") return "softf32";
  if (dt == "ri8" || dt == "ri8_le") return "softi8";
  throw UsageError(meta_path + ": core:datatype '" + dt + "' is not supported (allowed: " + kSigmfIqDatatypes +
                   ", rf32_le, ri8)");
}

/// One line, rewritten in place: position in the recording, frames, lock, Eb/N0.
void print_progress(const ReceiveChain& chain, const FrameCollector& frames,
                    std::chrono::steady_clock::time_point w0) {
  const ChainStatus s = chain.status();
  const double frac = s.samples_total ? static_cast<double>(s.samples_read) / static_cast<double>(s.samples_total) : 0;
  constexpr int kWidth = 24;
  char bar[kWidth + 1];
  const int filled = static_cast<int>(std::min(1.0, frac) * kWidth);
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '-';
  bar[kWidth] = 0;
  const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  if (chain.is_iq())
    std::fprintf(stderr, "\r[%s] %5.1f%%  %.1fs  frames %llu good %llu bad  %s  Eb/N0 %5.1f dB ", bar, 100 * frac, el,
                 static_cast<unsigned long long>(frames.good()), static_cast<unsigned long long>(frames.bad()),
                 s.carrier_lock ? "LOCK   " : "no lock", s.ebn0_db);
  else
    std::fprintf(stderr, "\r[%s] %5.1f%%  %.1fs  frames %llu good %llu bad  sync losses %llu ", bar, 100 * frac, el,
                 static_cast<unsigned long long>(frames.good()), static_cast<unsigned long long>(frames.bad()),
                 static_cast<unsigned long long>(s.decoder.sync_losses));
  std::fflush(stderr);
}

}  // namespace

int cmd_decode(int argc, char** argv) {
  Args args("decode",
            "Decode a recording with a mission profile. IQ (SigMF, cf32, cs16, cs8) goes through the\n"
            "front-end and PSK demodulator; soft symbols (softf32, softi8) or bits go straight to the\n"
            "decoder: Viterbi -> frame sync -> derandomize -> Reed-Solomon -> TM/AOS checks.\n"
            "Writes the frames and prints one JSON summary line at the end.",
            {{"profile", "NAME|PATH", "mission profile (flowgraphs/profiles/*.yaml or a path)", ""},
             {"input", "FILE", "recording (NAME.sigmf-meta / .sigmf-data, or a raw file)", ""},
             {"format", "FMT", "sigmf | cf32 | cs16 | cs8 | cu8 | softf32 | softi8 | bits (default: sigmf when the "
                               "metadata exists, else softf32)", ""},
             {"sample-rate", "HZ", "raw IQ: sample rate (SigMF: from the metadata)", "0"},
             {"start-time", "ISO8601", "pass start for ERT (SigMF: core:datetime; default: file time 0 = 1970)", ""},
             {"scale", "X", "softf32: soft units per input unit (0 = from the signal level)", "0"},
             {"frames-out", "FILE", "write decoded frames back to back to FILE", ""},
             {"all-frames", "", "with --frames-out, write erred frames too (default: good and undetermined)", ""},
             {"archive", "DB", "store the frames in this SQLite frame archive (created when missing)", ""},
             {"sle", "FILE", "serve the frames through the SLE provider configured in FILE (YAML)", ""},
             {"sle-wait-start", "N", "with --sle: wait until N service instances have been started by users", "0"},
             {"sle-timeout", "SECONDS", "with --sle-wait-start: give up waiting after this", "60"},
             {"sle-linger", "SECONDS", "with --sle: keep serving after the pass (-1: until SIGINT/SIGTERM)", "-1"},
             {"cltu-out", "FILE", "with --sle: append CLTUs accepted by FCLTU instances, one per line in hex", ""},
             {"threads", "N", "demodulator threads, 1..16: the recording is demodulated in overlapping segments on N cores "
                              "and stitched seamlessly (default: the profile's modulation.demod_threads)", ""},
             {"realtime", "", "pace the replay at the recording's sample rate (default: as fast as possible)", ""},
             {"doppler", "FILE", "IQ: remove the carrier's Doppler from a pass prediction (lines 'time Hz'; time in s from the start or ISO 8601 UTC)", ""},
             {"doppler-poly", "C0,C1,..", "IQ: remove the Doppler f(t) = c0 + c1 t + c2 t^2 ... (Hz, t in s from the start)", ""},
             {"no-progress", "", "no progress line on stderr (it is shown only when stderr is a terminal)", ""}});
  if (!args.parse(argc, argv)) return kExitOk;
  if (!args.has("profile")) throw UsageError("--profile is required (known: see flowgraphs/profiles)");
  if (!args.has("input")) throw UsageError("--input is required");
  Profile profile;
  try {
    profile = load_profile(args.get("profile"));
  } catch (const ProfileError& e) {
    throw UsageError(e.what());
  }

  if (args.has("threads")) {
    const long long n = args.get_int("threads");
    if (n < 1 || n > 16) throw UsageError("--threads " + std::to_string(n) + ": allowed 1..16");
    profile.modulation.demod_threads = static_cast<int>(n);
  }

  std::string input = args.get("input");
  std::string format = args.get("format");
  double fs = args.get_double("sample-rate");
  std::string start = args.get("start-time");
  std::vector<std::pair<uint64_t, framing::Timestamp>> capture_times;
  if (format == "sigmf" || (format.empty() && is_sigmf(input))) {
    SigmfMeta meta;
    try {
      meta = read_sigmf_meta(input);
    } catch (const SigmfError& e) {
      throw UsageError(std::string("--input: ") + e.what());
    }
    format = format_from_sigmf_datatype(meta.datatype, sigmf_meta_path(input));
    if (fs == 0) fs = meta.sample_rate;
    if (start.empty()) start = meta.datetime;
    input = sigmf_data_path(input);
    capture_times = meta.capture_times;
  }
  if (format.empty()) format = "softf32";
  if (!is_iq_format(format) && format != "softf32" && format != "softi8" && format != "bits")
    throw UsageError("--format '" + format + "': allowed sigmf, cf32, cs16, cs8, cu8, softf32, softi8, bits");
  const double scale = args.get_double("scale");
  if (scale < 0) throw UsageError("--scale must be >= 0");
  framing::Timestamp t0{0, 0};
  if (!start.empty()) {
    try {
      t0 = parse_iso8601(start);
    } catch (const SigmfError& e) {
      throw UsageError(std::string("--start-time: ") + e.what());
    }
  }

  ChainInput in;
  in.kind = is_iq_format(format) ? ChainInput::Kind::iq_file : ChainInput::Kind::soft_file;
  in.path = input;
  in.format = format;
  in.scale = static_cast<float>(scale);
  in.sample_rate = fs;
  in.realtime = args.has("realtime");
  if (!args.has("start-time")) in.time_points = capture_times;  // an explicit start overrides
  if (in.kind == ChainInput::Kind::iq_file && !(fs > 0))
    throw UsageError("--sample-rate is required for raw " + format + " input");
  if (args.has("doppler") || args.has("doppler-poly")) {
    if (in.kind != ChainInput::Kind::iq_file)
      throw UsageError("--doppler/--doppler-poly apply to IQ recordings (the front-end), not to " + format);
    if (args.has("doppler") && args.has("doppler-poly"))
      throw UsageError("--doppler and --doppler-poly: give one Doppler prediction, not both");
    if (args.has("doppler")) in.doppler_table = load_doppler_table(args.get("doppler"), t0);
    else in.doppler_poly_hz = parse_doppler_poly(args.get("doppler-poly"));
  }
  // Destroyed in reverse: the chain (feeding the pipeline) first, then the pipeline, whose SLE
  // consumer thread must end before the provider it feeds is destroyed.
  std::unique_ptr<sle::SleProvider> provider;
  std::unique_ptr<PassPipeline> pipeline;
  std::unique_ptr<ReceiveChain> chain;
  try {
    chain = std::make_unique<ReceiveChain>(profile, in, t0, [&pipeline](const framing::Frame& f) {
      pipeline->on_frame(f);
    });
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(std::string("--input: ") + e.what());
  }

  PipelineConfig pc;
  pc.archive_path = args.get("archive");
  pc.frames_out = args.get("frames-out");
  pc.all_frames = args.has("all-frames");
  pc.pass.start = t0;
  pc.pass.profile = profile.name;
  pc.pass.source = input;
  try {
    pipeline = std::make_unique<PassPipeline>(pc);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
  std::unique_ptr<ArchiveFrameStore> store;
  std::FILE* cltu_out = nullptr;
  std::vector<std::string> siis;
  if (args.has("sle")) {
    sle::ProviderConfig prc;
    try {
      prc = sle::provider_config_from_yaml(YAML::LoadFile(args.get("sle")));
      provider = std::make_unique<sle::SleProvider>(prc);
    } catch (const std::exception& e) {
      throw UsageError("--sle " + args.get("sle") + ": " + e.what());
    }
    if (pipeline->archive())
      provider->set_frame_store(std::shared_ptr<sle::FrameStore>(new ArchiveFrameStore(*pipeline->archive())));
    if (args.has("cltu-out")) {
      cltu_out = std::fopen(args.get("cltu-out").c_str(), "a");
      if (!cltu_out) throw UsageError("--cltu-out: cannot open '" + args.get("cltu-out") + "'");
    }
    provider->set_cltu_sink([cltu_out](const sle::SleProvider::CltuRequest& r) {
      spdlog::info("CLTU {} accepted on {} ({} octets)", r.cltu_id, r.sii, r.cltu->size());
      if (cltu_out) {
        for (uint8_t b : *r.cltu) std::fprintf(cltu_out, "%02x", b);
        std::fprintf(cltu_out, "\n");
        std::fflush(cltu_out);
      }
      return true;
    });
    install_signal_handlers();
    provider->start();
    for (const auto& si : prc.instances) siis.push_back(si.sii);
    for (const auto& si : prc.instances)
      spdlog::info("SLE {} instance {} listening on {}:{}", sle::to_string(si.service), si.sii, si.host,
                   provider->port(si.sii));
    pipeline->attach_sle(*provider);
    const long long want = args.get_int("sle-wait-start");
    if (want > 0) {
      const auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(static_cast<long long>(args.get_double("sle-timeout") * 1000));
      for (;;) {
        long long started = 0;
        for (const auto& si : prc.instances) started += provider->stats(si.sii).starts > 0 ? 1 : 0;
        if (started >= want) break;
        if (std::chrono::steady_clock::now() > deadline || stop_requested())
          throw std::runtime_error("SLE: only " + std::to_string(started) + " of " + std::to_string(want) +
                                   " service instances were started by users in time");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  if (!provider) install_signal_handlers();
  const auto w0 = std::chrono::steady_clock::now();
  chain->start();
  // The flowgraph ends at the end of the recording; SIGINT/SIGTERM end it early, cleanly (what was
  // decoded until then is stored and counted). On a terminal, a progress line on stderr.
  std::atomic<bool> done{false};
  const bool progress = !args.has("no-progress") && ::isatty(2);
  std::thread stopper([&] {
    auto next = std::chrono::steady_clock::now();
    while (!done.load()) {
      if (stop_requested()) {
        chain->stop();
        break;
      }
      if (progress && std::chrono::steady_clock::now() >= next) {
        print_progress(*chain, pipeline->collector(), w0);
        next += std::chrono::milliseconds(200);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  chain->wait();
  done = true;
  stopper.join();
  if (progress) {
    print_progress(*chain, pipeline->collector(), w0);
    std::fprintf(stderr, "\n");
  }
  pipeline->finish();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const FrameCollector& collector = pipeline->collector();

  const auto c = chain->decoder()->counters();
  const double info_bits = static_cast<double>(c.symbols_in) * profile.information_rate();
  nlohmann::json j = {
      {"profile", profile.name},
      {"input", input},
      {"format", format},
      {"frames_good", collector.good()},
      {"frames_bad", collector.bad()},
      {"frames_undetermined", collector.undetermined()},
      {"rs_corrected", collector.rs_corrected()},
      {"gaps", collector.gaps()},
      {"sync_losses", c.sync_losses},
      {"soft_symbols", c.symbols_in},
      {"frames_written", collector.written()},
      {"frames_archived", pipeline->archived()},
      {"elapsed_s", elapsed},
      {"info_bits_per_s", elapsed > 0 ? info_bits / elapsed : 0.0},
  };
  if (auto iq = chain->iq_source()) {
    const auto s = chain->demod()->status();
    j["samples"] = iq->samples_read();
    j["nonfinite_samples"] = iq->nonfinite_count();
    j["truncated_bytes"] = iq->trailing_bytes();
    if (iq->trailing_bytes())
      spdlog::warn("{}: truncated recording: the last {} bytes are not a whole {} sample", input,
                   iq->trailing_bytes(), format);
    if (iq->nonfinite_count())
      spdlog::warn("{}: {} NaN/Inf samples were replaced by zeros", input, iq->nonfinite_count());
    j["carrier_lock"] = s.carrier_lock;
    j["ebn0_db_estimate"] = s.ebn0_db;
    if (profile.modulation.demod_threads > 1) {
      j["demod_threads"] = profile.modulation.demod_threads;
      j["demod_joins"] = s.joins;
      j["demod_failed_joins"] = s.failed_joins;
    }
    j["freq_offset_hz"] = s.freq_offset_hz;
  } else {
    j["nonfinite_samples"] = chain->soft_source()->nonfinite_count();
  }
  if (provider) {
    uint64_t delivered = 0, discarded = 0;
    for (const auto& sii : siis) {
      const auto st = provider->stats(sii);
      delivered += st.frames_delivered;
      discarded += st.frames_discarded;
    }
    j["sle_frames_delivered"] = delivered;
    j["sle_frames_discarded"] = discarded;
    std::printf("%s\n", j.dump().c_str());
    std::fflush(stdout);
    const double linger = args.get_double("sle-linger");
    wait_for_stop(std::chrono::milliseconds(linger < 0 ? -1 : static_cast<long long>(linger * 1000)));
    provider->stop();
    if (cltu_out) std::fclose(cltu_out);
    return kExitOk;
  }
  std::printf("%s\n", j.dump().c_str());
  return kExitOk;
}

}  // namespace groundlink::app
