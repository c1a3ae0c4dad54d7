// groundlink decode: offline replay of a recording through the receive chain.
#include <gnuradio/top_block.h>
#include <groundlink/frame_decoder.h>
#include <groundlink/soft_file_source.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "chain_config.h"
#include "cli.h"
#include "commands.h"
#include "frame_collector.h"
#include "profile.h"

namespace groundlink::app {

int cmd_decode(int argc, char** argv) {
  Args args("decode",
            "Decode a recording with a mission profile: soft symbols or bits -> Viterbi -> frame sync ->\n"
            "derandomize -> Reed-Solomon -> TM/AOS checks. Writes the frames and prints one JSON line.",
            {{"profile", "NAME|PATH", "mission profile (flowgraphs/profiles/*.yaml or a path)", ""},
             {"input", "FILE", "recording to decode", ""},
             {"format", "FMT", "softf32 | softi8 | bits", "softf32"},
             {"scale", "X", "softf32: soft units per input unit (0 = from the signal level)", "0"},
             {"frames-out", "FILE", "write decoded frames back to back to FILE", ""},
             {"all-frames", "", "with --frames-out, write erred frames too (default: good and undetermined)", ""}});
  if (!args.parse(argc, argv)) return kExitOk;
  if (!args.has("profile")) throw UsageError("--profile is required (known: see flowgraphs/profiles)");
  if (!args.has("input")) throw UsageError("--input is required");
  const std::string format = args.get("format");
  if (format != "softf32" && format != "softi8" && format != "bits")
    throw UsageError("--format '" + format + "': allowed softf32, softi8, bits");
  const double scale = args.get_double("scale");
  if (scale < 0) throw UsageError("--scale must be >= 0");

  Profile profile;
  try {
    profile = load_profile(args.get("profile"));
  } catch (const ProfileError& e) {
    throw UsageError(e.what());
  }
  if (format == "bits" && profile.conv.enabled)
    spdlog::warn("--format bits with a convolutional profile: bits are taken as channel symbols");

  gr::groundlink::soft_file_source::sptr src;
  try {
    src = gr::groundlink::soft_file_source::make(args.get("input"), format, static_cast<float>(scale));
  } catch (const std::exception& e) {
    throw UsageError(std::string("--input: ") + e.what());
  }
  FrameCollector collector(args.get("frames-out"), args.has("all-frames"));
  auto dec = gr::groundlink::frame_decoder::make(decoder_config(profile));
  dec->set_frame_handler([&collector](const framing::Frame& f) { collector.add(f); });

  auto tb = gr::make_top_block("groundlink-decode");
  tb->connect(src, 0, dec, 0);
  const auto t0 = std::chrono::steady_clock::now();
  tb->run();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  collector.close();

  const auto c = dec->counters();
  const double info_bits = static_cast<double>(c.symbols_in) * profile.information_rate();
  nlohmann::json j = {
      {"profile", profile.name},
      {"input", args.get("input")},
      {"frames_good", collector.good()},
      {"frames_bad", collector.bad()},
      {"frames_undetermined", collector.undetermined()},
      {"rs_corrected", collector.rs_corrected()},
      {"gaps", collector.gaps()},
      {"sync_losses", c.sync_losses},
      {"symbols", c.symbols_in},
      {"nonfinite_samples", src->nonfinite_count()},
      {"frames_written", collector.written()},
      {"elapsed_s", elapsed},
      {"info_bits_per_s", elapsed > 0 ? info_bits / elapsed : 0.0},
  };
  std::printf("%s\n", j.dump().c_str());
  return kExitOk;
}

}  // namespace groundlink::app
